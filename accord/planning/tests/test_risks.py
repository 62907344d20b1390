"""The risk register of a plan: single source, lifecycle, lead time and allocation, each with
its severity, and the owner named for a risk staying with it from plan to plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.core.errors import InvalidInput, NotFound
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.services import add_approved_source, record_lifecycle_notice
from accord.planning.models import PartRisk, RiskOwner
from accord.planning.services import assign_risk_owner, refresh_plan
from accord.planning.tests.conftest import WEEK0, week
from accord.supply.services import confirm_order_line, record_allocation, record_offer


def risks_of(run: Any, part: Any) -> dict[str, tuple[str, str]]:
    return {r.kind: (r.severity, r.detail) for r in PartRisk.objects.filter(run=run, part=part)}


def plan(people: Any, programs: Any) -> Any:
    return refresh_plan(
        actor=people.ems_planner, person=people.ems_planner, program=programs["EBX2"]
    )


def test_a_part_without_a_source_is_a_high_single_source_risk(people, programs, earbuds):
    run = plan(people, programs)
    assert risks_of(run, earbuds["mcu"])["single_source"] == ("high", "No approved source.")


def test_the_mcu_story_lifecycle_lead_time_and_allocation(people, programs, orgs, earbuds):
    buyer, mcu = people.oem_buyer, earbuds["mcu"]
    source = add_approved_source(
        actor=buyer,
        part=mcu,
        manufacturer="Nordic Semiconductor",
        mpn="NRF5340-QKAA-R7",
        status=SourceStatus.APPROVED,
    )
    # An LTB date before the week-6 need; an offer with a 10-week lead time; 50 allocated for
    # weeks 5 to 7 while the plan needs 100 there. The supplier pushes the order to week 8.
    record_lifecycle_notice(
        actor=buyer,
        manufacturer_part=source.manufacturer_part,
        lifecycle=Lifecycle.LTB,
        last_time_buy_date=WEEK0 + dt.timedelta(weeks=3),
        reference="PCN-TEST",
    )
    record_offer(
        actor=people.ems_planner,
        supplier=orgs["arrowpoint"],
        manufacturer_part=source.manufacturer_part,
        price_breaks=[(1, "4.10")],
        seen_on=dt.date.today(),
        lead_time_days=70,
    )
    record_allocation(
        actor=people.arrowpoint_rep,
        buyer=orgs["meridian"],
        manufacturer_part=source.manufacturer_part,
        period_start=WEEK0 + dt.timedelta(weeks=5),
        period_end=WEEK0 + dt.timedelta(weeks=7, days=6),
        quantity_allocated=50,
    )
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    risks = risks_of(plan(people, programs), mcu)
    assert risks["single_source"] == ("high", "One approved source.")  # short, so high
    severity, said = risks["lifecycle"]
    assert severity == "high" and "comes before the last need" in said
    assert risks["lead_time"] == (
        "high",
        f"Needed from the week of {(WEEK0 + dt.timedelta(weeks=6)).isoformat()} (in 6 weeks) "
        "but its lead time is 10 weeks.",
    )
    severity, said = risks["allocation"]
    assert severity == "high" and "50 allocated, the plan needs 100" in said
    # The buyer's plan counts only what the buyer sees: not Meridian's allocation nor its offer.
    buyer_run = refresh_plan(actor=buyer, person=buyer, program=programs["EBX2"])
    assert set(risks_of(buyer_run, mcu)) == {"single_source", "lifecycle"}


def test_a_risk_owner_stays_with_the_risk(people, programs, earbuds):
    program = programs["EBX2"]
    plan(people, programs)
    assigned = assign_risk_owner(
        actor=people.ems_planner,
        program=program,
        part=earbuds["mcu"],
        kind="single_source",
        owner=people.oem_buyer,
        note="Qualify a second source",
    )
    plan(people, programs)
    assert RiskOwner.objects.get(pk=assigned.pk).owner == people.oem_buyer
    with pytest.raises(InvalidInput, match="owner"):
        assign_risk_owner(
            actor=people.ems_planner,
            program=program,
            part=earbuds["mcu"],
            kind="single_source",
            owner=people.supplier_rep,  # a member, but sellers never see the schedule
        )
    with pytest.raises(NotFound):
        assign_risk_owner(
            actor=people.supplier_rep,
            program=program,
            part=earbuds["mcu"],
            kind="single_source",
            owner=people.oem_buyer,
        )
