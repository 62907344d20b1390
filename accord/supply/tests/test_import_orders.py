"""Purchase-order lines from a buyer's ERP: new draft orders, lines added to open ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accord.core.errors import Forbidden
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.models import PurchaseOrder, PurchaseOrderLine
from accord.supply.services import add_order_line, create_purchase_order
from accord.supply.services.imports import import_supply
from accord.supply.tests.import_files import csv_bytes, xlsx_bytes

HEADER: list[object] = [
    "PO #",
    "Vendor",
    "Project",
    "Item Number",
    "Mfr Part #",
    "Qty Ordered",
    "Unit Price (EUR)",
    "Need By",
    "Promised Date",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_orders_round_trip(people: Any, parts: Any, fmt: str) -> None:
    rows: list[list[object]] = [
        HEADER,
        [
            "PO-IMP-1",
            "Sunridge Acoustics",
            "EBX2",
            "HAL-400-0001",
            "SA-BA-3110",
            "2,000",
            "1.85",
            "2027-01-15",
            "",
        ],
        ["PO-IMP-1", "", "", "HAL-400-0001", "", 500, "1.80", "15/02/2027", "20/02/2027"],
        [
            "PO-IMP-2",
            "Arrowpoint Distribution",
            "EBX2",
            "HAL-100-0002",
            "",
            10000,
            "",
            "2027-03-01",
            "",
        ],
    ]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows, sheet="Open POs")
    buyer = people.oem_buyer
    preview = import_supply(
        actor=buyer, kind="orders", data=data, filename=f"po.{fmt}", commit=False
    )
    assert preview.ok, [str(p) for p in preview.problems]
    assert preview.counts == {"lines": 3, "orders": 2, "new_orders": 2}
    assert not PurchaseOrder.objects.filter(number__startswith="PO-IMP").exists()
    done = import_supply(actor=buyer, kind="orders", data=data, filename=f"po.{fmt}", commit=True)
    assert done.counts["orders_created"] == 2 and done.counts["lines_added"] == 3
    order = PurchaseOrder.objects.get(number="PO-IMP-1", buyer=buyer.organisation)
    assert order.status == OrderStatus.DRAFT and order.currency == "EUR"
    lines = list(order.lines.order_by("line_number"))
    assert [line.line_number for line in lines] == [1, 2]
    assert lines[0].quantity == 2000 and lines[0].unit_price == Decimal("1.85")
    assert lines[0].manufacturer_part is not None and lines[0].manufacturer_part.mpn == "SA-BA-3110"
    assert lines[1].requested_date == dt.date(2027, 2, 15)
    assert lines[1].confirmed_date == dt.date(2027, 2, 20)
    assert lines[1].status == LineStatus.CONFIRMED


def test_lines_are_added_to_an_open_order(
    people: Any, programs: Any, orgs: Any, parts: Any
) -> None:
    buyer = people.oem_buyer
    order = create_purchase_order(
        actor=buyer, program=programs["EBX2"], supplier=orgs["sunridge"], number="PO-OPEN"
    )
    add_order_line(
        actor=buyer,
        order=order,
        part=parts["HAL-400-0001"],
        quantity_ordered=5,
        requested_date=dt.date(2027, 1, 1),
    )
    data = csv_bytes(
        [
            ["PO Number", "Part Number", "Quantity", "Requested Date"],
            ["PO-OPEN", "HAL-400-0001", 7, "2027-04-01"],
        ]
    )
    done = import_supply(actor=buyer, kind="orders", data=data, filename="more.csv", commit=True)
    assert done.committed
    assert list(order.lines.values_list("line_number", "quantity")) == [(1, 5), (2, 7)]


def test_order_problems_name_their_cells_and_write_nothing(people: Any) -> None:
    data = csv_bytes(
        [
            HEADER,
            [
                "PO-BAD-1",
                "Sunridge Acoustics",
                "EBX2",
                "HAL-400-0001",
                "",
                10,
                "",
                "2027-01-15",
                "",
            ],
            ["PO-BAD-2", "Kestrel Cells", "EBX2", "HAL-400-0001", "", 10, "", "2027-01-15", ""],
            ["PO-BAD-3", "Sunridge Acoustics", "RVC", "HAL-400-0001", "", 10, "", "2027-01-15", ""],
            ["PO-BAD-1", "", "", "HAL-400-0001", "", 0, "abc", "2027-13-45", ""],
        ]
    )
    lines = PurchaseOrderLine.objects.count()
    result = import_supply(
        actor=people.oem_buyer, kind="orders", data=data, filename="po.csv", commit=True
    )
    assert not result.committed
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert (3, "Vendor (B)", "unknown-supplier") in found or (
        3,
        "Vendor (B)",
        "not-a-partner",
    ) in found
    assert (4, "Project (C)", "unknown-program") in found
    assert (5, "Qty Ordered (F)", "out-of-range") in found
    assert (5, "Unit Price (EUR) (G)", "not-a-number") in found
    assert (5, "Need By (H)", "not-a-date") in found
    assert PurchaseOrderLine.objects.count() == lines
    assert not PurchaseOrder.objects.filter(number__startswith="PO-BAD").exists()


def test_sellers_do_not_import_orders(people: Any) -> None:
    data = csv_bytes([HEADER])
    with pytest.raises(Forbidden):
        import_supply(
            actor=people.supplier_rep, kind="orders", data=data, filename="po.csv", commit=False
        )
