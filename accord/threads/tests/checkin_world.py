"""A world for the check-in tests and the access matrices.

- Pulse HRM (PHRM, Halcyon's) with Meridian: a thread about HAL-200-0005 (on PHRM's BOM) whose
  last shared post is Halcyon's buyer's (so it waits on Meridian), an action item on it owned
  by Meridian's planner that is overdue (given ten days ago, due five days ago), Halcyon's
  audit of Meridian's plant PEN1 with an open major finding, and an ISO 13485 requirement that
  PEN1 (ISO 9001 only) does not meet. Participants by default: Halcyon's buyer (the only
  Halcyon member of PHRM), Meridian's planner and quality engineer.
- Earbuds X2 (EBX2) with Meridian, for the matrices: the driver thread (threads/tests/sample.py
  matrix_world: Sunridge invited, an action item for the planner) and a check-in of the current
  week opened by the buyer; participants Halcyon's buyer and Meridian's planner (Halcyon's
  engineer sees it too, and may be added).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accord.core.access import today
from accord.threads.models import CheckIn, Thread

PHRM_THREAD_TITLE = "U1 reel count for the pilot build"


def phrm_world(people: Any, programs: Any, parts: Any) -> dict[str, Any]:
    from accord.partners.requirements import add_requirement
    from accord.partners.tests.audit_sample import finding, pulse_audit
    from accord.partners.tests.sample import certificate, penang
    from accord.threads.actions import create_action_item
    from accord.threads.thread_services import add_post, create_thread

    buyer, planner = people["oem_buyer"], people["ems_planner"]
    program = programs["PHRM"]
    plant = penang(planner)
    certificate(people["ems_quality"], plant, "ISO 9001")
    requirement = add_requirement(
        actor=buyer, program=program, kind="certificate", standard="ISO 13485"
    )
    major = finding(pulse_audit(people, programs), buyer)
    earlier = timezone.now() - dt.timedelta(days=10)
    thread = create_thread(
        actor=buyer,
        program=program,
        subject_kind_name="part",
        subject_id=parts["HAL-200-0005"].pk,
        title=PHRM_THREAD_TITLE,
        now=earlier,
    )
    add_post(actor=planner, thread=thread, body="We count 2,000 on the reel.", now=earlier)
    add_post(
        actor=buyer,
        thread=thread,
        body="Is that before or after the first article?",
        now=earlier + dt.timedelta(hours=1),
    )
    overdue = create_action_item(
        actor=buyer,
        thread=thread,
        title="Recount the U1 reel",
        owner=planner.username,
        due_date=today() - dt.timedelta(days=5),
        now=earlier,
    )
    return {
        "program": program,
        "thread": thread,
        "overdue": overdue,
        "finding": major,
        "requirement": requirement,
        "plant": plant,
    }


def open_ebx2_checkin(
    people: Any, week: str | None = None, participants: list[str] | None = None
) -> CheckIn:
    from accord.orgs.models import Organisation, Program
    from accord.threads.checkins import current_week, open_checkin

    program = Program.objects.select_related("owner").get(code="EBX2")
    partner = Organisation.objects.get(pk=people["ems_planner"].organisation_id)
    return open_checkin(
        actor=people["oem_buyer"],
        program=program,
        partner=partner,
        week=week or current_week(),
        participants=participants,
    )


def matrix_world(people: Any) -> dict[str, Any]:
    """The matrices' check-in (EBX2 with Meridian, this week) with a hand-added line, a decision
    and an action item for the planner; and the driver thread's world beside it."""
    from accord.threads.checkins import add_agenda_item, record_decision
    from accord.threads.tests.sample import matrix_world as threads_world

    threads = (
        threads_world(people)
        if not Thread.objects.filter(title="Driver lead time for EVT-2").exists()
        else {}
    )
    checkin = open_ebx2_checkin(people, participants=["oem_buyer", "ems_planner"])
    line = add_agenda_item(actor=people["oem_buyer"], checkin=checkin, text="EVT-2 dates")
    record_decision(actor=people["oem_buyer"], checkin=checkin, text="Keep the EVT-2 date.")
    from accord.threads.actions import create_action_item

    item = create_action_item(
        actor=people["oem_buyer"],
        checkin=checkin,
        title="Send the EVT-2 build plan",
        owner="ems_planner",
        due_date=today() + dt.timedelta(days=10),
    )
    return {
        "checkin": checkin,
        "line": line,
        "item": item,
        "program": checkin.program,
        "next_week": next_week(checkin.week),
        **threads,
    }


def next_week(week: str, weeks: int = 1) -> str:
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1) + dt.timedelta(weeks=weeks)
    y, w, _ = monday.isocalendar()
    return f"{y}-W{w:02d}"
