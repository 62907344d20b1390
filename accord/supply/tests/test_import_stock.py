"""Stock on hand from an ERP export: balances set to the file's counts through the ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accord.core.models import Event
from accord.supply.models import StockItem, StockMove
from accord.supply.services.imports import import_supply
from accord.supply.tests.conftest import StockWorld
from accord.supply.tests.import_files import csv_bytes, xlsx_bytes


def _balances() -> dict[int, Decimal]:
    return dict(StockItem.objects.values_list("pk", "on_hand"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stock_round_trip_sets_counts_through_the_ledger(
    people: Any, orgs: Any, stock_world: StockWorld, fmt: str
) -> None:
    w = stock_world
    rows: list[list[object]] = [
        ["Item Number", "Warehouse", "Qty On Hand", "Owner"],
        [w.ebx2_part.number, "PEN1", "1,250", ""],
        [w.ebx2_part.number, "pen1", 30, "Halcyon Devices"],
        [w.rvc_part.number, "PEN-WH", 12, ""],
    ]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows, before=2)
    planner = people.ems_planner
    preview = import_supply(
        actor=planner, kind="stock", data=data, filename=f"inv.{fmt}", commit=False
    )
    assert preview.ok, preview.problems
    assert preview.rows == 3 and not preview.committed
    assert StockMove.objects.filter(reference__startswith="Import").count() == 0
    done = import_supply(actor=planner, kind="stock", data=data, filename=f"inv.{fmt}", commit=True)
    assert done.committed and done.counts["moves"] == 3
    w.own_ebx2.refresh_from_db()
    w.consigned_ebx2.refresh_from_db()
    assert w.own_ebx2.on_hand == 1250 and w.consigned_ebx2.on_hand == 30
    new = StockItem.objects.get(site=w.depot, part=w.rvc_part, owner=orgs["meridian"])
    assert new.on_hand == 12
    move = StockMove.objects.get(item=w.consigned_ebx2, reference=f"Import inv.{fmt}")
    assert move.quantity == -10 and move.balance_after == 30 and move.kind == "adjust"
    assert Event.objects.filter(verb="imported stock").count() == 1
    # The same file again changes nothing.
    again = import_supply(
        actor=planner, kind="stock", data=data, filename=f"inv.{fmt}", commit=True
    )
    assert again.counts["moves"] == 0


def test_rows_of_the_same_item_add_up(people: Any, stock_world: StockWorld) -> None:
    w = stock_world
    data = csv_bytes(
        [
            ["Part Number", "Site", "Qty"],
            [w.ebx2_part.number, "PEN1", 5],
            [w.ebx2_part.number, "PEN1", 7],
        ]
    )
    import_supply(actor=people.ems_planner, kind="stock", data=data, filename="s.csv", commit=True)
    w.own_ebx2.refresh_from_db()
    assert w.own_ebx2.on_hand == 12


def test_one_bad_row_writes_nothing_and_names_its_cell(
    people: Any, stock_world: StockWorld
) -> None:
    w = stock_world
    data = csv_bytes(
        [
            ["Part Number", "Warehouse", "Quantity Available"],
            [w.ebx2_part.number, "PEN1", 99],
            ["NO-SUCH-PART", "PEN1", 5],
            [w.rvc_part.number, "PEN1", "-3"],
            [w.rvc_part.number, "MARS", "4"],
            [w.rvc_part.number, "PEN1", "lots"],
        ]
    )
    before, moves = _balances(), StockMove.objects.count()
    result = import_supply(
        actor=people.ems_planner, kind="stock", data=data, filename="s.csv", commit=True
    )
    assert not result.committed
    where = {(p.row, p.column, p.code) for p in result.problems if p.severity == "error"}
    assert where == {
        (3, "Part Number (A)", "unknown-part"),
        (4, "Quantity Available (C)", "out-of-range"),
        (5, "Warehouse (B)", "unknown-site"),
        (6, "Quantity Available (C)", "not-a-number"),
    }
    assert all(p.file == "s.csv" and p.sheet is None for p in result.problems)
    assert _balances() == before and StockMove.objects.count() == moves


def test_stock_at_another_organisations_site_is_refused(
    people: Any, stock_world: StockWorld
) -> None:
    w = stock_world
    data = csv_bytes([["Part Number", "Warehouse", "Qty"], [w.ebx2_part.number, "PEN1", 1]])
    before = _balances()
    result = import_supply(
        actor=people.oem_buyer, kind="stock", data=data, filename="s.csv", commit=True
    )
    assert not result.committed
    assert [p.code for p in result.problems] == ["unknown-site"] or [
        p.code for p in result.problems
    ] == ["not-your-site"]
    assert _balances() == before


def test_the_only_site_is_taken_when_the_file_names_none(
    people: Any, stock_world: StockWorld
) -> None:
    w = stock_world
    data = csv_bytes([["MPN", "Qty"], ["x", 1]])
    result = import_supply(
        actor=people.oem_buyer, kind="stock", data=data, filename="s.csv", commit=False
    )
    assert [p.code for p in result.problems] == ["unknown-part"]
    data = csv_bytes([["Part Number", "Qty"], [w.ebx2_part.number, 3]])
    result = import_supply(
        actor=people.oem_buyer, kind="stock", data=data, filename="s.csv", commit=True
    )
    assert result.committed
    item = StockItem.objects.get(site=w.halcyon_plant, part=w.ebx2_part)
    assert item.on_hand == 3
