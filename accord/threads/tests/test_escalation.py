"""The escalation ladder, on a controllable clock, hand-computed.

An item of a Pulse HRM thread due Monday 30 November 2026, owned by Meridian's quality engineer
in Asia/Tokyo (UTC+9). The default ladder: the owner at +1 day, Meridian's contact (its
administrator, the planner) at +3, Pulse HRM's manager (Halcyon's buyer) at +7.

- 30 Nov 14:00Z = Tokyo 30 Nov 23:00: due today, nothing sent.
- 30 Nov 16:00Z = Tokyo 1 Dec 01:00: one day late: the owner's step, once (a second run at
  the same moment sends nothing).
- 8 Dec 00:00Z = Tokyo 8 Dec 09:00: eight days late, the sweep missed days 3 to 7: the +3 and
  +7 steps are both sent now, once each.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.errors import Forbidden
from accord.core.models import Event
from accord.threads.actions import create_action_item, update_action_item
from accord.threads.escalation import DEFAULT_LADDER, escalate_overdue, ladders_of, set_ladder
from accord.threads.models import ActionStatus, EscalationSent, Notification
from accord.threads.thread_services import create_thread


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def item(people, programs, parts):
    quality = people.ems_quality
    quality.time_zone = "Asia/Tokyo"
    quality.save(update_fields=["time_zone"])
    thread = create_thread(
        actor=people.oem_buyer,
        program=programs["PHRM"],
        subject_kind_name="part",
        subject_id=parts["HAL-200-0005"].pk,
        title="Heart-rate sensor NRND: last-time buy",
    )
    return create_action_item(
        actor=people.oem_buyer,
        thread=thread,
        title="Quote the last-time buy",
        owner="ems_quality",
        due_date=dt.date(2026, 11, 30),
        now=_at("2026-11-20T00:00"),
    )


def _escalations() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(event="escalation").values_list(
            "recipient__username", "target_kind"
        )
    )


def test_escalation_hand_computed_in_the_owners_zone(people, item):
    assert escalate_overdue(now=_at("2026-11-30T14:00")) == 0
    assert escalate_overdue(now=_at("2026-11-30T16:00")) == 1
    assert _escalations() == [("ems_quality", "action_item")]
    assert escalate_overdue(now=_at("2026-11-30T16:00")) == 0
    assert escalate_overdue(now=_at("2026-12-02T00:00")) == 0  # Tokyo 2 Dec: two days late
    assert escalate_overdue(now=_at("2026-12-08T00:00")) == 2
    assert escalate_overdue(now=_at("2026-12-08T00:00")) == 0
    assert _escalations() == [
        ("ems_planner", "action_item"),
        ("ems_quality", "action_item"),
        ("oem_buyer", "action_item"),
    ]
    sent = sorted(EscalationSent.objects.filter(item=item).values_list("days", "target"))
    assert sent == [(1, "owner"), (3, "organisation_contact"), (7, "program_manager")]
    events = Event.objects.filter(verb="escalated action item", object_id=str(item.pk))
    assert sorted(e.changes["step"] for e in events) == [
        "+1 owner",
        "+3 organisation_contact",
        "+7 program_manager",
    ]


def test_closed_items_do_not_escalate(people, item):
    update_action_item(actor=people.ems_quality, item=item, status=ActionStatus.DONE)
    assert escalate_overdue(now=_at("2026-12-08T00:00")) == 0
    assert not EscalationSent.objects.exists()


def test_a_program_ladder_replaces_the_default_and_only_managers_change_it(people, item):
    program = item.program
    assert ladders_of([program.pk])[program.pk] == DEFAULT_LADDER
    with pytest.raises(Forbidden):
        set_ladder(actor=people.ems_planner, program=program, steps=["2:owner"])
    set_ladder(actor=people.oem_buyer, program=program, steps=["2:owner", "4:program_manager"])
    assert escalate_overdue(now=_at("2026-12-01T16:00")) == 1  # Tokyo 2 Dec: +2 owner
    assert escalate_overdue(now=_at("2026-12-08T00:00")) == 1  # +4 the manager
    assert _escalations() == [("ems_quality", "action_item"), ("oem_buyer", "action_item")]
    set_ladder(actor=people.oem_buyer, program=program, steps=[])
    assert ladders_of([program.pk])[program.pk] == DEFAULT_LADDER


def test_a_step_added_below_those_sent_is_sent_once_and_sent_steps_never_again(people, item):
    assert escalate_overdue(now=_at("2026-12-08T00:00")) == 3  # +1, +3, +7 at once
    set_ladder(
        actor=people.oem_buyer,
        program=item.program,
        steps=["1:owner", "2:organisation_contact", "3:organisation_contact", "7:program_manager"],
    )
    assert escalate_overdue(now=_at("2026-12-08T00:00")) == 1  # only +2, new
    assert escalate_overdue(now=_at("2026-12-09T00:00")) == 0
    sent = sorted(EscalationSent.objects.filter(item=item).values_list("days", "target"))
    assert sent == [
        (1, "owner"),
        (2, "organisation_contact"),
        (3, "organisation_contact"),
        (7, "program_manager"),
    ]
