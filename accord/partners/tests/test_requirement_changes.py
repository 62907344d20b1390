"""Changing a program requirement in full (its standard, class, scope, processes, countries,
partner kinds, note; never its kind) from the page, the API and the command line, by the
owner's members who may add one; every change an event with the values before and after; bad
values refused as an added requirement's are, with the same message on page and API."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.core.models import Event
from accord.partners.models import ProgramRequirement
from accord.partners.requirements import add_requirement, retire_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def iso(people: Any, programs: Any) -> ProgramRequirement:
    return add_requirement(
        actor=people.oem_buyer,
        program=programs["PHRM"],
        kind="certificate",
        standard="ISO 13485",
        note="Medical device",
    )


def _patch(client: Any, requirement: ProgramRequirement, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/api/v1/requirements/{requirement.pk}", json.dumps(body), content_type="application/json"
    )


def _state() -> tuple[list[tuple[Any, ...]], int]:
    rows = list(ProgramRequirement.objects.order_by("pk").values_list())
    return rows, Event.objects.count()


def test_the_buyer_changes_a_requirement_on_its_page(client_for: Any, iso: Any) -> None:
    buyer = client_for("oem_buyer")
    listing = buyer.get(reverse("program_requirements", args=[iso.program_id])).content.decode()
    assert reverse("requirement_edit", args=[iso.pk]) in listing
    form = buyer.get(reverse("requirement_edit", args=[iso.pk]))
    assert form.status_code == 200
    assert form.context["form"].initial["standard"] == "ISO 13485"
    assert "kind" not in form.context["form"].fields
    response = buyer.post(
        reverse("requirement_edit", args=[iso.pk]),
        {
            "standard": "IPC-A-610",
            "min_ipc_class": "3",
            "processes": ["smt", "aoi"],
            "product_category": "",
            "countries": "",
            "partner_kinds": ["ems", "supplier"],
            "note": "Class II device",
        },
    )
    assert response.status_code == 302
    iso.refresh_from_db()
    assert (iso.label, iso.partner_kinds, iso.note) == (
        "IPC-A-610 Class 3 (SMT, AOI)",
        ["ems", "supplier"],
        "Class II device",
    )
    event = Event.objects.filter(verb="changed requirement").get()
    assert event.program_id == iso.program_id
    assert event.changes == {
        "standard": ["ISO 13485", "IPC-A-610"],
        "min_ipc_class": [None, 3],
        "processes": [[], ["smt", "aoi"]],
        "partner_kinds": [["ems"], ["ems", "supplier"]],
        "note": ["Medical device", "Class II device"],
        "requirement": "IPC-A-610 Class 3 (SMT, AOI)",
    }
    # Meridian's members read the requirements, never change them.
    quality = client_for("ems_quality")
    assert quality.get(reverse("requirement_edit", args=[iso.pk])).status_code == 403
    assert reverse("requirement_edit", args=[iso.pk]) not in (
        quality.get(reverse("program_requirements", args=[iso.program_id])).content.decode()
    )


def test_the_api_changes_only_what_it_names(client_for: Any, people: Any, programs: Any) -> None:
    ipc = add_requirement(
        actor=people.oem_buyer,
        program=programs["PHRM"],
        kind="certificate",
        standard="IPC-A-610",
        min_ipc_class=2,
        processes=["smt"],
    )
    buyer = client_for("oem_buyer")
    # A new standard drops the old one's class (only IPC-A-610 has one); the scope stays.
    changed = _patch(buyer, ipc, {"standard": "ISO 9001"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["label"], changed.json()["min_ipc_class"]) == ("ISO 9001 (SMT)", None)
    again = _patch(buyer, ipc, {"standard": "IPC-A-610", "min_ipc_class": 3})
    assert again.json()["label"] == "IPC-A-610 Class 3 (SMT)"
    country = add_requirement(
        actor=people.oem_buyer, program=programs["PHRM"], kind="country", countries=["DE"]
    )
    moved = _patch(buyer, country, {"countries": ["my", "DE"], "partner_kinds": ["ems"]})
    assert moved.json()["countries"] == ["DE", "MY"]
    kind = _patch(buyer, country, {"kind": "process"})
    assert kind.status_code == 422  # the kind is not a field of the change
    # Made equal to another of the program's: 409, as an add would be.
    twin = _patch(buyer, country, {"countries": ["DE", "MY"]})
    assert twin.status_code == 200  # unchanged: no event
    before = _state()
    duplicate = add_requirement(
        actor=people.oem_buyer, program=programs["PHRM"], kind="country", countries=["US"]
    )
    clash = _patch(buyer, duplicate, {"countries": ["MY", "DE"]})
    assert clash.status_code == 409
    assert clash.json()["message"] == "The program has this requirement already."
    assert ProgramRequirement.objects.get(pk=duplicate.pk).countries == ["US"]
    assert Event.objects.count() == before[1] + 1  # the add only
    retire_requirement(actor=people.oem_buyer, requirement=duplicate)
    assert _patch(buyer, duplicate, {"note": "x"}).status_code == 409


BAD = [
    # (the requirement's kind and fields, the change on the page, the same in the API, field)
    ("certificate", {"standard": "IPC-A-610"}, {"standard": "IPC-A-610"}, "min_ipc_class"),
    (
        "certificate",
        {"standard": "ISO 9001", "min_ipc_class": "2"},
        {"standard": "ISO 9001", "min_ipc_class": 2},
        "min_ipc_class",
    ),
    ("certificate", {"countries": "DE"}, {"countries": ["DE"]}, "countries"),
    ("process", {"processes": []}, {"processes": []}, "processes"),
    ("country", {"countries": ""}, {"countries": []}, "countries"),
    ("certificate", {"partner_kinds": []}, {"partner_kinds": []}, "partner_kinds"),
    ("certificate", {"standard": "ISO 1"}, {"standard": "ISO 1"}, None),
]


@pytest.mark.parametrize(("kind", "page_change", "api_change", "field"), BAD)
def test_bad_changes_are_refused_alike(
    client_for: Any,
    people: Any,
    programs: Any,
    kind: str,
    page_change: dict[str, Any],
    api_change: dict[str, Any],
    field: str | None,
) -> None:
    starts: dict[str, dict[str, Any]] = {
        "certificate": {"standard": "ISO 13485"},
        "process": {"processes": ["smt"]},
        "country": {"countries": ["DE"]},
    }
    values = starts[kind]
    requirement = add_requirement(
        actor=people.oem_buyer, program=programs["PHRM"], kind=kind, **values
    )
    before = _state()
    current = {
        "standard": requirement.standard,
        "min_ipc_class": "",
        "processes": requirement.processes,
        "product_category": "",
        "countries": ", ".join(requirement.countries),
        "partner_kinds": requirement.partner_kinds,
        "note": "",
    }
    page = client_for("oem_buyer").post(
        reverse("requirement_edit", args=[requirement.pk]), current | page_change
    )
    api = _patch(client_for("oem_buyer"), requirement, api_change)
    if field is None:  # the form's choices and the schema's enumeration
        assert (page.status_code, api.status_code) == (422, 422)
        assert "standard" in page.context["form"].errors
    else:
        assert page.status_code == 422, page.content
        assert api.status_code == 422, api.content
        assert api.json()["detail"]["field"] == field
        assert str(page.context["form"].errors[field][0]) == api.json()["message"]
    assert _state() == before


def test_the_command_line(iso: Any) -> None:
    def run(*args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    pk = str(iso.pk)
    said = run(
        "requirements", "change", pk, "--certificate", "IPC-A-610", "--class", "2",
        "--process", "SMT", "--as", "oem_buyer",
    )  # fmt: skip
    assert said.strip() == f"Changed requirement {pk}: IPC-A-610 Class 2 (SMT)"
    said = run(
        "requirements", "change", pk, "--certificate", "ISO 13485", "--no-processes",
        "--partner-kind", "ems", "--partner-kind", "supplier", "--note", "Both", "--as",
        "oem_buyer",
    )  # fmt: skip
    assert said.strip() == f"Changed requirement {pk}: ISO 13485"
    iso.refresh_from_db()
    assert (iso.min_ipc_class, iso.partner_kinds, iso.note) == (None, ["ems", "supplier"], "Both")
    assert Event.objects.filter(verb="changed requirement").count() == 2
    with pytest.raises(CommandError, match="forbidden"):
        run("requirements", "change", pk, "--note", "x", "--as", "ems_planner")
    with pytest.raises(CommandError, match="not_found"):
        run("requirements", "change", pk, "--note", "x", "--as", "other_oem_user")
    with pytest.raises(CommandError, match="min_ipc_class"):
        run("requirements", "change", pk, "--certificate", "IPC-A-610", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="Name what changes"):
        run("requirements", "change", pk, "--as", "oem_buyer")
