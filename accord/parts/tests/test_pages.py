"""Parts list, part page, BOM list and the multi-level BOM page, through HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.core.access import today
from accord.core.choices import Classification
from accord.core.models import Event
from accord.parts import services
from accord.parts.models import (
    ApprovedSource,
    Bom,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.views import boms as bom_views
from accord.web import tables
from accord.web.tests.helpers import csv_rows, rows_by_first_cell, table, text, xlsx_rows

HALCYON_PARTS = 14


def _numbers(response: Any) -> list[str]:
    return [row[0].split()[0] for row in table(response, "Parts") if len(row) > 1]


def make_parts(owner: Any, count: int, prefix: str, with_source: bool = True) -> list[Part]:
    """Many parts at once, each with one approved source, the way an import would write them."""
    parts = Part.objects.bulk_create(
        Part(owner=owner, number=f"{prefix}-{n:05d}", description=f"Bulk part {n}")
        for n in range(count)
    )
    if with_source:
        maker, _ = Manufacturer.objects.get_or_create(key="bulkmaker", defaults={"name": "Bulk"})
        mparts = ManufacturerPart.objects.bulk_create(
            ManufacturerPart(manufacturer=maker, mpn=p.number, mpn_key=p.number.lower())
            for p in parts
        )
        ApprovedSource.objects.bulk_create(
            ApprovedSource(part=p, manufacturer_part=m, status="approved")
            for p, m in zip(parts, mparts, strict=True)
        )
    services.refresh_part_rollups([p.pk for p in parts])
    return parts


# Parts list


def test_parts_list_shows_visible_parts_with_badges(client_for: Any) -> None:
    response = client_for("oem_buyer").get(reverse("part_list"))
    assert response.status_code == 200
    rows = rows_by_first_cell(table(response, "Parts"))
    assert len(rows) == HALCYON_PARTS
    assert rows["HAL-200-0001"][1:] == [
        "Bluetooth LE SoC nRF5340",
        "",
        "Nordic Semiconductor",
        "NRF5340-QKAA-R7",
        "ICs",
        "Active",
        "1 Single source",
    ]
    assert rows["HAL-100-0001"][2:] == [
        "100n",
        "Murata",
        "GRM155R61A104KA01D +1 more",
        "Capacitors",
        "Active",
        "2",
    ]
    assert rows["HAL-100-0002"][2:5] == ["10k", "Panasonic Electronic Components", "ERJ-2RKF1002X"]
    assert rows["HAL-100-0002"][6] == "NRND"
    assert rows["HAL-200-0002"][6] == "LTB"
    assert rows["HAL-300-0001"][6] == "EOL"
    assert rows["HAL-200-0004"][6] == "Obsolete"
    assert rows["HAL-500-0001"][3:5] == ["", ""]
    assert rows["HAL-500-0001"][7] == "0 No approved source"
    assert rows["EBX2-PCBA"][6] == "Assembly"
    html = response.content.decode()
    assert '<span class="badge lc-obsolete" title="Obsolete">Obsolete</span>' in html


def test_parts_list_is_the_visible_set(client_for: Any) -> None:
    assert _numbers(client_for("supplier_rep").get(reverse("part_list"))) == ["HAL-400-0001"]
    assert set(_numbers(client_for("other_oem_user").get(reverse("part_list")))) == {
        "RVC-200-0001",
        "RVC-200-0002",
        "RVC-MAIN",
    }
    assert _numbers(client_for("outsider").get(reverse("part_list"))) == []
    # The planner sees the parts of the BOMs shared with him, not Halcyon's whole catalogue.
    planner = set(_numbers(client_for("ems_planner").get(reverse("part_list"))))
    assert "HAL-200-0005" in planner  # in PHRM-MAIN
    assert "HAL-500-0001" in planner  # in EBX2-L
    assert "HAL-200-0004" in planner


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "GRM155"}, ["HAL-100-0001"]),
        ({"q": "murata"}, ["HAL-100-0001"]),
        ({"q": "texas instruments"}, ["HAL-200-0002"]),
        ({"q": "resistor 0402"}, ["HAL-100-0002"]),
        ({"lifecycle": "nrnd"}, ["HAL-100-0002", "HAL-200-0005"]),
        ({"category": "crystals"}, ["HAL-300-0001"]),
        ({"sourcing": "multi"}, ["HAL-100-0001", "HAL-300-0001"]),
        (
            {"sourcing": "single", "category": "sensors"},
            ["HAL-200-0003", "HAL-200-0004", "HAL-200-0005"],
        ),
        ({"sourcing": "none", "q": "housing"}, ["HAL-500-0001"]),
        ({"q": "no-such-thing"}, []),
    ],
)
def test_parts_search_and_filters(
    client_for: Any, params: dict[str, str], expected: list[str]
) -> None:
    response = client_for("oem_buyer").get(reverse("part_list"), params)
    assert _numbers(response) == expected


def test_parts_list_sorts_by_column(client_for: Any) -> None:
    client = client_for("oem_buyer")
    numbers = _numbers(client.get(reverse("part_list"), {"sort": "-number"}))
    assert numbers == sorted(numbers, reverse=True)
    by_sources = table(client.get(reverse("part_list"), {"sort": "-sources"}), "Parts")
    assert by_sources[0][7].startswith("2")
    html = client.get(
        reverse("part_list"), {"sort": "number", "lifecycle": "nrnd"}
    ).content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="?sort=-number&amp;lifecycle=nrnd"' in html  # the header keeps the filters
    # An unknown sort key falls back to the part number.
    assert _numbers(client.get(reverse("part_list"), {"sort": "drop table"}))[0] == "EBX2-L"


def test_parts_list_paginates_and_keeps_filters(client_for: Any, orgs: Any) -> None:
    make_parts(orgs["halcyon"], 120, "BLK")
    client = client_for("oem_buyer")
    first = client.get(reverse("part_list"), {"q": "bulk", "sort": "-number"})
    assert len(_numbers(first)) == 50
    assert "Rows 1–50 of 120" in text(first)
    html = first.content.decode()
    assert 'href="?q=bulk&amp;sort=-number&amp;page=2"' in html
    last = client.get(reverse("part_list"), {"q": "bulk", "sort": "-number", "page": "3"})
    assert _numbers(last)[-1] == "BLK-00000" and len(_numbers(last)) == 20
    assert client.get(reverse("part_list"), {"page": "999"}).status_code == 200
    assert client.get(reverse("part_list"), {"page": "x"}).status_code == 200


def test_parts_list_answers_htmx_with_the_results_only(client_for: Any) -> None:
    response = client_for("oem_buyer").get(
        reverse("part_list"), {"q": "crystal"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "<table" in html
    assert _numbers(response) == ["HAL-300-0001"]
    assert "HX-Request" in response["Vary"]


def test_parts_export_has_every_filtered_row(client_for: Any, orgs: Any) -> None:
    make_parts(orgs["halcyon"], 70, "EXP")
    client = client_for("oem_buyer")
    rows = csv_rows(client.get(reverse("part_list"), {"q": "bulk", "format": "csv", "page": "2"}))
    assert rows[0] == [
        "Part number",
        "Revision",
        "Description",
        "Category",
        "Value",
        "Package",
        "Manufacturer",
        "MPN",
        "Lifecycle",
        "Approved sources",
        "Sourcing",
    ]
    assert len(rows) == 71  # all 70, not one page
    assert rows[1] == [
        "EXP-00000",
        "",
        "Bulk part 0",
        "",
        "",
        "",
        "Bulk",
        "EXP-00000",
        "Unknown",
        "1",
        "Single source",
    ]
    sheet = xlsx_rows(client.get(reverse("part_list"), {"lifecycle": "nrnd", "format": "xlsx"}))
    assert [r[0] for r in sheet[1:]] == ["HAL-100-0002", "HAL-200-0005"]
    assert sheet[1][4:10] == [
        "10k",
        "0402",
        "Panasonic Electronic Components",
        "ERJ-2RKF1002X",
        "NRND",
        1,
    ]


def test_parts_export_neutralises_formulas(client_for: Any, people: Any) -> None:
    services.create_part(
        actor=people.oem_buyer, number="HAL-999-0001", description='=HYPERLINK("http://x")'
    )
    client = client_for("oem_buyer")
    rows = csv_rows(client.get(reverse("part_list"), {"q": "hal-999", "format": "csv"}))
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    sheet = xlsx_rows(client.get(reverse("part_list"), {"q": "hal-999", "format": "xlsx"}))
    assert sheet[1][2] == '\'=HYPERLINK("http://x")'


def test_parts_export_is_capped(client_for: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(tables, "EXPORT_CAP", 5)
    client = client_for("oem_buyer")
    page = client.get(reverse("part_list"))
    assert f"Exports hold the first 5 rows of {HALCYON_PARTS}" in text(page)
    assert len(csv_rows(client.get(reverse("part_list"), {"format": "csv"}))) == 6
    assert client.get(reverse("part_list"), {"format": "ods"}).status_code == 422


def _count_queries(client: Any, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_parts_list_queries_do_not_grow_with_rows(client_for: Any, orgs: Any) -> None:
    client = client_for("oem_buyer")
    make_parts(orgs["halcyon"], 3, "QQA")
    few = _count_queries(client, reverse("part_list"), {"q": "qqa"})
    assert len(_numbers(client.get(reverse("part_list"), {"q": "qqa"}))) == 3
    make_parts(orgs["halcyon"], 60, "QQB")
    full_page = _count_queries(client, reverse("part_list"))
    assert len(_numbers(client.get(reverse("part_list")))) == 50
    assert few == full_page
    assert full_page <= 8


def _approve_more_sources(parts: list[Part], count: int, supplier: Any = None) -> None:
    """`count` more approved sources per part, ranked after the first (bulk, like an import)."""
    maker, _ = Manufacturer.objects.get_or_create(key="altmaker", defaults={"name": "Alt"})
    mparts = ManufacturerPart.objects.bulk_create(
        ManufacturerPart(manufacturer=maker, mpn=f"{p.number}-ALT{k}", mpn_key=f"{p.pk}alt{k}")
        for p in parts
        for k in range(count)
    )
    owners = [p for p in parts for _ in range(count)]
    ApprovedSource.objects.bulk_create(
        ApprovedSource(
            part=p, manufacturer_part=m, status="approved", rank=2 + i % count, supplier=supplier
        )
        for i, (p, m) in enumerate(zip(owners, mparts, strict=True))
    )
    services.refresh_part_rollups([p.pk for p in parts])


def test_manufacturer_and_mpn_columns_cost_no_query_per_row(client_for: Any, orgs: Any) -> None:
    """The preferred source, its MPN and '+N more' come with the page's one query for parts,
    for a buyer and for a seller (whose columns read only its own lines of the AML)."""
    buyer, seller = client_for("oem_buyer"), client_for("arrowpoint_rep")
    api = "/api/v1/parts"
    _approve_more_sources(make_parts(orgs["halcyon"], 3, "QMC"), 2, supplier=orgs["arrowpoint"])
    few = {
        "page": _count_queries(buyer, reverse("part_list"), {"q": "qmc"}),
        "export": _count_queries(buyer, reverse("part_list"), {"q": "qmc", "format": "csv"}),
        "api": _count_queries(buyer, api, {"q": "qmc", "page_size": "100"}),
        "seller page": _count_queries(seller, reverse("part_list")),
        "seller api": _count_queries(seller, api, {"page_size": "100"}),
    }
    many = make_parts(orgs["halcyon"], 60, "QMC-M")
    _approve_more_sources(many, 2, supplier=orgs["arrowpoint"])
    rows = rows_by_first_cell(table(buyer.get(reverse("part_list"), {"q": "qmc"}), "Parts"))
    assert len(rows) == 50
    assert rows["QMC-M-00007"][3:5] == ["Bulk", "QMC-M-00007 +2 more"]
    seller_rows = rows_by_first_cell(table(seller.get(reverse("part_list")), "Parts"))
    assert seller_rows["QMC-M-00007"][3:5] == ["Alt", "QMC-M-00007-ALT0 +1 more"]
    assert {
        "page": _count_queries(buyer, reverse("part_list"), {"q": "qmc"}),
        "export": _count_queries(buyer, reverse("part_list"), {"q": "qmc", "format": "csv"}),
        "api": _count_queries(buyer, api, {"q": "qmc", "page_size": "100"}),
        "seller page": _count_queries(seller, reverse("part_list")),
        "seller api": _count_queries(seller, api, {"page_size": "100"}),
    } == few


# Part page


def test_part_page_shows_sources_where_used_and_history(client_for: Any, parts: Any) -> None:
    part = parts["HAL-100-0002"]
    PartParameter.objects.create(
        part=part, name="resistance", value_text="10k", value_number=10000, unit="Ω"
    )
    response = client_for("oem_buyer").get(reverse("part_detail", args=[part.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Resistor 10k 1% 0402" in page and "Lifecycle NRND" in page
    sources = table(response, "Approved manufacturer list of HAL-100-0002")
    assert sources[0][:8] == [
        "1",
        "Panasonic Electronic Components",
        "ERJ-2RKF1002X RES 10K OHM 1% 1/10W 0402",
        "Approved",
        "NRND",
        "RoHS compliant",
        "Unknown",
        "—",
    ]
    assert sources[1][1:5] == [
        "Yageo",
        "RC0402FR-0710KL RES 10K OHM 1% 1/16W 0402",
        "Pending approval",
        "Active",
    ]
    assert table(response, "Parametric values") == [["resistance", "10k", "Ω"]]
    used = table(response, "BOMs shared with you that use HAL-100-0002")
    assert used == [
        ["EBX2-PCBA rev B", "Earbuds X2", "6", "3", "R1, R2, R3", ""],
        ["EBX2-PCBA rev B", "Earbuds X2", "7", "1", "R4", "DNP"],
    ]
    assert any("added source" in row[2] for row in table(response, "Changes to this part"))


def test_part_page_shows_ltb_date_and_supplier(client_for: Any, parts: Any) -> None:
    response = client_for("oem_buyer").get(reverse("part_detail", args=[parts["HAL-200-0002"].pk]))
    ltb = (today() + dt.timedelta(days=90)).isoformat()
    row = table(response, "Approved manufacturer list")[0]
    assert row[4] == f"LTB {ltb}" and row[7] == "Arrowpoint Distribution"


def test_supplier_sees_only_its_own_source_lines(client_for: Any, parts: Any) -> None:
    response = client_for("supplier_rep").get(
        reverse("part_detail", args=[parts["HAL-400-0001"].pk])
    )
    assert response.status_code == 200
    assert [r[1] for r in table(response, "Approved manufacturer list")] == ["Sunridge Acoustics"]
    assert "Not used in any BOM shared with you." in text(response)
    assert "Add a source" not in text(response)


def test_owner_approves_a_pending_source(client_for: Any, parts: Any) -> None:
    """Approve and reject ask for confirmation and a reason, which the part's history keeps."""
    part = parts["HAL-100-0002"]
    source = ApprovedSource.objects.get(part=part, manufacturer_part__mpn="RC0402FR-0710KL")
    client = client_for("oem_engineer")
    url = reverse("part_source_status", args=[part.pk, source.pk])
    page = client.get(reverse("part_detail", args=[part.pk])).content.decode()
    assert f"{url}?status=approved" in page
    confirm = client.get(url, {"status": "approved"})
    assert confirm.status_code == 200
    assert "Approve Yageo RC0402FR-0710KL for HAL-100-0002?" in text(confirm)
    no_reason = client.post(url, {"status": "approved", "reason": "  "})
    assert no_reason.status_code == 422
    source.refresh_from_db()
    assert source.status == "pending"
    response = client.post(
        url, {"status": "approved", "reason": "Qualified: report QR-2026-114"}, follow=True
    )
    assert "RC0402FR-0710KL is now approved." in text(response)
    part.refresh_from_db()
    assert part.approved_source_count == 2 and part.lifecycle == "nrnd"
    assert table(response, "Approved manufacturer list")[1][3] == "Approved"
    event = Event.objects.filter(verb="changed source status", object_id=str(part.pk)).first()
    assert event is not None
    assert event.changes["reason"] == "Qualified: report QR-2026-114"
    assert "Qualified: report QR-2026-114" in text(response)  # the history on the part page
    client.post(url, {"status": "rejected", "reason": "Failed the drop test"})
    source.refresh_from_db()
    assert source.status == "rejected"
    bad = client.post(url, {"status": "maybe", "reason": "x"})
    assert bad.status_code == 422


def test_non_owner_cannot_change_sources(client_for: Any, parts: Any) -> None:
    part = parts["HAL-100-0002"]
    source = ApprovedSource.objects.get(part=part, manufacturer_part__mpn="RC0402FR-0710KL")
    client = client_for("ems_planner")
    page = client.get(reverse("part_detail", args=[part.pk]))
    assert page.status_code == 200 and "Add a source" not in text(page)
    before = (ApprovedSource.objects.filter(part=part).count(), Event.objects.count())
    status = client.post(
        reverse("part_source_status", args=[part.pk, source.pk]), {"status": "approved"}
    )
    add = client.post(
        reverse("part_source_add", args=[part.pk]),
        {"manufacturer": "Vishay", "mpn": "CRCW040210K0FKED", "status": "approved"},
    )
    assert status.status_code == 403 and add.status_code == 403
    source.refresh_from_db()
    assert source.status == "pending"
    assert (ApprovedSource.objects.filter(part=part).count(), Event.objects.count()) == before


def test_owner_adds_a_source(client_for: Any, parts: Any, orgs: Any) -> None:
    part = parts["HAL-200-0001"]
    client = client_for("oem_buyer")
    form = client.get(reverse("part_detail", args=[part.pk])).content.decode()
    assert "Add a source" in form
    assert f'<option value="{orgs["arrowpoint"].pk}">Arrowpoint Distribution</option>' in form
    assert f'value="{orgs["roverly"].pk}"' not in form  # only sellers the person may see
    response = client.post(
        reverse("part_source_add", args=[part.pk]),
        {
            "manufacturer": "Nordic Semiconductor",
            "mpn": "NRF5340-CLAA-R",
            "status": "pending",
            "supplier": orgs["arrowpoint"].pk,
        },
        follow=True,
    )
    assert "Added Nordic Semiconductor NRF5340-CLAA-R as a source." in text(response)
    new = ApprovedSource.objects.get(part=part, manufacturer_part__mpn="NRF5340-CLAA-R")
    assert (new.status, new.rank, new.supplier) == ("pending", 2, orgs["arrowpoint"])
    again = client.post(
        reverse("part_source_add", args=[part.pk]),
        {"manufacturer": "Nordic Semiconductor", "mpn": "NRF5340-CLAA-R", "status": "pending"},
    )
    assert again.status_code == 422 and "already a source of HAL-200-0001" in text(again)
    missing = client.post(reverse("part_source_add", args=[part.pk]), {"manufacturer": "X"})
    assert missing.status_code == 422 and "This field is required." in text(missing)


# BOM list


def test_bom_list_shows_visible_boms_with_line_counts(client_for: Any, programs: Any) -> None:
    response = client_for("oem_buyer").get(reverse("bom_list"))
    rows = rows_by_first_cell(table(response, "BOMs shared with you"))
    assert set(rows) == {"EBX2-PCBA", "EBX2-L", "PHRM-MAIN"}
    assert rows["EBX2-PCBA"][1:6] == ["Earbuds X2 main PCBA", "B", "Earbuds X2", "Released", "8"]
    assert rows["PHRM-MAIN"][4:6] == ["Draft", "4"]
    planner = rows_by_first_cell(table(client_for("ems_planner").get(reverse("bom_list")), "BOMs"))
    assert set(planner) == {"EBX2-PCBA", "EBX2-L", "PHRM-MAIN", "RVC-MAIN"}
    only_rvc = client_for("ems_planner").get(reverse("bom_list"), {"program": programs["RVC"].pk})
    assert list(rows_by_first_cell(table(only_rvc, "BOMs"))) == ["RVC-MAIN"]
    by_lines = table(client_for("oem_buyer").get(reverse("bom_list"), {"sort": "-lines"}), "BOMs")
    assert [r[0] for r in by_lines] == ["EBX2-PCBA", "PHRM-MAIN", "EBX2-L"]
    for persona in ("nda_expired_partner", "supplier_rep", "outsider"):
        assert "No BOM is shared with you" in text(client_for(persona).get(reverse("bom_list")))


def test_bom_list_export(client_for: Any) -> None:
    rows = csv_rows(client_for("oem_buyer").get(reverse("bom_list"), {"format": "csv"}))
    assert rows[0] == [
        "Assembly",
        "Description",
        "Revision",
        "Program",
        "Status",
        "Lines",
        "Created",
    ]
    assert [r[0] for r in rows[1:]] == ["EBX2-L", "EBX2-PCBA", "PHRM-MAIN"]


# BOM page


def _bom_rows(response: Any) -> list[list[str]]:
    rows = table(response, "Multi-level BOM")
    return [r for r in rows if len(r) == 11]


def _summary(response: Any) -> str:
    return text(response).split("Summary", 1)[1].split("Lines Only flagged", 1)[0].strip()


def test_ebx2_pcba_flags_and_summary(client_for: Any, boms: Any) -> None:
    response = client_for("oem_buyer").get(reverse("bom_detail", args=[boms["EBX2-PCBA"].pk]))
    assert response.status_code == 200
    rows = {row[2]: row for row in _bom_rows(response) if row[1] != "7"}
    ltb = (today() + dt.timedelta(days=90)).isoformat()
    assert rows["HAL-200-0001"][10] == "Single source"
    assert rows["HAL-100-0002"][10] == "Single source NRND"
    assert rows["HAL-200-0002"][10] == f"Single source LTB ({ltb})"
    assert rows["HAL-300-0001"][10] == "EOL"  # two approved sources, one at end of life
    assert rows["HAL-200-0004"][10] == "Single source Obsolete"
    assert rows["HAL-100-0001"][10] == ""
    # level, item, part, description, qty per, extended, designators, DNP, material
    assert rows["HAL-100-0001"][:9] == [
        "0",
        "5",
        "HAL-100-0001",
        "Capacitor 100nF 10V X5R 0402",
        "6",
        "6",
        "C1, C2, C3, C4, C5, C6",
        "",
        "Turnkey",
    ]
    assert (
        rows["HAL-300-0001"][9]
        == "Abracon ABM8-32.000MHZ-B2-T EOL Epson FA-128 32.0000MB-W3 Active"
    )
    dnp = next(r for r in _bom_rows(response) if r[1] == "7")
    assert dnp[7] == "DNP" and dnp[6] == "R4"
    # By hand from personas.py: 8 lines, 7 distinct parts, 2 of them with two approved sources
    # (capacitor and crystal: 2/7 = 28.6 %), 5 single-source lines (U1, U2, U3, MK1 and the
    # fitted resistor line; R4 is DNP: no risk), none without a source, 4 lines at lifecycle
    # risk (LDO LTB, microphone obsolete, fitted resistor NRND, crystal EOL), 1 DNP line.
    assert _summary(response) == (
        "Lines 8 Unique parts 7 Dual-sourced parts 28.6 % Single-source lines 5 "
        "No-source lines 0 Lines at lifecycle risk 4 Placements fitted 14 "
        "Placements not fitted 1 DNP lines 1 Partly fitted lines 0 Levels 1"
    )
    assert dnp[10] == ""  # the DNP line carries no flag
    facts = text(response)
    assert "Program Earbuds X2 Assembly EBX2-PCBA Revision B Status Released" in facts
    assert "Classification Restricted" in facts


def test_ebx2_l_is_exploded_with_extended_quantities(client_for: Any, boms: Any) -> None:
    response = client_for("ems_planner").get(reverse("bom_detail", args=[boms["EBX2-L"].pk]))
    assert response.status_code == 200
    rows = _bom_rows(response)
    assert [r[1] for r in rows] == [
        "1",
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "1.7",
        "1.8",
        "2",
        "3",
    ]
    by_item = {r[1]: r for r in rows}
    assert by_item["1"][:6] == ["0", "1", "EBX2-PCBA", "Earbuds X2 main PCBA", "1", "1"]
    assert by_item["1.5"][:6] == [
        "1",
        "1.5",
        "HAL-100-0001",
        "Capacitor 100nF 10V X5R 0402",
        "6",
        "6",
    ]
    assert by_item["2"][8] == "Consigned" and by_item["2"][10] == "Single source"
    assert by_item["3"][10] == "No approved source"
    html = response.content.decode()
    assert '<th scope="row" class="lvl-1"><a href="/parts/' in html
    # 3 lines of its own, 11 in all levels; 9 distinct components (the PCBA is an assembly),
    # 2 dual-sourced = 22.2 %; single source: 5 fitted PCBA lines + the driver; no source: the
    # housing; the DNP resistor line (R4) is no risk.
    assert _summary(response) == (
        "Lines 3 Lines in all levels 11 Unique parts 9 Dual-sourced parts 22.2 % "
        "Single-source lines 6 No-source lines 1 Lines at lifecycle risk 4 Placements fitted 16 "
        "Placements not fitted 1 DNP lines 1 Partly fitted lines 0 Levels 2"
    )


def test_extended_quantity_multiplies_down_the_levels(
    client_for: Any, people: Any, programs: Any, parts: Any
) -> None:
    pair = services.create_part(actor=people.oem_buyer, number="EBX2-PAIR", description="Pair")
    bom = services.create_bom(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=pair,
        revision="A",
        lines=[services.BomLineInput(part=parts["EBX2-L"], quantity=Decimal(2))],
    )
    response = client_for("oem_buyer").get(reverse("bom_detail", args=[bom.pk]))
    by_item = {r[1]: r for r in _bom_rows(response)}
    assert by_item["1"][4:6] == ["2", "2"]
    assert by_item["1.1"][4:6] == ["1", "2"]  # one PCBA per earbud, two earbuds
    assert by_item["1.1.5"][:6] == [
        "2",
        "1.1.5",
        "HAL-100-0001",
        "Capacitor 100nF 10V X5R 0402",
        "6",
        "12",
    ]
    assert by_item["1.1.6"][5] == "6"
    assert by_item["1.1.7"][5] == "2" and by_item["1.1.7"][7] == "DNP"
    assert "Levels 3" in _summary(response)


def test_flagged_filter_shows_only_flagged_lines(client_for: Any, boms: Any) -> None:
    url = reverse("bom_detail", args=[boms["EBX2-PCBA"].pk])
    response = client_for("oem_buyer").get(url, {"flagged": "1"})
    rows = [r for r in table(response, "Flagged lines") if len(r) == 11]
    # Line 7 is R4, DNP: not bought, not a risk.
    assert [r[1] for r in rows] == ["1", "2", "3", "4", "6", "8"]
    assert "Only flagged lines (6)" in text(response)
    assert "Lines 8" in _summary(response)  # the summary is of the whole BOM


def test_hidden_sub_assembly_bom_is_left_out(client_for: Any, boms: Any) -> None:
    Bom.objects.filter(pk=boms["EBX2-PCBA"].pk).update(classification=Classification.INTERNAL)
    response = client_for("ems_planner").get(reverse("bom_detail", args=[boms["EBX2-L"].pk]))
    rows = _bom_rows(response)
    assert [r[1] for r in rows] == ["1", "2", "3"]
    assert rows[0][2] == "EBX2-PCBA" and rows[0][10] == "Contents not shared"
    assert "Lines 3" in _summary(response)
    owner = client_for("oem_buyer").get(reverse("bom_detail", args=[boms["EBX2-L"].pk]))
    assert len(_bom_rows(owner)) == 11


@pytest.mark.parametrize(
    "persona", ["other_oem_user", "nda_expired_partner", "supplier_rep", "ems_quality", "outsider"]
)
def test_bom_pages_are_404_for_those_without_need_to_know(
    client_for: Any, boms: Any, persona: str
) -> None:
    client = client_for(persona)
    for bom in ("EBX2-PCBA", "EBX2-L"):
        pk = boms[bom].pk
        assert client.get(reverse("bom_detail", args=[pk])).status_code == 404
        assert client.get(reverse("bom_export", args=[pk, "csv"])).status_code == 404
        assert client.get(reverse("bom_export", args=[pk, "xlsx"])).status_code == 404
        assert client.get(reverse("bom_detail", args=[pk]), {"format": "csv"}).status_code == 404


def test_bom_export_csv_and_xlsx(client_for: Any, boms: Any) -> None:
    client = client_for("oem_buyer")
    pk = boms["EBX2-L"].pk
    response = client.get(reverse("bom_export", args=[pk, "csv"]))
    assert 'filename="EBX2-L-revA-bom.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    header = rows[0]
    assert header[:7] == [
        "Level",
        "Item",
        "Part Number",
        "Description",
        "Quantity",
        "Extended Quantity",
        "Designators",
    ]
    assert len(rows) == 12
    cap = next(r for r in rows if r[1] == "1.5")
    assert cap[0] == "1" and cap[2] == "HAL-100-0001" and cap[4] == "6" and cap[5] == "6"
    assert cap[header.index("Manufacturer")] == "Murata"
    housing = next(r for r in rows if r[2] == "HAL-500-0001")
    assert (
        housing[header.index("Flags")] == "no_source"
        and housing[header.index("Material")] == "consigned"
    )
    sheet = xlsx_rows(client.get(reverse("bom_export", args=[pk, "xlsx"])))
    assert sheet[0] == header and len(sheet) == 12
    assert sheet[6][2] == "HAL-100-0001" and sheet[6][4] == 6
    same = csv_rows(client.get(reverse("bom_detail", args=[pk]), {"format": "csv"}))
    assert same == rows
    flagged = csv_rows(client.get(reverse("bom_export", args=[pk, "csv"]), {"flagged": "1"}))
    # The PCBA line, the capacitor line and the DNP resistor line carry no flag.
    assert len(flagged) == 1 + 8


def test_bom_export_neutralises_formulas(client_for: Any, boms: Any, parts: Any) -> None:
    Part.objects.filter(pk=parts["HAL-200-0001"].pk).update(
        description="@SUM(1+1)*cmd|' /C calc'!A0"
    )
    rows = csv_rows(
        client_for("oem_buyer").get(reverse("bom_export", args=[boms["EBX2-PCBA"].pk, "csv"]))
    )
    assert rows[1][3] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_long_bom_is_paged_with_a_show_all_link(
    client_for: Any, boms: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bom_views, "BOM_PAGE_ROWS", 3)
    client = client_for("oem_buyer")
    url = reverse("bom_detail", args=[boms["EBX2-L"].pk])
    first = client.get(url)
    assert [r[1] for r in _bom_rows(first)] == ["1", "1.1", "1.2"]
    assert "Show all lines" in text(first) and 'href="?all=1"' in first.content.decode()
    assert [r[1] for r in _bom_rows(client.get(url, {"page": "4"}))] == ["2", "3"]
    assert len(_bom_rows(client.get(url, {"all": "1"}))) == 11


def _big_bom(people: Any, programs: Any, orgs: Any, lines: int, tag: str) -> Bom:
    parts = make_parts(orgs["halcyon"], lines, tag)
    assembly = services.create_part(actor=people.oem_buyer, number=f"{tag}-ASSY")
    return services.create_bom(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=assembly,
        revision="A",
        lines=[
            services.BomLineInput(
                part=p, quantity=Decimal(2), designators=[f"R{n}", f"R{n + 5000}"]
            )
            for n, p in enumerate(parts)
        ],
    )


def test_bom_page_queries_do_not_grow_with_lines(
    client_for: Any, people: Any, programs: Any, orgs: Any
) -> None:
    small = _big_bom(people, programs, orgs, 4, "QSM")
    large = _big_bom(people, programs, orgs, 150, "QLG")
    for persona in ("oem_buyer", "ems_planner"):
        client = client_for(persona)
        few = _count_queries(client, reverse("bom_detail", args=[small.pk]))
        many = _count_queries(client, reverse("bom_detail", args=[large.pk]))
        assert few == many, persona
        assert many <= 12
    page = client_for("oem_buyer").get(reverse("bom_detail", args=[large.pk]))
    assert len(_bom_rows(page)) == 150 and "Lines 150" in _summary(page)
