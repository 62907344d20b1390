"""Capabilities of sites: kept by the site's own organisation from the pages, the API and the
command line; bad values refused with 422 naming the field, the same everywhere, nothing
written; the search by process, certificate in force, country, ITAR and volume band."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.core.models import Event
from accord.partners.capabilities import add_capability, set_profile
from accord.partners.models import SiteCapability, SiteProfile
from accord.partners.tests.sample import certificate, penang
from accord.supply.services import create_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(people: Any) -> Any:
    return penang(people.ems_planner)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{url}", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_pitch_mm", "-0.1"),
        ("min_pitch_mm", "0.0001"),
        ("min_pitch_mm", "wide"),
        ("max_board_mm", "0"),
        ("max_board_mm", "99999"),
        ("max_layers", "101"),
        ("limits", "x" * 501),
    ],
)
def test_bad_limits_are_refused_alike_on_page_and_api(
    client_for: Any, plant: Any, field: str, value: str
) -> None:
    before = (SiteCapability.objects.count(), Event.objects.count())
    page = client_for("ems_quality").post(
        reverse("capability_create", args=[plant.pk]), {"process": "smt", field: value}
    )
    assert page.status_code == 422
    assert field in page.context["form"].errors
    api_value: Any = int(value) if field in ("max_board_mm", "max_layers") else value
    api = _post(
        client_for("ems_quality"),
        "/capabilities",
        {"site_id": plant.pk, "process": "smt", field: api_value},
    )
    assert api.status_code == 422, api.content
    if field != "limits":  # the schema refuses an over-long text before the service
        assert api.json()["detail"]["field"] == field
        assert str(page.context["form"].errors[field][0]) == api.json()["message"]
    assert (SiteCapability.objects.count(), Event.objects.count()) == before


def test_add_change_retire_from_the_pages(client_for: Any, plant: Any) -> None:
    client = client_for("ems_quality")
    response = client.post(
        reverse("capability_create", args=[plant.pk]),
        {"process": "bga_xray", "min_pitch_mm": "0.40", "limits": "BGA up to 1,500 balls"},
    )
    assert response.status_code == 302
    capability = SiteCapability.objects.get(site=plant, process="bga_xray")
    assert str(capability.min_pitch_mm.normalize()) == "0.4"
    again = client.post(reverse("capability_create", args=[plant.pk]), {"process": "bga_xray"})
    assert again.status_code == 422  # a conflict shown on the form, nothing written
    assert "has the BGA/X-ray capability on record already" in again.content.decode()
    client.post(reverse("capability_edit", args=[capability.pk]), {"max_layers": "20"})
    capability.refresh_from_db()
    assert (capability.max_layers, capability.limits) == (20, "")
    page = client_for("oem_buyer").get(reverse("site_capabilities", args=[plant.pk]))
    assert "<caption>Processes of PEN1</caption>" in page.content.decode()
    assert "Change" not in page.content.decode()  # a reader, not the site's organisation
    exported = client.get(reverse("site_capabilities", args=[plant.pk]), {"format": "csv"})
    assert "BGA/X-ray" in exported.content.decode("utf-8-sig")
    client.post(reverse("capability_retire", args=[capability.pk]))
    capability.refresh_from_db()
    assert capability.retired_at is not None
    verbs = list(
        Event.objects.filter(verb__contains="capability")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["added capability", "changed capability", "retired capability"]


def test_search_matches_every_criterion(client_for: Any, people: Any, plant: Any) -> None:
    other = create_site(actor=people.ems_planner, code="KUL2", name="Kulim", country="MY")
    certificate(people.ems_quality, plant, "ISO 9001")
    certificate(people.ems_quality, other, "IPC-A-610", ipc_class=2)
    for site in (plant, other):
        add_capability(actor=people.ems_quality, site=site, process="smt")
    add_capability(actor=people.ems_quality, site=plant, process="aoi")
    set_profile(actor=people.ems_quality, site=other, volume_band="high", itar_registered=True)

    def codes(persona: str, query: str) -> list[str]:
        response = client_for(persona).get(f"/api/v1/capabilities/search?{query}")
        assert response.status_code == 200, response.content
        return [r["site"]["code"] for r in response.json()["results"]]

    assert codes("oem_buyer", "process=smt") == ["KUL2", "PEN1"]
    assert codes("oem_buyer", "process=smt&process=aoi") == ["PEN1"]
    assert codes("oem_buyer", "process=smt&standard=ISO 9001") == ["PEN1"]
    assert codes("oem_buyer", "standard=IPC-A-610&ipc_class=2") == ["KUL2"]
    assert codes("oem_buyer", "standard=IPC-A-610&ipc_class=3") == []
    assert codes("oem_buyer", "country=my&itar=true") == ["KUL2"]
    assert codes("oem_buyer", "itar=false") == ["PEN1"]
    assert codes("oem_buyer", "volume=high") == ["KUL2"]
    assert codes("oem_buyer", "country=DE") == []
    assert codes("supplier_rep", "process=smt") == []  # a seller sees no other partner
    first = client_for("oem_buyer").get("/api/v1/capabilities/search?process=aoi").json()
    assert first["results"][0]["processes"] == ["smt", "aoi"] or first["results"][0][
        "processes"
    ] == ["aoi", "smt"]
    assert first["results"][0]["certificates"] == ["ISO 9001"]
    page = client_for("oem_buyer").get(reverse("capability_search"), {"process": "smt"})
    assert page.status_code == 200
    assert "<caption>Sites that match</caption>" in page.content.decode()
    assert "KUL2" in page.content.decode() and "PEN1" in page.content.decode()


def test_the_command_line(people: Any, plant: Any) -> None:
    def run(*args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    added = run(
        "capabilities",
        "set",
        "--site",
        "PEN1",
        "--process",
        "SMT",
        "--max-board-mm",
        "510",
        "--as",
        "ems_quality",
    )
    assert added.startswith("Added SMT at PEN1")
    assert run(
        "capabilities",
        "set",
        "--site",
        "PEN1",
        "--process",
        "smt",
        "--min-pitch-mm",
        "0.3",
        "--as",
        "ems_quality",
    ).startswith("Saved SMT at PEN1")
    capability = SiteCapability.objects.get(site=plant, process="smt", retired_at__isnull=True)
    assert (capability.max_board_mm, str(capability.min_pitch_mm.normalize())) == (510, "0.3")
    assert "medium" in run(
        "capabilities",
        "profile",
        "--site",
        "PEN1",
        "--volume",
        "Medium volume",
        "--itar",
        "no",
        "--as",
        "ems_planner",
    )
    assert SiteProfile.objects.get(site=plant).volume_band == "medium"
    listing = run("capabilities", "list", "meridian", "--as", "oem_buyer")
    assert "PEN1" in listing and "510" in listing
    assert "1 site(s) match" in run(
        "capabilities", "search", "--process", "SMT", "--as", "oem_buyer"
    )
    with pytest.raises(CommandError, match="max_layers"):
        run(
            "capabilities",
            "set",
            "--site",
            "PEN1",
            "--process",
            "aoi",
            "--max-layers",
            "0",
            "--as",
            "ems_quality",
        )
    with pytest.raises(CommandError, match="not_found"):
        run("capabilities", "set", "--site", "PEN1", "--process", "aoi", "--as", "oem_buyer")
    assert run(
        "capabilities", "retire", "--site", "PEN1", "--process", "SMT", "--as", "ems_quality"
    ).startswith("Retired SMT")
