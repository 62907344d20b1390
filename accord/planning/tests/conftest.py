"""The earbuds story the planning tests share: a board of one MCU and two capacitors, 100
boards due in week 6, 40 MCUs in stock at the EMS and 100 more ordered for week 3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accord.parts.services import BomLineInput, create_bom, create_part
from accord.planning.inputs import week_start
from accord.supply.services import (
    add_order_line,
    create_purchase_order,
    create_site,
    issue_order,
    receive_stock,
    schedule_build,
)

TODAY = dt.date.today()
WEEK0 = week_start(TODAY)


def week(n: int) -> dt.date:
    """A day inside week n of a plan made today."""
    return WEEK0 + dt.timedelta(weeks=n, days=2)


@pytest.fixture
def earbuds(people: Any, programs: Any, orgs: Any) -> dict[str, Any]:
    """An earbud board: 1 MCU and 2 capacitors per board, 100 boards due in week 6; 40 MCUs
    and 1,000 capacitors in stock at the EMS, 100 MCUs on order confirmed for week 3."""
    buyer, planner = people.oem_buyer, people.ems_planner
    program = programs["EBX2"]
    board = create_part(actor=buyer, number="EB-BOARD", is_assembly=True)
    mcu = create_part(actor=buyer, number="EB-MCU")
    cap = create_part(actor=buyer, number="EB-CAP")
    create_bom(
        actor=buyer,
        program=program,
        assembly=board,
        revision="A",
        lines=[
            BomLineInput(part=mcu, quantity=Decimal(1), designators=["U1"]),
            BomLineInput(part=cap, quantity=Decimal(2), designators=["C1", "C2"]),
        ],
    )
    plant = create_site(actor=planner, code="EB", name="Earbuds line")
    receive_stock(actor=planner, site=plant, part=mcu, quantity_received=40)
    receive_stock(actor=planner, site=plant, part=cap, quantity_received=1000)
    build = schedule_build(
        actor=buyer, program=program, assembly=board, quantity_due=100, due_date=week(6)
    )
    order = create_purchase_order(
        actor=planner, program=program, supplier=orgs["arrowpoint"], number="EB-PO-1"
    )
    line = add_order_line(
        actor=planner, order=order, part=mcu, quantity_ordered=100, requested_date=week(3)
    )
    issue_order(actor=planner, order=order)
    return {"board": board, "mcu": mcu, "cap": cap, "build": build, "line": line, "plant": plant}
