"""Hostile and odd files: clear problems, never a 500; header words ERPs and distributors use."""

from __future__ import annotations

from typing import Any

import pytest

from accord.api.tests.utils import API
from accord.supply.imports.vocabulary import match_header
from accord.supply.models import StockMove
from accord.supply.services.imports import import_supply
from accord.supply.tests.conftest import StockWorld
from accord.supply.tests.import_files import csv_bytes, xlsx_bytes

HOSTILE = {
    "empty.csv": (b"", "empty-file"),
    "blank.csv": (b"\n\n  \n", "empty-file"),
    "scan.pdf": (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "unsupported-format"),
    "binary.csv": (b"Part,Qty\n\x00\x01\x02\x03" * 50, "binary-data"),
    "broken.xlsx": (b"PK\x03\x04" + b"\x00" * 200, None),
    "page.csv": (
        b"<html><body><table><tr><td>x</td></tr></table></body></html>",
        "unsupported-format",
    ),
    "nothing.csv": (b"Colour,Flavour\nred,sweet\n", "no-header"),
    "header-only.csv": (b"Part Number,Warehouse,Qty\n", "no-rows"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_problems_not_errors(
    people: Any, stock_world: StockWorld, name: str
) -> None:
    data, code = HOSTILE[name]
    result = import_supply(
        actor=people.ems_planner, kind="stock", data=data, filename=name, commit=True
    )
    assert not result.committed and not result.ok
    errors = [p for p in result.problems if p.severity == "error"]
    assert errors and all(p.file == name for p in errors)
    if code:
        assert code in {p.code for p in errors}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_through_the_api_never_500(
    client_for: Any, stock_world: StockWorld, name: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, _code = HOSTILE[name]
    client = client_for("ems_planner")
    for commit in ("false", "true"):
        response = client.post(
            f"{API}/supply/imports/stock",
            {"commit": commit, "file": SimpleUploadedFile(name, data)},
        )
        assert response.status_code in (200, 413, 422), response.content[:200]
        body = response.json()
        problems = body["problems"] if commit == "false" else body["detail"]["problems"]
        assert problems and problems[0]["file"] == name


def test_windows_and_utf16_exports_are_read(people: Any, stock_world: StockWorld) -> None:
    w = stock_world
    rows = [["Artikel", "Qty On Hand", "Lagerort"], [w.ebx2_part.number, "1.500", "PEN1"]]
    cp1252 = csv_bytes(
        [["Part Number", "Qty", "Site", "Note"], [w.ebx2_part.number, 5, "PEN1", "µ reel ±"]],
        encoding="cp1252",
    )
    result = import_supply(
        actor=people.ems_planner, kind="stock", data=cp1252, filename="w.csv", commit=False
    )
    assert result.ok, [str(p) for p in result.problems]
    utf16 = csv_bytes(
        [["Part Number", "Qty", "Site"], [w.ebx2_part.number, 5, "PEN1"]],
        delimiter="\t",
        encoding="utf-16",
    )
    result = import_supply(
        actor=people.ems_planner, kind="stock", data=utf16, filename="u.txt", commit=False
    )
    assert result.ok, [str(p) for p in result.problems]
    # A German header the stock vocabulary does not know: the file names what is missing.
    result = import_supply(
        actor=people.ems_planner,
        kind="stock",
        data=csv_bytes(rows),
        filename="de.csv",
        commit=False,
    )
    assert [p.code for p in result.problems] == ["no-header"]
    assert "part number or manufacturer part number" in result.problems[0].message


def test_semicolons_decimal_commas_and_a_title_above_the_header(
    people: Any, stock_world: StockWorld
) -> None:
    w = stock_world
    data = csv_bytes(
        [
            ["Inventory report 2026-12-01"],
            [],
            ["Item No", "Whse", "On-Hand Qty"],
            [w.ebx2_part.number, "PEN1", "1.250,5"],
        ],
        delimiter=";",
    )
    done = import_supply(
        actor=people.ems_planner, kind="stock", data=data, filename="eu.csv", commit=True
    )
    assert done.committed, [str(p) for p in done.problems]
    w.own_ebx2.refresh_from_db()
    assert str(w.own_ebx2.on_hand.normalize()) == "1250.5"
    assert StockMove.objects.filter(reference="Import eu.csv").count() == 1


def test_problems_name_the_sheet_of_a_workbook(people: Any, stock_world: StockWorld) -> None:
    data = xlsx_bytes(
        [["Part Number", "Warehouse", "Qty"], ["NOPE", "PEN1", 1]], sheet="Counts", before=3
    )
    result = import_supply(
        actor=people.ems_planner, kind="stock", data=data, filename="c.xlsx", commit=False
    )
    [problem] = result.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "c.xlsx",
        "Counts",
        5,
        "Part Number (A)",
    )


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("stock", "Mfr Part #", "mpn"),
        ("stock", "Manufacturer Part Number", "mpn"),
        ("stock", "Quantity Available", "quantity"),
        ("stock", "QOH", "quantity"),
        ("stock", "Warehouse", "site"),
        ("orders", "Promised Date", "promised_date"),
        ("orders", "P.O. Number", "po_number"),
        ("orders", "PO Number", "po_number"),
        ("orders", "Unit Price (USD)", "unit_price"),
        ("offers", "Lead Time (weeks)", "lead_time_weeks"),
        ("offers", "Factory Lead Time", "lead_time_weeks"),
        ("offers", "Lead Time", "lead_time_days"),
        ("offers", "Quantity Available", "stock"),
        ("offers", "Digi-Key Part Number", "supplier_part_number"),
        ("offers", "100+", "price_break"),
        ("offers", "Price @ 1000", "price_break"),
        ("builds", "Work Order", "reference"),
        ("allocations", "Valid Until", "period_end"),
    ],
)
def test_header_words(kind: str, header: str, field: str | None) -> None:
    found = match_header(kind, header)
    assert (found.field if found else None) == field
    if header == "Unit Price (USD)":
        assert found is not None and found.currency == "USD"
