"""A program's requirements: kept by the owner's members from the pages, the API and the
command line; bad values refused with 422 naming the field, alike on page and API, nothing
written; partners read them but may not change them."""

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

pytestmark = pytest.mark.django_db

BAD = [
    ({"kind": "certificate", "standard": "IPC-A-610"}, "min_ipc_class"),
    ({"kind": "certificate", "standard": "ISO 9001", "min_ipc_class": "2"}, "min_ipc_class"),
    ({"kind": "certificate"}, "standard"),
    ({"kind": "process"}, "processes"),
    ({"kind": "country", "countries": "Germany"}, "countries"),
    ({"kind": "country"}, "countries"),
]


@pytest.mark.parametrize(("values", "field"), BAD)
def test_bad_requirements_are_refused_alike(
    client_for: Any, programs: Any, values: dict[str, Any], field: str
) -> None:
    program = programs["PHRM"]
    before = (ProgramRequirement.objects.count(), Event.objects.count())
    page = client_for("oem_buyer").post(
        reverse("requirement_create", args=[program.pk]), {**values, "partner_kinds": ["ems"]}
    )
    assert page.status_code == 422
    assert field in page.context["form"].errors
    body: dict[str, Any] = dict(values)
    if "countries" in body:
        body["countries"] = [body["countries"]]
    if "min_ipc_class" in body:
        body["min_ipc_class"] = int(body["min_ipc_class"])
    api = client_for("oem_buyer").post(
        f"/api/v1/programs/{program.pk}/requirements",
        json.dumps(body),
        content_type="application/json",
    )
    if field == "countries" and body.get("countries") == ["Germany"]:
        assert api.status_code == 422  # the schema's length check
    else:
        assert api.status_code == 422, api.content
        assert api.json()["detail"]["field"] == field
        assert str(page.context["form"].errors[field][0]) == api.json()["message"]
    assert (ProgramRequirement.objects.count(), Event.objects.count()) == before


def test_no_partner_kind_is_refused_on_the_page(client_for: Any, programs: Any) -> None:
    page = client_for("oem_buyer").post(
        reverse("requirement_create", args=[programs["PHRM"].pk]),
        {"kind": "process", "processes": ["smt"]},
    )
    assert page.status_code == 422
    assert "partner_kinds" in page.context["form"].errors
    assert not ProgramRequirement.objects.exists()


def test_add_list_retire(client_for: Any, programs: Any) -> None:
    program = programs["PHRM"]
    response = client_for("oem_buyer").post(
        reverse("requirement_create", args=[program.pk]),
        {
            "kind": "certificate",
            "standard": "IPC-A-610",
            "min_ipc_class": "3",
            "processes": ["smt", "aoi"],
            "partner_kinds": ["ems"],
        },
    )
    assert response.status_code == 302
    requirement = ProgramRequirement.objects.get()
    assert requirement.label == "IPC-A-610 Class 3 (SMT, AOI)"
    duplicate = client_for("oem_buyer").post(
        f"/api/v1/programs/{program.pk}/requirements",
        json.dumps(
            {
                "kind": "certificate",
                "standard": "IPC-A-610",
                "min_ipc_class": 3,
                "processes": ["aoi", "smt"],
            }
        ),
        content_type="application/json",
    )
    assert duplicate.status_code == 409
    listed = client_for("ems_quality").get(f"/api/v1/programs/{program.pk}/requirements")
    assert [r["label"] for r in listed.json()] == ["IPC-A-610 Class 3 (SMT, AOI)"]
    page = client_for("ems_quality").get(reverse("program_requirements", args=[program.pk]))
    assert "<caption>Requirements of PHRM</caption>" in page.content.decode()
    assert "Retire" not in page.content.decode()
    assert (
        client_for("ems_quality").post(reverse("requirement_retire", args=[requirement.pk]))
    ).status_code == 403
    client_for("oem_buyer").post(reverse("requirement_retire", args=[requirement.pk]))
    requirement.refresh_from_db()
    assert requirement.retired_at is not None
    assert list(
        Event.objects.filter(verb__contains="requirement")
        .order_by("id")
        .values_list("verb", "program_id")
    ) == [("added requirement", program.pk), ("retired requirement", program.pk)]


def test_the_command_line(programs: Any) -> None:
    def run(*args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    assert "ISO 13485 (SMT)" in run(
        "requirements",
        "add",
        "PHRM",
        "--certificate",
        "iso13485",
        "--process",
        "SMT",
        "--as",
        "oem_buyer",
    )
    assert "Country: DE, MY" in run(
        "requirements", "add", "PHRM", "--country", "my", "--country", "DE", "--as", "oem_buyer"
    )
    listing = run("requirements", "list", "PHRM", "--as", "ems_planner")
    assert "ISO 13485 (SMT)" in listing and "Country: DE, MY" in listing
    with pytest.raises(CommandError, match="forbidden"):
        run("requirements", "add", "PHRM", "--process", "SMT", "--as", "ems_planner")
    with pytest.raises(CommandError, match="not_found"):
        run("requirements", "list", "PHRM", "--as", "other_oem_user")
    with pytest.raises(CommandError, match="min_ipc_class"):
        run("requirements", "add", "PHRM", "--certificate", "IPC-A-610", "--as", "oem_buyer")
    first = ProgramRequirement.objects.order_by("pk").first()
    assert first is not None
    assert "Retired" in run("requirements", "retire", str(first.pk), "--as", "oem_buyer")
