"""Supplier offers from distributor exports: price breaks, MOQ, multiples, lead time, stock."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from accord.parts.services.catalogue_staging import run_catalogue_import
from accord.supply.models import SupplierOffer
from accord.supply.services.imports import import_supply
from accord.supply.tests.import_files import csv_bytes, xlsx_bytes

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "parts"
DIGIKEY = SHARED / "Digi-Key_digikey-kicad-library" / "digikey_kicad_library_parts_flattened.csv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_buyer_records_a_distributors_quote(people: Any, fmt: str) -> None:
    rows: list[list[object]] = [
        [
            "Distributor",
            "Manufacturer",
            "Manufacturer Part Number",
            "Mouser #",
            "1+",
            "100+",
            "1,000+",
            "Minimum Order Quantity",
            "Mult",
            "Lead Time (weeks)",
            "Availability",
            "Quote Date",
        ],
        [
            "Arrowpoint Distribution",
            "Yageo",
            "RC0402FR-0710KL",
            "603-RC0402FR-0710KL",
            "0.10",
            "0.02",
            "0.0085",
            1,
            1,
            12,
            "1,250,000",
            "2026-11-30",
        ],
    ]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    done = import_supply(
        actor=people.oem_buyer, kind="offers", data=data, filename=f"q.{fmt}", commit=True
    )
    assert done.committed, [str(p) for p in done.problems]
    offer = SupplierOffer.objects.get(supplier_part_number="603-RC0402FR-0710KL")
    assert offer.organisation == people.oem_buyer.organisation
    assert offer.price_breaks == [
        {"quantity": "1", "unit_price": "0.1"},
        {"quantity": "100", "unit_price": "0.02"},
        {"quantity": "1000", "unit_price": "0.0085"},
    ]
    assert offer.lead_time_days == 84 and offer.stock_quantity == 1250000
    assert offer.seen_on == dt.date(2026, 11, 30)


def test_a_supplier_records_its_own_price_list(people: Any, orgs: Any) -> None:
    data = csv_bytes(
        [
            ["Mfr Part #", "Unit Price (USD)", "MOQ", "Order Multiple", "Lead Time", "Stock"],
            ["SA-BA-3110", "1.72", 500, 250, "35 days", 0],
        ]
    )
    done = import_supply(
        actor=people.supplier_rep, kind="offers", data=data, filename="list.csv", commit=True
    )
    assert done.committed, [str(p) for p in done.problems]
    offer = SupplierOffer.objects.get(supplier=orgs["sunridge"], organisation=orgs["sunridge"])
    assert offer.price_breaks == [{"quantity": "500", "unit_price": "1.72"}]
    assert (offer.moq, offer.order_multiple, offer.lead_time_days) == (500, 250, 35)
    assert offer.stock_quantity == Decimal(0) and offer.currency == "USD"


def test_offer_problems_and_nothing_written(people: Any) -> None:
    data = csv_bytes(
        [
            ["Supplier", "MPN", "Unit Price", "Lead Time (weeks)"],
            ["Arrowpoint Distribution", "RC0402FR-0710KL", "0.01", 4],
            ["Nobody Ltd", "RC0402FR-0710KL", "0.01", 4],
            ["Arrowpoint Distribution", "NO-SUCH-MPN", "0.01", 4],
            ["Arrowpoint Distribution", "RC0402FR-0710KL", "", "soon"],
        ]
    )
    before = SupplierOffer.objects.count()
    result = import_supply(
        actor=people.oem_buyer, kind="offers", data=data, filename="o.csv", commit=True
    )
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert found == {
        (3, "Supplier (A)", "unknown-supplier"),
        (4, "MPN (B)", "unknown-mpn"),
        (5, "Lead Time (weeks) (D)", "not-a-number"),
        (5, "Unit Price (C)", "missing-value"),
    }
    assert SupplierOffer.objects.count() == before


def test_a_real_digikey_export_becomes_offers(people: Any) -> None:
    """The Digi-Key KiCad library's parts (real MPNs and Digi-Key numbers), catalogued, then
    quoted with the distributor's own column names."""
    if not DIGIKEY.is_file():
        pytest.skip(f"{DIGIKEY.name} is not in ../shared/data")
    with DIGIKEY.open(encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(40), csv.DictReader(handle), strict=False)]
    catalogue = io.StringIO()
    writer = csv.writer(catalogue)
    writer.writerow(["Manufacturer", "MPN", "Description"])
    for row in rows:
        writer.writerow([row["Manufacturer"], row["MPN"], row["Description"]])
    run_catalogue_import(
        actor=people.oem_buyer, data=catalogue.getvalue().encode(), filename="dk.csv"
    )
    quote: list[list[object]] = [
        ["Digi-Key_PN", "MPN", "Manufacturer", "Unit Price", "Quantity Available", "Supplier"]
    ]
    quote += [
        [r["Digi-Key_PN"], r["MPN"], r["Manufacturer"], "1.25", 100, "Arrowpoint Distribution"]
        for r in rows
    ]
    done = import_supply(
        actor=people.oem_buyer,
        kind="offers",
        data=csv_bytes(quote),
        filename="dk-quote.csv",
        commit=True,
    )
    assert done.committed, [str(p) for p in done.problems[:5]]
    assert done.counts["offers_recorded"] == len(rows)
    assert SupplierOffer.objects.filter(supplier_part_number=rows[0]["Digi-Key_PN"]).exists()


def test_break_columns_that_name_no_quantity_are_left_out(people: Any) -> None:
    data = csv_bytes(
        [
            ["Supplier", "MPN", "0+", "1.2.3+", "10+", "Unit Price"],
            ["Arrowpoint Distribution", "RC0402FR-0710KL", "9", "9", "0.05", "0.07"],
        ]
    )
    done = import_supply(
        actor=people.oem_buyer, kind="offers", data=data, filename="b.csv", commit=True
    )
    assert done.committed, [str(p) for p in done.problems]
    offer = SupplierOffer.objects.get(
        organisation=people.oem_buyer.organisation, supplier__slug__startswith="arrowpoint"
    )
    assert offer.price_breaks == [
        {"quantity": "1", "unit_price": "0.07"},
        {"quantity": "10", "unit_price": "0.05"},
    ]
