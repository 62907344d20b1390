"""The demo's scorecards: two years of Halcyon's orders to its suppliers (order_history.py)
tell a story on Halcyon's cards. Arrowpoint slipped over the last eight months (its grade falls
into the band that warns); Sunridge was poor, Halcyon asked for a corrective-action plan, Mei
Lin of Sunridge answered with one a year ago, and Sunridge has improved since; Kestrel,
new on Pulse HRM, tops the list. Meridian rates its customers from the schedules and BOMs of
the demo. Each side's template is the default its administrator saved; the cards are computed
from the whole history once it exists, every past month stored closed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accord.core.access import today
from accord.demo.order_history import load_order_history
from accord.demo.personas import World
from accord.demo.services import date_comment
from accord.scorecards.choices import Direction
from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.services import (
    comment_on_month,
    compute_cards,
    rules_of,
    save_template,
    template_of,
)

# Months (of the 24 of the history, counted back from the current one) the comments are about.
PLAN_REQUESTED = 13  # Halcyon asks Sunridge for a corrective-action plan
PLAN_MONTH = 12  # Sunridge's plan: the month it turned
ARROWPOINT_WARNED = 1

# months ago, days after the month's first day it was written, author, rated, corrective
# action, text
COMMENTS = [
    (PLAN_REQUESTED, 34, "oem_buyer", "sunridge", False,
     "Another month of late drivers and bent terminals at incoming inspection in Penang, and "
     "expedite charges on top. Please send us a corrective-action plan by the 15th."),
    (PLAN_MONTH, 8, "supplier_rep", "sunridge", True,
     "Corrective-action plan (8D SA-2291). Root cause of the bent terminals: the reel former "
     "on winding line 2, replaced; until the new former is qualified every outgoing reel is "
     "inspected. Late deliveries: line 2 moves to two shifts, and confirmations go out within "
     "24 hours of an order. No more expedite charges: we ship at the quoted price. We expect "
     "on-time above 95 % and under 500 DPPM within three months."),
    (3, 35, "oem_buyer", "sunridge", False,
     "Three months in a row on time, under 500 DPPM: thank you. We close 8D SA-2291."),
    (ARROWPOINT_WARNED, 33, "oem_buyer", "arrowpoint", False,
     "Late again, the LDO came with an allocation surcharge we never agreed, and the "
     "capacitors fail solderability. Please confirm recovery dates for every open line."),
]  # fmt: skip


def start_scorecards(world: World) -> None:
    load_order_history(world)
    for username, organisation, direction in (
        ("oem_buyer", "halcyon", Direction.SUPPLIERS),
        ("ems_planner", "meridian", Direction.CUSTOMERS),
    ):
        defaults = template_of(world.orgs[organisation], direction)
        saved = save_template(actor=world.people[username], template=defaults, **rules_of(defaults))
        compute_cards(saved, whole_history=True)
    write_comments(world)


def month_ago(months: int) -> dt.date:
    """The first day of the month `months` before the current one."""
    month = today().replace(day=1)
    for _ in range(months):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def write_comments(world: World) -> None:
    """Halcyon's and its suppliers' words on the cards, dated when they were written: after
    the month they judge (a request), or during it (a plan)."""
    template = ScorecardTemplate.objects.get(
        organisation=world.orgs["halcyon"], direction=Direction.SUPPLIERS
    )
    for months, days, author, rated, corrective, text in COMMENTS:
        month = month_ago(months)
        person = world.people[author]
        comment = comment_on_month(
            actor=person,
            template=template,
            rated_id=world.orgs[rated].pk,
            month=month,
            text=text,
            corrective_action=corrective,
        )
        written = month + dt.timedelta(days=days)
        moment = dt.datetime.combine(written, dt.time(10, 30), tzinfo=dt.UTC)
        date_comment(actor=person, comment=comment, written_at=min(moment, timezone.now()))
