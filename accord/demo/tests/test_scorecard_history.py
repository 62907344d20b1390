"""The demo's two years of orders and the story its scorecards tell: Arrowpoint slipping,
Sunridge improving after its corrective-action plan, Kestrel faultless; every past month stored
closed. The numbers are those of the real metrics over the history the demo wrote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from accord.core.access import today
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.demo.loader import world_from_db
from accord.demo.order_history import ARROWPOINT, MONTHS, SUNRIDGE, first_month
from accord.demo.personas import World
from accord.demo.scorecards import PLAN_MONTH, month_ago, start_scorecards
from accord.demo.services import (
    PastDelivery,
    PastLine,
    PastOrder,
    date_comment,
    record_order_history,
)
from accord.demo.supply import load_supply_story
from accord.scorecards.cards import cards_as_rater
from accord.scorecards.choices import Direction, Metric
from accord.scorecards.models import CardComment, CardMonth, MetricMonth, ScorecardTemplate
from accord.scorecards.months import next_month
from accord.supply.models import Delivery, PurchaseOrder, StockMove


@pytest.fixture
def world(db: object) -> World:
    world = world_from_db()
    load_supply_story(world)  # the plant the orders ship to, and the demo's own orders
    moves = StockMove.objects.count()
    start_scorecards(world)
    # The goods of the history went into builds long ago: the ledger starts with the demo's
    # opening balances.
    assert StockMove.objects.count() == moves
    return world


def _values(world: World, org: str, metric: str) -> dict[dt.date, float]:
    return dict(
        MetricMonth.objects.filter(
            template__organisation=world.orgs["halcyon"], rated=world.orgs[org], metric=metric
        )
        .order_by("month")
        .values_list("month", "value")
    )


def _cards(world: World, org: str) -> list[CardMonth]:
    return list(
        CardMonth.objects.filter(
            template__organisation=world.orgs["halcyon"], rated=world.orgs[org]
        ).order_by("month")
    )


def test_two_years_of_cards_every_past_month_closed(world: World) -> None:
    first, current = first_month(today()), today().replace(day=1)
    for org in ("arrowpoint", "sunridge"):
        cards = _cards(world, org)
        assert cards[0].month == first
        assert len(cards) == MONTHS
        assert [c.closed for c in cards] == [True] * (MONTHS - 1) + [False]
        assert cards[-1].month == current
    kestrel = _cards(world, "kestrel")
    assert 2 <= len(kestrel) <= 3 and all(c.grade == "A" for c in kestrel)
    assert (
        Event.objects.filter(verb="recorded order history").count() == 3  # one per supplier
    )


def test_on_time_and_cost_are_what_the_history_says(world: World) -> None:
    """Every closed month whose deliveries were all ordered inside the two years: the share on
    time is the story's (late of the deliveries due), the cost variance its surcharge."""
    first = first_month(today())
    for story, org, full_from in ((ARROWPOINT, "arrowpoint", 1), (SUNRIDGE, "sunridge", 2)):
        on_time, cost = _values(world, org, Metric.ON_TIME), _values(world, org, Metric.COST)
        due = len(story.due_days)
        month = first
        for index, plan in enumerate(story.months[:-1]):
            if index >= full_from:
                expected = (due - plan.late) / due * 100
                assert on_time[month] == pytest.approx(expected), (org, month)
            if org == "sunridge":  # its only item carries the surcharge
                assert cost[month] == pytest.approx(plan.surcharge, abs=0.01), (org, month)
            month = next_month(month)


def test_quality_counts_the_history_s_inspections(world: World) -> None:
    dppm = _values(world, "arrowpoint", Metric.DPPM)
    month = month_ago(1)
    received = Delivery.objects.filter(
        line__order__supplier=world.orgs["arrowpoint"],
        line__order__buyer=world.orgs["halcyon"],
        received_on__gte=month,
        received_on__lt=next_month(month),
    ).aggregate(q=Sum("quantity"), r=Sum("rejected_quantity"))
    assert received["r"] > 0
    assert dppm[month] == pytest.approx(float(received["r"] / received["q"] * 1_000_000))
    # Sixteen good months (a few hundred DPPM at most), then inspection finds more and more.
    good = [value for when, value in dppm.items() if when < month_ago(7)]
    assert len(good) >= 15 and max(good) < 400, good
    assert dppm[month] > 1000


def test_arrowpoint_slips_sunridge_improves_after_its_plan(world: World) -> None:
    arrowpoint, sunridge = _cards(world, "arrowpoint"), _cards(world, "sunridge")
    # Arrowpoint: grade A until eight months ago, D by last month.
    assert {c.grade for c in arrowpoint[1:16]} <= {"A", "B"}
    assert arrowpoint[15].grade == "A" and arrowpoint[-2].grade == "D"
    slipping = [c.score or 0.0 for c in arrowpoint[16:-1]]
    assert slipping == sorted(slipping, reverse=True)
    # Sunridge: D before its plan, A for the last six closed months.
    plan = MONTHS - 1 - PLAN_MONTH
    assert {c.grade for c in sunridge[:plan]} == {"D"}
    assert {c.grade for c in sunridge[-7:-1]} == {"A"}
    buyer = world.people["oem_buyer"]
    ranked = [(c.rated_name, c.grade, c.action) for c in cards_as_rater(buyer, "suppliers")]
    assert ranked == [
        ("Kestrel Cells", "A", "none"),
        ("Sunridge Acoustics", "B", "none"),
        ("Arrowpoint Distribution", "C", "warn"),
    ]
    # The plan: Sunridge's, in the month it turned, written then.
    (capa,) = CardComment.objects.filter(corrective_action=True)
    assert capa.author == world.people["supplier_rep"] and capa.rated == world.orgs["sunridge"]
    assert capa.month == month_ago(PLAN_MONTH) == sunridge[plan].month
    assert capa.month <= capa.created_at.date() < next_month(capa.month)
    before, after = sunridge[plan - 1].score, sunridge[plan + 1].score
    assert before is not None and after is not None and after > before


def _order(world: World, number: str, received_on: dt.date) -> PastOrder:
    issued = dt.datetime.combine(received_on - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
    return PastOrder(
        number=number,
        program=world.programs["EBX2"],
        supplier=world.orgs["sunridge"],
        ship_to=world.orgs["meridian"].sites.get(code="PEN1"),
        issued_at=issued,
        acknowledged_at=issued + dt.timedelta(hours=5),
        lines=(
            PastLine(
                part=world.parts["HAL-400-0001"],
                manufacturer_part=world.parts["HAL-400-0001"].sources.get().manufacturer_part,
                quantity=Decimal(100),
                unit_price=Decimal("1.80"),
                requested_date=received_on,
                confirmed=True,
                deliveries=(PastDelivery(received_on, Decimal(100)),),
            ),
        ),
    )


def test_the_history_writer_refuses_what_the_services_would(db: object) -> None:
    world = world_from_db()
    load_supply_story(world)
    buyer, quality = world.people["oem_buyer"], world.people["ems_quality"]
    yesterday = today() - dt.timedelta(days=1)
    with pytest.raises(InvalidInput):  # a receipt tomorrow
        record_order_history(
            actor=buyer,
            orders=[_order(world, "PO-H-1", today() + dt.timedelta(days=1))],
            received_by=quality,
        )
    with pytest.raises(Conflict):  # the demo's own order number
        record_order_history(
            actor=buyer, orders=[_order(world, "PO-2026-0147", yesterday)], received_by=quality
        )
    written = record_order_history(
        actor=buyer, orders=[_order(world, "PO-H-2", yesterday)], received_by=quality
    )
    assert written == {"orders": 1, "lines": 1, "deliveries": 1}
    order = PurchaseOrder.objects.get(number="PO-H-2")
    assert order.status == "acknowledged" and order.lines.get().status == "received"


def test_only_its_author_dates_a_comment(world: World) -> None:
    template = ScorecardTemplate.objects.get(
        organisation=world.orgs["halcyon"], direction=Direction.SUPPLIERS
    )
    capa = CardComment.objects.get(template=template, corrective_action=True)
    moment = dt.datetime.combine(capa.month, dt.time(9), tzinfo=dt.UTC)
    with pytest.raises(Forbidden):
        date_comment(actor=world.people["oem_buyer"], comment=capa, written_at=moment)
    with pytest.raises(InvalidInput):  # before the month it is about
        date_comment(
            actor=world.people["supplier_rep"],
            comment=capa,
            written_at=moment - dt.timedelta(days=2),
        )
