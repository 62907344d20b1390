"""Meridian (the EMS) rates Halcyon (its customer) from its records of Halcyon's program:
the build schedule's versions, BOM revisions, and how long Halcyon takes to decide on the
sources Meridian proposes. Halcyon sees its own card; Halcyon's other partners do not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import ManufacturerPart
from accord.parts.normalise import mpn_key
from accord.parts.services import set_source_status
from accord.planning.services import propose_alternate
from accord.scorecards.access import card_months_visible_to
from accord.scorecards.choices import Direction
from accord.scorecards.models import MetricMonth
from accord.scorecards.services import compute_cards, rules_of, save_template, template_of
from accord.supply.models import BuildVersion
from accord.supply.services import change_build, schedule_build


def started(people: Any, orgs: Any) -> Any:
    """Meridian's administrator saves the default rules of its customers' cards."""
    defaults = template_of(orgs["meridian"], Direction.CUSTOMERS)
    return save_template(actor=people.ems_planner, template=defaults, **rules_of(defaults))


@pytest.fixture
def schedule(people: Any, programs: Any, parts: Any, boms: Any) -> Any:
    assembly = next(b for b in boms.values() if b.program.code == "EBX2").assembly
    due = dt.date.today() + dt.timedelta(weeks=10)
    build = schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=assembly,
        quantity_due=500,
        due_date=due,
    )
    change_build(actor=people.oem_buyer, build=build, quantity_due=600)
    change_build(actor=people.ems_planner, build=build, quantity_due=550, note="our capacity")
    return build


def test_the_customers_card_from_the_schedule(people, orgs, schedule):
    # Halcyon said 500 13 weeks before the due date and 600 six weeks before; Meridian made it
    # 550 a week before. Move the versions back to those days (the test runs today).
    due = schedule.due_date
    for version, weeks_before in ((1, 13), (2, 6), (3, 1)):
        BuildVersion.objects.filter(build=schedule, version=version).update(
            changed_at=dt.datetime.combine(
                due - dt.timedelta(weeks=weeks_before), dt.time(12), tzinfo=dt.UTC
            )
        )
    template = started(people, orgs)
    after_due = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    compute_cards(template, as_of=after_due)
    month = due.replace(day=1)
    found = {
        m.metric: (m.numerator, m.denominator, m.value)
        for m in MetricMonth.objects.filter(template=template, rated=orgs["halcyon"], month=month)
    }
    # Built 550. 12 weeks out: 500 (v1), |500 - 550| = 50 -> 100 x (1 - 50/550).
    assert found["forecast_12w"] == (50.0, 550.0, pytest.approx(100 * (1 - 50 / 550)))
    # 8 weeks out 500 still; 4 weeks out 600 (said 6 weeks out): |600 - 550| = 50 too.
    assert found["forecast_8w"][:2] == (50.0, 550.0)
    assert found["forecast_4w"][:2] == (50.0, 550.0)
    # Stability: Halcyon's own change was 6 weeks out (outside 4); Meridian's inside does not
    # count against Halcyon: 0 of 1.
    assert found["stability"] == (0.0, 1.0, 0.0)
    assert card_months_visible_to(people.oem_buyer).filter(template=template).exists()
    assert not card_months_visible_to(people.supplier_rep).filter(template=template).exists()
    # Roverly, Meridian's other customer, sees its own card and nothing of Halcyon's.
    roverly_sees = card_months_visible_to(people.other_oem_user)
    assert set(roverly_sees.values_list("rated_id", flat=True)) <= {orgs["roverly"].pk}
    assert not roverly_sees.filter(rated=orgs["halcyon"]).exists()


def test_decision_latency_of_the_sources_proposed_to_the_customer(people, programs, orgs, parts):
    part = parts["HAL-400-0001"]
    maker = ManufacturerPart.objects.get(mpn="SA-BA-3110").manufacturer
    candidate = ManufacturerPart.objects.create(
        manufacturer=maker,
        mpn="SA-BA-3110X",
        mpn_key=mpn_key("SA-BA-3110X"),
        lifecycle=Lifecycle.ACTIVE,
    )
    source = propose_alternate(
        actor=people.ems_planner, program=programs["EBX2"], part=part, manufacturer_part=candidate
    )
    source.refresh_from_db()
    assert source.proposed_by_organisation == orgs["meridian"] and source.decided_at is None
    set_source_status(
        actor=people.oem_buyer, source=source, status=SourceStatus.APPROVED, reason="same die"
    )
    source.refresh_from_db()
    asked, answered = source.proposed_at, source.decided_at
    assert asked is not None and answered is not None and answered >= asked
    template = started(people, orgs)
    compute_cards(template, as_of=answered + dt.timedelta(minutes=1))
    [latency] = MetricMonth.objects.filter(
        template=template, rated=orgs["halcyon"], metric="decision_hours"
    )
    assert latency.value == pytest.approx((answered - asked).total_seconds() / 3600)
