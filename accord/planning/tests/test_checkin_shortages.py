"""A check-in's agenda lists the program's coming shortages from the stored plan of a
participant who may plan the program: the newest such plan (the freshest picture), each
shortage kept only if every participant may see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accord.planning.models import PlanRun
from accord.planning.services import refresh_plan
from accord.planning.tests.conftest import WEEK0, week
from accord.supply.services import confirm_order_line
from accord.threads.models import AgendaItem
from accord.threads.tests.checkin_world import open_ebx2_checkin


def _shortage_rows(checkin: Any) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(checkin=checkin, kind="shortage").order_by("position"))


@pytest.mark.parametrize("newer", ["oem_buyer", "ems_planner"])
def test_the_agenda_lists_the_newest_plans_coming_shortages(
    people: Any, programs: Any, earbuds: Any, newer: str
) -> None:
    """Both participants have a stored plan with the MCU short (the supplier pushed it to week
    8); whichever plan is newer is the one the agenda reads."""
    program = programs["EBX2"]
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    now = timezone.now()
    for name in ("oem_buyer", "ems_planner"):
        person = people[name]
        refresh_plan(actor=person, person=person, program=program)
        made = now if name == newer else now - dt.timedelta(days=3)
        PlanRun.objects.filter(person=person, program=program).update(computed_at=made)
    checkin = open_ebx2_checkin(people, participants=["oem_buyer", "ems_planner"])
    rows = _shortage_rows(checkin)
    labels = [r.label for r in rows]
    assert "Shortage of EB-MCU" in labels, labels
    mcu = rows[labels.index("Shortage of EB-MCU")]
    assert (mcu.ref_kind, mcu.ref_id) == ("shortage", earbuds["mcu"].pk)
    newest = PlanRun.objects.get(person=people[newer], program=program)
    planned = newest.parts.get(part=earbuds["mcu"])
    assert planned.first_shortage_week is not None
    first = WEEK0 + dt.timedelta(weeks=planned.first_shortage_week)
    assert mcu.detail == (
        f"Short from the week of {first}, by {planned.quantity_short:g} (plan of {now:%Y-%m-%d})"
    )
    assert mcu.restricted is True


def test_no_stored_plan_no_shortages(people: Any, programs: Any, earbuds: Any) -> None:
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    PlanRun.objects.filter(program=programs["EBX2"]).delete()
    checkin = open_ebx2_checkin(people, participants=["oem_buyer", "ems_planner"])
    assert _shortage_rows(checkin) == []
