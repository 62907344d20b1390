"""The planning input read from the database (planning/inputs.py): the latest BOM revision,
fitted quantities only, usable stock only, receipts at their expected week, and each person's
figures from what that person may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from accord.parts.choices import MaterialResponsibility
from accord.parts.models import Part
from accord.parts.services import BomLineInput, create_bom, create_part
from accord.planning.inputs import load_planning_data, week_start
from accord.supply.services import (
    add_order_line,
    create_purchase_order,
    create_site,
    issue_order,
    receive_delivery,
    receive_stock,
    schedule_build,
    set_stock_level,
)

MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def plan_world(people: Any, programs: Any, orgs: Any) -> dict[str, Any]:
    buyer, planner = people.oem_buyer, people.ems_planner
    program = programs["EBX2"]
    made = {
        number: create_part(actor=buyer, number=number, is_assembly=number.endswith(("TOP", "SUB")))
        for number in ("PLN-TOP", "PLN-SUB", "PLN-X", "PLN-Y", "PLN-Z", "PLN-W")
    }
    Part.objects.filter(pk=made["PLN-SUB"].pk).update(lead_time_weeks=2)

    def line(number: str, qty: int, designators: str = "", **extra: Any) -> BomLineInput:
        return BomLineInput(
            part=made[number],
            quantity=Decimal(qty),
            designators=designators.split() if designators else (),
            **extra,
        )

    create_bom(
        actor=buyer,
        program=program,
        assembly=made["PLN-SUB"],
        revision="A",
        lines=[line("PLN-W", 5, material_responsibility=MaterialResponsibility.CONSIGNED)],
    )
    for revision, x_per in (("A", 2), ("B", 3)):  # B is the latest: 3 X per top
        create_bom(
            actor=buyer,
            program=program,
            assembly=made["PLN-TOP"],
            revision=revision,
            lines=[
                line("PLN-X", x_per),
                line("PLN-Y", 4, "Y1 Y2 Y3 Y4", dnp_designators=["Y4"]),
                line("PLN-Z", 1, "Z1", dnp=True),
                line("PLN-SUB", 1),
            ],
        )
    schedule_build(
        actor=buyer,
        program=program,
        assembly=made["PLN-TOP"],
        quantity_due=10,
        due_date=MONDAY + dt.timedelta(days=16),  # week 2
    )
    plant = create_site(actor=planner, code="PLN", name="Planning plant")
    for number, owner, amount in (
        ("PLN-X", "meridian", 50),
        ("PLN-X", "halcyon", 7),
        ("PLN-X", "roverly", 1000),  # another customer's goods: never usable for EBX2
        ("PLN-W", "meridian", 3),
    ):
        receive_stock(
            actor=planner,
            site=plant,
            part=made[number],
            quantity_received=amount,
            owner=orgs[owner],
        )
    set_stock_level(actor=planner, site=plant, part=made["PLN-X"], min_level=10, safety_stock=5)
    own_site = create_site(actor=buyer, code="PLN-SJ", name="Buyer lab")
    order = create_purchase_order(
        actor=buyer, program=program, supplier=orgs["sunridge"], number="PO-PLN-1"
    )
    po_line = add_order_line(
        actor=buyer,
        order=order,
        part=made["PLN-Y"],
        quantity_ordered=100,
        requested_date=MONDAY + dt.timedelta(days=23),  # week 3
    )
    issue_order(actor=buyer, order=order)
    from accord.supply.services import confirm_order_line

    confirm_order_line(
        actor=people.supplier_rep, line=po_line, confirmed_date=MONDAY + dt.timedelta(days=37)
    )  # week 5
    receive_delivery(
        actor=buyer,
        line=po_line,
        site=own_site,
        quantity_received=30,
        rejected_quantity=10,
        reject_reason="damaged",
        received_on=dt.date.today(),
    )
    return made


def by_number(data: Any, values: np.ndarray) -> dict[str, float]:
    numbers = dict(Part.objects.filter(pk__in=data.part_ids.tolist()).values_list("pk", "number"))
    return {numbers[int(pk)]: float(v) for pk, v in zip(data.part_ids, values, strict=True)}


def edges(data: Any) -> set[tuple[str, str, float]]:
    numbers = dict(Part.objects.filter(pk__in=data.part_ids.tolist()).values_list("pk", "number"))
    ids = data.part_ids
    return {
        (numbers[int(ids[p])], numbers[int(ids[c])], float(q))
        for p, c, q in zip(
            data.inp.bom_parent, data.inp.bom_child, data.inp.bom_qty_per, strict=True
        )
    }


def test_week_zero_starts_on_the_monday():
    assert week_start(dt.date(2026, 12, 10)) == MONDAY == week_start(MONDAY)


def test_the_planners_input(people, programs, plan_world):
    data = load_planning_data(people.ems_planner, programs["EBX2"], today=MONDAY, horizon=8)
    # Latest revision (3 X per top), Y's fitted share (3 of 4 designators), no Z (DNP).
    assert {e for e in edges(data) if e[0].startswith("PLN")} == {
        ("PLN-TOP", "PLN-X", 3.0),
        ("PLN-TOP", "PLN-Y", 3.0),
        ("PLN-TOP", "PLN-SUB", 1.0),
        ("PLN-SUB", "PLN-W", 5.0),
    }
    stock = by_number(data, data.inp.on_hand)
    # 50 of Meridian's own + 7 consigned by Halcyon; Roverly's 1,000 are not Halcyon's to use.
    assert stock["PLN-X"] == 57 and stock["PLN-W"] == 3
    assert by_number(data, data.inp.safety_stock)["PLN-X"] == 5
    consigned = by_number(data, data.consigned)
    assert {n for n, flag in consigned.items() if flag and n.startswith("PLN")} == {"PLN-W"}
    purchased = by_number(data, data.purchased)
    assert {n for n, flag in purchased.items() if not flag and n.startswith("PLN")} == {
        "PLN-TOP",
        "PLN-SUB",
    }
    lead = by_number(data, data.inp.lead_time_weeks)
    assert lead["PLN-SUB"] == 2
    top = int(np.flatnonzero(data.part_ids == plan_world["PLN-TOP"].pk)[0])
    demand = [
        (int(w), float(q))
        for p, w, q in zip(
            data.inp.demand_part, data.inp.demand_week, data.inp.demand_qty, strict=True
        )
        if p == top
    ]
    assert demand == [(2, 10.0)]
    # The planner is no party to Halcyon's order to Sunridge: no receipt of Y for it.
    y = int(np.flatnonzero(data.part_ids == plan_world["PLN-Y"].pk)[0])
    assert y not in data.inp.receipt_part.tolist()


def test_the_buyers_input_has_its_order_at_the_confirmed_week(people, programs, plan_world):
    data = load_planning_data(people.oem_buyer, programs["EBX2"], today=MONDAY, horizon=8)
    y = int(np.flatnonzero(data.part_ids == plan_world["PLN-Y"].pk)[0])
    receipts = [
        (int(w), float(q))
        for p, w, q in zip(
            data.inp.receipt_part, data.inp.receipt_week, data.inp.receipt_qty, strict=True
        )
        if p == y
    ]
    # 100 ordered, 30 received of which 10 rejected: 80 still to come, in week 5 (confirmed).
    assert receipts == [(5, 80.0)]
    assert by_number(data, data.inp.on_hand)["PLN-X"] == 57


@pytest.mark.parametrize("persona", ["supplier_rep", "outsider", "other_oem_user"])
def test_who_may_not_see_the_program_plans_nothing(people, programs, plan_world, persona):
    data = load_planning_data(people[persona], programs["EBX2"], today=MONDAY, horizon=8)
    assert data.inp.part_count == 0 and len(data.build_ids) == 0


def test_the_partner_stock_a_plan_counts_is_named_by_holder(people, programs, orgs, plan_world):
    """The buyer's plan counts Meridian's own stock of PLN-X and PLN-W (restricted, under the
    NDA) and Halcyon's own consigned goods; only Meridian's rows are another holder's."""
    buyer_view = load_planning_data(people.oem_buyer, programs["EBX2"], today=MONDAY, horizon=8)
    assert set(buyer_view.partner_stock_rows) == {orgs["meridian"].pk}
    assert buyer_view.partner_stock_rows[orgs["meridian"].pk] >= 2  # PLN-X and PLN-W at least
    # Meridian's planner counts its own stock and Halcyon's consigned goods (no log), and the
    # 20 good Y that Halcyon received at its own lab (Halcyon's own stock, under the NDA).
    planner_view = load_planning_data(people.ems_planner, programs["EBX2"], today=MONDAY, horizon=8)
    assert planner_view.partner_stock_rows == {orgs["halcyon"].pk: 1}
