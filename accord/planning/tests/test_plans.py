"""Stored plans: a shortage computed from the person's own view, the build it holds up, and
the refresh that follows a change of supply."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from accord.core.errors import InvalidInput
from accord.core.models import Event
from accord.parts.models import Part
from accord.planning.models import BuildClearance, PartPlan, PlanRun
from accord.planning.services import refresh_plan
from accord.planning.tests.conftest import TODAY, WEEK0, week
from accord.supply.services import (
    confirm_order_line,
    receive_delivery,
)


def part_plan(run: PlanRun, part: Part) -> PartPlan:
    return PartPlan.objects.get(run=run, part=part)


def test_a_plan_nets_the_schedule_against_stock_and_orders(people, programs, earbuds):
    run = refresh_plan(
        actor=people.ems_planner, person=people.ems_planner, program=programs["EBX2"]
    )
    mcu = part_plan(run, earbuds["mcu"])
    # 40 on hand; +100 in week 3; -100 (the build) in week 6: 40, 40, 40, 140, 140, 140, 40.
    assert mcu.on_hand == 40 and mcu.receipts[3] == 100 and mcu.gross[6] == 100
    assert mcu.projected[:7] == [40, 40, 40, 140, 140, 140, 40]
    assert mcu.first_shortage_week is None and mcu.weeks_of_cover == run.horizon
    clearance = BuildClearance.objects.get(run=run, build=earbuds["build"])
    assert clearance.buildable == 100 and clearance.limiting == []


def test_a_pushed_confirmation_makes_the_mcu_short_in_week_six(
    people, programs, earbuds, django_capture_on_commit_callbacks
):
    """The supplier pushes its date to week 8: the plan shows the MCU short by 60 in week 6
    and the build limited to the 40 in stock."""
    planner, program = people.ems_planner, programs["EBX2"]
    refresh_plan(actor=planner, person=planner, program=program)
    refreshed = Event.objects.filter(verb="refreshed plan")
    before = refreshed.count()
    with django_capture_on_commit_callbacks(execute=True):
        confirm_order_line(
            actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8)
        )
    assert refreshed.count() == before + 1  # planned again, once
    run = PlanRun.objects.get(program=program, person=planner)  # refreshed after the commit
    mcu = part_plan(run, earbuds["mcu"])
    assert mcu.receipts[8] == 100 and mcu.receipts[3] == 0
    assert (mcu.first_shortage_week, mcu.quantity_short, mcu.weeks_of_cover) == (6, 60, 6)
    clearance = BuildClearance.objects.get(run=run, build=earbuds["build"])
    assert clearance.buildable == 40
    assert clearance.limiting == [{"part": earbuds["mcu"].pk, "short": 60}]


def test_a_delivery_refreshes_the_stored_plan(
    people, programs, earbuds, django_capture_on_commit_callbacks
):
    planner, program = people.ems_planner, programs["EBX2"]
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    before = refresh_plan(actor=planner, person=planner, program=program)
    assert part_plan(before, earbuds["mcu"]).first_shortage_week == 6
    refreshed = Event.objects.filter(verb="refreshed plan")
    before_count = refreshed.count()
    with django_capture_on_commit_callbacks(execute=True):
        receive_delivery(
            actor=planner,
            line=earbuds["line"],
            site=earbuds["plant"],
            quantity_received=100,
            received_on=TODAY,
        )
    # The delivery moved stock and changed its order line: one refresh for both.
    assert refreshed.count() == before_count + 1
    run = PlanRun.objects.get(pk=before.pk)
    mcu = part_plan(run, earbuds["mcu"])
    assert mcu.on_hand == 140 and mcu.first_shortage_week is None and sum(mcu.receipts) == 0
    assert run.computed_at > before.computed_at


def test_people_who_may_not_see_the_schedule_get_no_plan(people, programs, earbuds):
    for persona in ("supplier_rep", "outsider", "nda_expired_partner", "other_oem_user"):
        with pytest.raises(InvalidInput, match="may not plan"):
            refresh_plan(actor=people[persona], person=people[persona], program=programs["EBX2"])
    assert not PlanRun.objects.exists()


def test_the_buyer_plans_from_what_the_buyer_sees(people, programs, earbuds):
    """Halcyon sees Meridian's own stock of its program's parts (NDA) but is no party to
    Meridian's order to Arrowpoint: its plan has the 40 MCUs and no receipt."""
    run = refresh_plan(actor=people.oem_buyer, person=people.oem_buyer, program=programs["EBX2"])
    mcu = part_plan(run, earbuds["mcu"])
    assert mcu.on_hand == 40 and sum(mcu.receipts) == 0
    assert mcu.first_shortage_week == 6 and mcu.quantity_short == 60


def run_shortages(*args: str) -> str:
    out = io.StringIO()
    call_command("shortages", *args, stdout=out)
    return out.getvalue()


def test_the_shortages_command_in_its_three_formats(people, programs, earbuds):
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    data = json.loads(run_shortages("EBX2", "--as", "ems_planner", "--format", "json"))
    mine = [row for row in data["rows"] if row["part"].startswith("EB-")]
    assert mine == [
        {
            "part_id": earbuds["mcu"].pk,
            "part": "EB-MCU",
            "description": "",
            "purchased": True,
            "consigned": False,
            "on_hand": "40",
            "safety_stock": "0",
            "first_shortage_week": 6,
            "first_shortage_date": (WEEK0 + dt.timedelta(weeks=6)).isoformat(),
            "quantity_short": "60",
            "weeks_of_cover": 6,
            "below_safety_week": 6,
        }
    ]
    rows = list(
        csv.reader(io.StringIO(run_shortages("EBX2", "--as", "ems_planner", "--format", "csv")))
    )
    assert rows[0][:5] == ["part", "description", "first short", "week", "short by"]
    assert ["EB-MCU", "", (WEEK0 + dt.timedelta(weeks=6)).isoformat(), "6", "60"] in [
        r[:5] for r in rows
    ]
    text = run_shortages("EBX2", "--as", "ems_planner", "--horizon", "12")
    assert "run short within 12 weeks" in text and "EB-MCU" in text


@pytest.mark.parametrize("persona", ["supplier_rep", "outsider", "nda_expired_partner"])
def test_the_shortages_command_refuses_who_may_not_plan(people, programs, earbuds, persona):
    with pytest.raises(CommandError, match="not_found, 404"):
        run_shortages("EBX2", "--as", persona)


def test_reading_a_plan_that_counts_partner_stock_is_access_logged(
    people, programs, orgs, earbuds, client_for
):
    """Halcyon's plan counts Meridian's own MCUs: each read of its figures (page, export, API,
    CLI) logs one entry for Meridian with the stock rows counted; Meridian's planner, reading
    a plan of its own stock, logs nothing."""
    from accord.core.models import AccessLogEntry

    program = programs["EBX2"]
    run = refresh_plan(actor=people.oem_buyer, person=people.oem_buyer, program=program)
    rows = run.partner_stock[str(orgs["meridian"].pk)]
    assert set(run.partner_stock) == {str(orgs["meridian"].pk)} and rows >= 1
    client = client_for("oem_buyer")
    reads = AccessLogEntry.objects.filter(reader=people.oem_buyer, owner=orgs["meridian"])
    before = reads.count()
    assert client.get(f"/planning/{program.pk}/").status_code == 200
    assert client.get(f"/planning/{program.pk}/", {"format": "csv"}).status_code == 200
    assert client.get(f"/api/v1/programs/{program.pk}/shortages").status_code == 200
    run_shortages("EBX2", "--as", "oem_buyer", "--format", "json")
    logged = list(reads.order_by("pk")[before:])
    assert [entry.channel for entry in logged] == ["web", "export", "api", "cli"]
    assert all(
        entry.row_count == rows and entry.object_type == "supply.stockitem" for entry in logged
    )

    # Meridian's planner counts its own MCUs and Halcyon's consigned goods: nothing to log.
    planner = people.ems_planner
    planner_run = refresh_plan(actor=planner, person=planner, program=program)
    assert planner_run.partner_stock == {}
    client_for("ems_planner").get(f"/planning/{program.pk}/")
    assert not AccessLogEntry.objects.filter(
        reader=planner, object_type="supply.stockitem"
    ).exists()
