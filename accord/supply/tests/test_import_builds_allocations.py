"""Builds from a planner's schedule and allocations from a supplier's commitments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.core.errors import Forbidden
from accord.supply.models import Allocation, Build, BuildVersion
from accord.supply.services import record_allocation
from accord.supply.services.imports import import_supply
from accord.supply.tests.import_files import csv_bytes, xlsx_bytes


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_builds_round_trip(people: Any, programs: Any, fmt: str) -> None:
    rows: list[list[object]] = [
        ["Program", "Assembly", "Build Qty", "Due Date", "Firm/Forecast", "Work Order"],
        ["EBX2", "EBX2-PCBA", 1000, "2027-02-01", "Firm", "WO-1"],
        ["ebx2", "EBX2-PCBA", "2,500", "01-Mar-2027", "", "WO-2"],
    ]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    done = import_supply(
        actor=people.oem_buyer, kind="builds", data=data, filename=f"b.{fmt}", commit=True
    )
    assert done.committed, [str(p) for p in done.problems]
    builds = list(Build.objects.filter(reference__in=["WO-1", "WO-2"]).order_by("reference"))
    assert [(b.quantity, b.due_date, b.firmness) for b in builds] == [
        (1000, dt.date(2027, 2, 1), "firm"),
        (2500, dt.date(2027, 3, 1), "forecast"),
    ]
    assert BuildVersion.objects.filter(build__in=builds, version=1).count() == 2


def test_build_problems(people: Any) -> None:
    data = csv_bytes(
        [
            ["Program", "Assembly", "Quantity", "Due Date", "Firmness"],
            ["EBX2", "HAL-400-0001", 5, "2027-02-01", "firm"],
            ["RVC", "EBX2-PCBA", 5, "2027-02-01", "maybe"],
        ]
    )
    before = Build.objects.count()
    result = import_supply(
        actor=people.oem_buyer, kind="builds", data=data, filename="b.csv", commit=True
    )
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert found == {
        (2, "Assembly (B)", "no-bom"),
        (3, "Program (A)", "unknown-program"),
        (3, "Firmness (E)", "bad-firmness"),
    }
    assert Build.objects.count() == before


def test_allocations_replace_the_same_period(people: Any, orgs: Any) -> None:
    rep = people.supplier_rep
    data = csv_bytes(
        [
            ["Customer", "Mfr Part #", "Valid From", "Valid To", "Allocated Qty"],
            ["Halcyon Devices", "SA-BA-3110", "2027-01-01", "2027-03-31", "5,000"],
            ["halcyon devices", "SA-BA-3110", "2027-04-01", "2027-06-30", 6000],
        ]
    )
    done = import_supply(actor=rep, kind="allocations", data=data, filename="a.csv", commit=True)
    assert done.counts["allocations_added"] == 2
    again = csv_bytes(
        [
            ["Customer", "MPN", "Period Start", "Period End", "Quantity"],
            ["Halcyon Devices", "SA-BA-3110", "2027-01-01", "2027-02-28", 4000],
        ]
    )
    done = import_supply(actor=rep, kind="allocations", data=again, filename="a2.csv", commit=True)
    assert done.counts == {"allocations": 1, "allocations_added": 0, "allocations_replaced": 1}
    first = Allocation.objects.get(supplier=orgs["sunridge"], period_start=dt.date(2027, 1, 1))
    assert (first.quantity, first.period_end) == (4000, dt.date(2027, 2, 28))


def test_allocation_problems_and_permission(people: Any) -> None:
    data = csv_bytes(
        [
            ["Buyer", "MPN", "Start", "End", "Qty"],
            ["Roverly Robotics", "SA-BA-3110", "2027-01-01", "2027-03-31", 1],
            ["Halcyon Devices", "SA-BA-3110", "2027-05-01", "2027-03-31", 1],
        ]
    )
    result = import_supply(
        actor=people.supplier_rep, kind="allocations", data=data, filename="a.csv", commit=True
    )
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert found == {(2, "Buyer (A)", "unknown-buyer"), (3, "End (D)", "bad-period")}
    assert not Allocation.objects.exists()
    with pytest.raises(Forbidden):
        import_supply(
            actor=people.oem_buyer, kind="allocations", data=data, filename="a.csv", commit=False
        )


def test_record_allocation_and_import_agree(people: Any, orgs: Any) -> None:
    """The import replaces what the service committed for the same period start."""
    from accord.parts.models import ManufacturerPart

    driver = ManufacturerPart.objects.get(mpn="SA-BA-3110")
    record_allocation(
        actor=people.supplier_rep,
        buyer=orgs["halcyon"],
        manufacturer_part=driver,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 1, 31),
        quantity_allocated=1,
    )
    data = csv_bytes(
        [
            ["Customer", "MPN", "Period Start", "Period End", "Qty"],
            ["Halcyon Devices", "SA-BA-3110", "2027-01-01", "2027-01-31", 9],
        ]
    )
    import_supply(
        actor=people.supplier_rep, kind="allocations", data=data, filename="a.csv", commit=True
    )
    assert list(Allocation.objects.values_list("quantity", flat=True)) == [9]
