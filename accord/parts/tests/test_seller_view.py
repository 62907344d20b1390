"""Sellers (suppliers, distributors) see a part through their own AML lines only: its counts,
its lifecycle roll-up and its search hits never reveal a source they may not see. Pages, API
list and detail, exports and the dashboard alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accord.api.tests.utils import API
from accord.parts import services
from accord.parts.access import parts_for_list, parts_visible_to
from accord.parts.choices import SourceStatus
from accord.parts.models import ApprovedSource, Part
from accord.parts.queries import PartFilters
from accord.web.tests.helpers import csv_rows, rows_by_first_cell, table, text

HIDDEN_MPN = "SPH0645LM4H-B"  # Knowles, obsolete: an alternate Sunridge may not see


@pytest.fixture
def driver(people: Any, parts: Any) -> Part:
    """Halcyon's restricted driver: Sunridge's own SA-BA-3110 (active) and an obsolete
    Knowles alternate, both approved."""
    part = parts["HAL-400-0001"]
    services.add_approved_source(
        actor=people.oem_buyer,
        part=part,
        manufacturer="Knowles",
        mpn=HIDDEN_MPN,
        status=SourceStatus.APPROVED,
    )
    part.refresh_from_db()
    assert (part.approved_source_count, part.lifecycle) == (2, "obsolete")
    return part


def _api_part(client: Any, part: Part) -> dict[str, Any]:
    response = client.get(f"{API}/parts/{part.pk}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _api_list(client: Any, **params: str) -> dict[str, dict[str, Any]]:
    response = client.get(f"{API}/parts", params)
    assert response.status_code == 200, response.content
    return {p["number"]: p for p in response.json()["results"]}


def test_counts_and_lifecycle_come_from_the_sellers_own_lines(client_for: Any, driver: Part):
    owner, seller = client_for("oem_buyer"), client_for("supplier_rep")
    mine = _api_part(owner, driver)
    assert (mine["approved_source_count"], mine["lifecycle"]) == (2, "obsolete")
    theirs = _api_part(seller, driver)
    assert (theirs["approved_source_count"], theirs["lifecycle"]) == (1, "active")
    assert [s["mpn"] for s in theirs["sources"]] == ["SA-BA-3110"]
    listed = _api_list(seller)["HAL-400-0001"]
    assert (listed["approved_source_count"], listed["lifecycle"]) == (1, "active")
    assert listed["preferred_source"]["mpn"] == "SA-BA-3110"
    assert listed["other_approved_sources"] == 0
    # The pages and the export say the same: the seller's own line is the one listed.
    page = rows_by_first_cell(table(seller.get(reverse("part_list")), "Parts"))
    row = page["HAL-400-0001"]
    assert row[4] == "SA-BA-3110" and row[-2:] == ["Active", "1 Single source"]
    detail = text(seller.get(reverse("part_detail", args=[driver.pk])))
    assert "Lifecycle Active" in detail and "Approved sources 1 Single source" in detail
    assert HIDDEN_MPN not in detail and "Knowles" not in detail
    exported = csv_rows(seller.get(reverse("part_list"), {"format": "csv"}))
    assert exported[1][7:] == ["SA-BA-3110", "Active", "1", "Single source"]
    owners_export = csv_rows(owner.get(reverse("part_list"), {"q": "hal-400", "format": "csv"}))
    assert owners_export[1][8:] == ["Obsolete", "2", "Two or more sources"]
    assert HIDDEN_MPN not in str(exported) and HIDDEN_MPN not in str(_api_list(seller))


def test_filters_sorts_and_dashboard_use_the_sellers_figures(client_for: Any, driver: Part):
    seller = client_for("supplier_rep")
    assert set(_api_list(seller, lifecycle="active")) == {"HAL-400-0001"}
    assert _api_list(seller, lifecycle="obsolete") == {}
    assert set(_api_list(seller, sourcing="single")) == {"HAL-400-0001"}
    assert _api_list(seller, sourcing="multi") == {}
    assert set(_api_list(client_for("oem_buyer"), sourcing="multi", q="hal-400")) == {
        "HAL-400-0001"
    }
    tiles = text(seller.get(reverse("dashboard")))
    assert "1 single-source parts" in tiles and "0 obsolete parts" in tiles


def test_a_hidden_alternate_is_not_a_search_hit(client_for: Any, driver: Part, people: Any):
    seller = client_for("supplier_rep")
    assert _api_list(seller, q=HIDDEN_MPN.lower()) == {}
    assert _api_list(seller, q="knowles") == {}
    assert "HAL-400-0001" not in text(seller.get(reverse("part_list"), {"q": "knowles"}))
    assert len(csv_rows(seller.get(reverse("part_list"), {"q": "knowles", "format": "csv"}))) == 1
    # Its own line, and the part's own text, find it.
    assert set(_api_list(seller, q="sa-ba-3110")) == {"HAL-400-0001"}
    assert set(_api_list(seller, q="sunridge")) == {"HAL-400-0001"}
    assert set(_api_list(seller, q="balanced driver")) == {"HAL-400-0001"}
    assert set(_api_list(seller, q="hal-400 sunridge")) == {"HAL-400-0001"}
    assert _api_list(seller, q="sunridge knowles") == {}
    # Those who see every source find the part by any of them.
    assert set(_api_list(client_for("oem_buyer"), q="knowles")) >= {"HAL-400-0001"}
    assert set(_api_list(client_for("ems_planner"), q=HIDDEN_MPN.lower())) >= {"HAL-400-0001"}
    found = parts_for_list(people.supplier_rep, PartFilters(q="knowles"))
    assert not found.exists()


def test_a_distributor_sees_the_lines_it_supplies(client_for: Any, people: Any, parts: Any):
    """Arrowpoint distributes the Murata capacitor and the TI regulator (supplier on the AML);
    HAL-100-0001 has a second, Samsung source that is none of its business."""
    seller = client_for("arrowpoint_rep")
    listed = _api_list(seller)
    assert set(listed) == {"HAL-100-0001", "HAL-200-0002"}
    assert listed["HAL-100-0001"]["approved_source_count"] == 1
    assert parts["HAL-100-0001"].approved_source_count == 2
    assert _api_list(seller, q="samsung") == {}
    assert set(_api_list(seller, q="murata")) == {"HAL-100-0001"}
    detail = _api_part(seller, parts["HAL-100-0001"])
    assert [s["manufacturer"] for s in detail["sources"]] == ["Murata"]


def test_a_pending_line_shows_the_part_but_counts_nothing(client_for: Any, people: Any):
    """A supplier sees a part it is pending on, to quote and qualify it; a pending line is no
    approved source, so it counts none and gives no lifecycle. Rejected, the part is gone."""
    part = services.create_part(actor=people.oem_buyer, number="HAL-700-0001", description="Tip")
    source = services.add_approved_source(
        actor=people.oem_buyer,
        part=part,
        manufacturer="Sunridge Acoustics",
        mpn="SA-TIP-01",
        status=SourceStatus.PENDING,
    )
    seller = client_for("supplier_rep")
    body = _api_part(seller, part)
    assert (body["approved_source_count"], body["lifecycle"]) == (0, "unknown")
    assert [(s["mpn"], s["status"]) for s in body["sources"]] == [("SA-TIP-01", "pending")]
    services.set_source_status(
        actor=people.oem_buyer, source=source, status="approved", reason="qualified"
    )
    assert _api_part(seller, part)["approved_source_count"] == 1
    services.set_source_status(
        actor=people.oem_buyer, source=source, status="rejected", reason="failed"
    )
    assert seller.get(f"{API}/parts/{part.pk}").status_code == 404
    assert not parts_visible_to(people.supplier_rep).filter(pk=part.pk).exists()


def test_a_sellers_own_parts_show_every_source(people: Any, orgs: Any) -> None:
    part = services.create_part(actor=people.supplier_rep, number="SUN-1", description="Own")
    for mpn, maker in (("X-1", "Yageo"), ("X-2", "Murata")):
        services.add_approved_source(
            actor=people.supplier_rep,
            part=part,
            manufacturer=maker,
            mpn=mpn,
            status=SourceStatus.APPROVED,
        )
    seen = parts_visible_to(people.supplier_rep).get(pk=part.pk)
    assert seen.visible_source_count == 2
    assert ApprovedSource.objects.filter(part=part).count() == 2
    assert parts_for_list(people.supplier_rep, PartFilters(q="murata")).filter(pk=part.pk).exists()
