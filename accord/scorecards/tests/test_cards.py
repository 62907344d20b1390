"""Cards stored from the supply records: Halcyon's orders to Sunridge in October, computed by
hand; closed months kept; a template change recomputing history; the block on new orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.parts.models import ManufacturerPart
from accord.scorecards.access import card_months_visible_to, current_grade
from accord.scorecards.choices import Direction
from accord.scorecards.models import CardMonth, MetricMonth
from accord.scorecards.services import compute_cards, save_template, template_of
from accord.supply.models import PurchaseOrder
from accord.supply.services import (
    add_order_line,
    create_purchase_order,
    create_site,
    issue_order,
    receive_delivery,
    record_offer,
)

UTC = dt.UTC
OCT = dt.date(2026, 10, 1)
AS_OF = dt.datetime(2026, 11, 15, 12, tzinfo=UTC)
TEMPLATE: dict[str, Any] = {
    "metrics": {
        "on_time": {"weight": 50, "target": 100, "floor": 0},
        "dppm": {"weight": 25, "target": 0, "floor": 20000},
        "response_sla": {"weight": 25, "target": 100, "floor": 0},
        "cost": {"weight": 0, "target": 0, "floor": 5},
    },
    "bands": [
        {"lower": 90, "grade": "A", "action": "none"},
        {"lower": 75, "grade": "B", "action": "none"},
        {"lower": 60, "grade": "C", "action": "warn"},
        {"lower": 0, "grade": "D", "action": "block"},
    ],
    "days_early": 3,
    "days_late": 2,
    "counting_unit": "line",
    "due_basis": "requested",
    "response_sla_hours": 24,
    "frozen_weeks": 4,
}


@pytest.fixture
def october(people: Any, programs: Any, orgs: Any, parts: Any) -> dict[str, Any]:
    """PO-1: line 1, 100 due 10-10, all on 10-09 at 1.10 (quoted 1.00); line 2, 50 due 10-10,
    30 on 10-10 (3 rejected) and 20 on 10-14. PO-2: line 3, 200 due 10-20, all on 10-15
    (1 rejected). PO-1 issued 10-01 08:00, acknowledged 12 hours later; PO-2 issued 10-02
    08:00, acknowledged 48 hours later."""
    buyer, driver = people.oem_buyer, parts["HAL-400-0001"]
    mpn = ManufacturerPart.objects.get(mpn="SA-BA-3110")
    site = create_site(actor=buyer, code="SJ", name="San Jose lab")
    world: dict[str, Any] = {
        "buyer": buyer,
        "program": programs["EBX2"],
        "sunridge": orgs["sunridge"],
        "orders": [],
    }
    record_offer(
        actor=buyer,
        supplier=orgs["sunridge"],
        manufacturer_part=mpn,
        price_breaks=[(1, "1.00")],
        seen_on=dt.date(2026, 9, 1),
    )
    timing = {}
    lines: dict[int, Any] = {}
    for number, issued, answered, wanted in (
        (
            "PO-1",
            dt.datetime(2026, 10, 1, 8),
            dt.datetime(2026, 10, 1, 20),
            [(100, "1.10"), (50, None)],
        ),
        ("PO-2", dt.datetime(2026, 10, 2, 8), dt.datetime(2026, 10, 4, 8), [(200, None)]),
    ):
        order = create_purchase_order(
            actor=buyer, program=world["program"], supplier=orgs["sunridge"], number=number
        )
        for quantity, price in wanted:
            due = dt.date(2026, 10, 10) if number == "PO-1" else dt.date(2026, 10, 20)
            lines[len(lines) + 1] = add_order_line(
                actor=buyer,
                order=order,
                part=driver,
                manufacturer_part=mpn,
                quantity_ordered=quantity,
                requested_date=due,
                unit_price=price,
            )
        issue_order(actor=buyer, order=order)
        timing[order.pk] = (issued.replace(tzinfo=UTC), answered.replace(tzinfo=UTC))
    for pk, (issued, answered) in timing.items():  # the clock of October, not the test's
        PurchaseOrder.objects.filter(pk=pk).update(
            issued_at=issued, acknowledged_at=answered, status="acknowledged"
        )
    for line, day, quantity, rejected in (
        (1, 9, 100, 0),
        (2, 10, 30, 3),
        (2, 14, 20, 0),
        (3, 15, 200, 1),
    ):
        receive_delivery(
            actor=buyer,
            line=lines[line],
            site=site,
            quantity_received=quantity,
            received_on=dt.date(2026, 10, day),
            rejected_quantity=rejected,
            reject_reason="bent leads" if rejected else "",
        )
    world.update(lines=lines, site=site, mpn=mpn, driver=driver)
    template = template_of(orgs["halcyon"], Direction.SUPPLIERS)
    world["template"] = save_template(actor=buyer, template=template, **TEMPLATE)
    return world


def metrics_of(template: Any, month: dt.date) -> dict[str, tuple[float, float, float]]:
    return {
        m.metric: (m.numerator, m.denominator, m.value)
        for m in MetricMonth.objects.filter(template=template, month=month)
    }


def test_october_by_hand(october, orgs):
    template = october["template"]
    assert compute_cards(template, as_of=AS_OF) == 1
    found = metrics_of(template, OCT)
    # Lines: 1 on time (10-09 inside 10-07..10-12); 2 not (27 accepted in time, 20 late);
    # 3 not (10-15 is before 10-17): 1 of 3.
    assert found["on_time"][:2] == (1.0, 3.0)
    # Received 100 + 30 + 20 + 200 = 350, rejected 3 + 1 = 4: 11,428.57 DPPM.
    assert found["dppm"][:2] == (4.0, 350.0)
    assert found["dppm"][2] == pytest.approx(4 / 350 * 1e6)
    # Answers after 12 and 48 hours: median 30; within 24 hours 1 of 2.
    assert found["response_hours"] == (30.0, 2.0, 30.0)
    assert found["response_sla"] == (1.0, 2.0, 50.0)
    # Line 1: 100 x 1.10 against the quote 100 x 1.00: +10 %.
    assert found["cost"][2] == pytest.approx(10.0)
    card = CardMonth.objects.get(template=template, rated=orgs["sunridge"], month=OCT)
    # Scores: on time 33.33; DPPM (11,428.57 - 20,000) / (0 - 20,000) = 42.857; SLA 50;
    # cost weighs 0. (50 x 33.333 + 25 x 42.857 + 25 x 50) / 100 = 39.88: grade D.
    assert card.score == pytest.approx(
        (50 * 100 / 3 + 25 * (1 - 4 / 350 * 1e6 / 20000) * 100 + 25 * 50) / 100
    )
    assert (card.grade, card.action, card.closed) == ("D", "block", True)  # closed on 11-03


def test_a_closed_month_stays_until_the_template_changes(october, people, orgs, parts):
    warn_only = [{**band, "action": "warn"} for band in TEMPLATE["bands"]]
    template = save_template(
        actor=october["buyer"], template=october["template"], **{**TEMPLATE, "bands": warn_only}
    )
    compute_cards(template, as_of=AS_OF)
    before = CardMonth.objects.get(template=template, month=OCT).score
    # A line due 10-25 received on 11-10: October is closed, a refresh leaves it alone.
    order = create_purchase_order(
        actor=october["buyer"], program=october["program"], supplier=orgs["sunridge"], number="PO-3"
    )
    line = add_order_line(
        actor=october["buyer"],
        order=order,
        part=october["driver"],
        quantity_ordered=10,
        requested_date=dt.date(2026, 10, 25),
    )
    issue_order(actor=october["buyer"], order=order)
    receive_delivery(
        actor=october["buyer"],
        line=line,
        site=october["site"],
        quantity_received=10,
        received_on=dt.date(2026, 11, 10),
    )
    compute_cards(template, as_of=AS_OF)
    assert CardMonth.objects.get(template=template, month=OCT).score == before
    assert metrics_of(template, OCT)["on_time"][:2] == (1.0, 3.0)
    # The whole history computed again (as after a template change) counts it: 1 of 4.
    compute_cards(template, as_of=AS_OF, whole_history=True)
    assert metrics_of(template, OCT)["on_time"][:2] == (1.0, 4.0)


def test_a_grade_in_a_blocking_band_blocks_new_orders(october, orgs):
    compute_cards(october["template"], as_of=AS_OF)
    grade = current_grade(orgs["halcyon"].pk, orgs["sunridge"].pk)
    assert grade is not None and (grade.grade, grade.action, grade.months) == ("D", "block", 1)
    with pytest.raises(Conflict, match="blocked: its scorecard grade is D"):
        create_purchase_order(
            actor=october["buyer"],
            program=october["program"],
            supplier=orgs["sunridge"],
            number="PO-9",
        )


def test_who_sees_the_card(october, people):
    compute_cards(october["template"], as_of=AS_OF)
    assert card_months_visible_to(people.oem_buyer).count() == 1  # the rater
    assert card_months_visible_to(people.supplier_rep).count() == 1  # the rated
    for persona in ("ems_planner", "arrowpoint_rep", "other_oem_user", "outsider"):
        assert not card_months_visible_to(people[persona]).exists(), persona


def test_only_the_raters_administrators_change_the_template(october, people):
    template = october["template"]
    with pytest.raises(Forbidden):
        save_template(actor=people.oem_engineer, template=template, **TEMPLATE)
    with pytest.raises(Forbidden):
        save_template(actor=people.supplier_rep, template=template, **TEMPLATE)
    with pytest.raises(InvalidInput, match="sum to 100"):
        save_template(
            actor=people.oem_buyer,
            template=template,
            **{**TEMPLATE, "metrics": {"on_time": {"weight": 60, "target": 100, "floor": 0}}},
        )
    with pytest.raises(InvalidInput, match="not a metric"):
        save_template(
            actor=people.oem_buyer,
            template=template,
            **{**TEMPLATE, "metrics": {"forecast_8w": {"weight": 100, "target": 95, "floor": 60}}},
        )


def test_a_delivery_refreshes_the_open_month(october, orgs, django_capture_on_commit_callbacks):
    compute_cards(october["template"], as_of=AS_OF)
    save_template(
        actor=october["buyer"],
        template=october["template"],
        **{**TEMPLATE, "bands": [{"lower": 0, "grade": "OK", "action": "none"}]},
    )
    today = dt.date.today()
    order = create_purchase_order(
        actor=october["buyer"], program=october["program"], supplier=orgs["sunridge"], number="PO-4"
    )
    line = add_order_line(
        actor=october["buyer"],
        order=order,
        part=october["driver"],
        quantity_ordered=5,
        requested_date=today,
    )
    issue_order(actor=october["buyer"], order=order)
    month = today.replace(day=1)
    assert not CardMonth.objects.filter(month=month).exists()
    with django_capture_on_commit_callbacks(execute=True):
        receive_delivery(
            actor=october["buyer"],
            line=line,
            site=october["site"],
            quantity_received=5,
            received_on=today,
        )
    card = CardMonth.objects.get(template=october["template"], month=month)
    assert (card.closed, card.grade) == (False, "OK")
    assert metrics_of(october["template"], month)["on_time"] == (1.0, 1.0, 100.0)
