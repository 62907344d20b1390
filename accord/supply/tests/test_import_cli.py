"""`accord import-supply`: the preview and its problems by row and column, exit status 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accord.supply.tests.conftest import StockWorld
from accord.supply.tests.import_files import csv_bytes


def test_cli_previews_then_imports(tmp_path: Path, stock_world: StockWorld, capsys: Any) -> None:
    w = stock_world
    path = tmp_path / "counts.csv"
    path.write_bytes(
        csv_bytes([["Part Number", "Warehouse", "Qty"], [w.ebx2_part.number, "PEN1", 77]])
    )
    call_command("import_supply", "stock", str(path), "--as", "ems_planner")
    out = capsys.readouterr()
    assert "Read counts.csv (stock): 1 rows" in out.out and "nothing was written" in out.err
    w.own_ebx2.refresh_from_db()
    assert w.own_ebx2.on_hand == 100
    call_command("import_supply", "stock", str(path), "--as", "ems_planner", "--commit")
    assert "Imported counts.csv" in capsys.readouterr().out
    w.own_ebx2.refresh_from_db()
    assert w.own_ebx2.on_hand == 77


def test_cli_prints_problems_and_fails(
    tmp_path: Path, stock_world: StockWorld, capsys: Any
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["Part Number", "Warehouse", "Qty"], ["NOPE", "PEN1", "x"]]))
    with pytest.raises(CommandError) as refused:
        call_command("import_supply", "stock", str(path), "--as", "ems_planner", "--commit")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "No part numbered NOPE that you may see. (bad.csv, row 2, column Part Number (A))" in out
    assert "(bad.csv, row 2, column Qty (C))" in out


def test_cli_refuses_a_kind_the_person_may_not_import(
    tmp_path: Path, stock_world: StockWorld
) -> None:
    path = tmp_path / "alloc.csv"
    path.write_bytes(b"Customer,MPN,Period Start,Period End,Qty\nX,Y,2027-01-01,2027-01-31,1\n")
    with pytest.raises(CommandError, match="Only a supplier or distributor"):
        call_command("import_supply", "allocations", str(path), "--as", "ems_planner")
