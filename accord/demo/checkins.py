"""The demo's weekly check-ins (issue 14, item 9), held through the check-in services as the
people would:

- Earbuds X2 with Meridian, last week: opened by Halcyon's buyer from the earbuds'
  microcontroller thread (it waits on Halcyon: Meridian's planner answered last) and its
  action item; a line added by hand, a decision and an action item for the planner; closed.
- Earbuds X2 with Meridian, this week: open, its agenda computed now, the planner's open
  action item and the unresolved line carried over from last week. The driver thread is not
  on it (its last post is Sunridge's, neither side's).
- Pulse HRM with Meridian, this week: open, from Halcyon's audit of the Penang plant (its
  three open findings) and the ISO 13485 requirement the plant does not meet (the gap).

With no SMTP server configured (the demo's default) closing queues no e-mail.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accord.core.access import today
from accord.core.memo import request_memo
from accord.demo.personas import World
from accord.threads.actions import create_action_item
from accord.threads.checkins import (
    add_agenda_item,
    close_checkin,
    current_week,
    open_checkin,
    record_decision,
)
from accord.threads.models import CheckIn

CARRIED_LINE = "Dates of the second EVT-2 build"
DECISION = "Hold the second EVT-2 build until the nRF5340 buffer at PEN1 is confirmed."
CARRIED_ACTION = "Send the revised EVT-2 build plan"


def hold_checkins(world: World) -> tuple[CheckIn, CheckIn, CheckIn]:
    people, orgs = world.people, world.orgs
    buyer, planner = people["oem_buyer"], people["ems_planner"]
    ebx2, phrm, meridian = world.programs["EBX2"], world.programs["PHRM"], orgs["meridian"]
    day = today()
    # One memo of access facts for the whole story, as within a request: the demo loads fast.
    with request_memo(), transaction.atomic():
        last = open_checkin(
            actor=buyer,
            program=ebx2,
            partner=meridian,
            week=current_week(day - dt.timedelta(days=7)),
        )
        add_agenda_item(actor=buyer, checkin=last, text=CARRIED_LINE)
        record_decision(actor=buyer, checkin=last, text=DECISION)
        create_action_item(
            actor=buyer,
            checkin=last,
            title=CARRIED_ACTION,
            owner=planner.username,
            due_date=day + dt.timedelta(days=4),
        )
        close_checkin(actor=buyer, checkin=last)
        this = open_checkin(actor=buyer, program=ebx2, partner=meridian, week=current_week(day))
        pulse = open_checkin(actor=buyer, program=phrm, partner=meridian, week=current_week(day))
    return last, this, pulse
