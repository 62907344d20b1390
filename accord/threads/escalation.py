"""The escalation ladder of a program, and the sweep that climbs it.

An open action item whose owner's today (in the owner's time zone) is `d` days after its due
date has reached every step of `days <= d`; each step is sent once (EscalationSent, unique per
item and step), so a sweep run twice sends nothing new and a sweep that missed days sends every
step passed since, once. Sending a step records an event and notifies the step's people
(event "escalation"); notify() skips anyone who may no longer see the item.

The default ladder, for a program that configured none: the owner at +1 day, the owner's
organisation contact (its administrators) at +3, the program's managers at +7.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from accord.core.choices import Classification
from accord.core.errors import Forbidden, InvalidInput
from accord.core.events import event_of, record_event, record_events
from accord.orgs.access import can_manage_program
from accord.orgs.choices import MemberRole
from accord.orgs.models import Person, Program, ProgramMember
from accord.orgs.zones import local_day
from accord.threads.models import (
    ActionItem,
    ActionStatus,
    EscalationSent,
    EscalationStep,
    EscalationTarget,
)
from accord.threads.notify import Notice, notify_many

Step = tuple[int, str]
DEFAULT_LADDER: tuple[Step, ...] = (
    (1, EscalationTarget.OWNER.value),
    (3, EscalationTarget.ORGANISATION_CONTACT.value),
    (7, EscalationTarget.PROGRAM_MANAGER.value),
)
MAX_STEPS = 10


def ladders_of(program_ids: Iterable[int]) -> dict[int, tuple[Step, ...]]:
    """Each program's ladder (the default where it set none), in one query."""
    ids = set(program_ids)
    configured: dict[int, list[Step]] = defaultdict(list)
    for program_id, days, target in EscalationStep.objects.filter(
        program_id__in=sorted(ids)
    ).values_list("program_id", "days", "target"):
        configured[program_id].append((days, target))
    return {pk: tuple(sorted(configured[pk])) if pk in configured else DEFAULT_LADDER for pk in ids}


def parse_steps(values: Iterable[Any]) -> list[Step]:
    """Steps as (days, target) pairs or "days:target" text ("3:organisation_contact")."""
    steps: list[Step] = []
    for value in values:
        if isinstance(value, str):
            days_text, _, target = value.partition(":")
        else:
            days_text, target = value
        try:
            days = int(str(days_text).strip().lstrip("+"))
        except ValueError:
            raise InvalidInput(
                f"steps: {value!r} is not DAYS:TARGET.", detail={"field": "steps"}
            ) from None
        target = str(target).strip()
        if target not in EscalationTarget.values:
            raise InvalidInput(
                f"steps: the target is one of {', '.join(EscalationTarget.values)} "
                f"(got {target!r}).",
                detail={"field": "steps"},
            )
        if not 1 <= days <= 365:
            raise InvalidInput(
                f"steps: a step comes 1 to 365 days after the due date (got {days}).",
                detail={"field": "steps"},
            )
        if (days, target) in steps:
            raise InvalidInput(f"steps: +{days} {target} twice.", detail={"field": "steps"})
        steps.append((days, target))
    if len(steps) > MAX_STEPS:
        raise InvalidInput(f"steps: at most {MAX_STEPS}.", detail={"field": "steps"})
    return sorted(steps)


def set_ladder(*, actor: Person, program: Program, steps: Iterable[Any]) -> tuple[Step, ...]:
    """The program's managers replace its ladder; no steps: back to the default."""
    if not can_manage_program(actor, program):
        raise Forbidden("Only the program's managers change its escalation ladder.")
    parsed = parse_steps(steps)
    with transaction.atomic():
        before = ladders_of([program.pk])[program.pk]
        EscalationStep.objects.filter(program=program).delete()
        EscalationStep.objects.bulk_create(
            [EscalationStep(program=program, days=d, target=t) for d, t in parsed]
        )
        after = tuple(parsed) or DEFAULT_LADDER
        record_event(
            actor=actor,
            verb="changed escalation ladder",
            obj=program,
            program=program,
            changes={"steps": [_label(before), _label(after)]},
        )
    return after


def _label(steps: Iterable[Step]) -> str:
    return ", ".join(f"+{d} {t}" for d, t in steps)


def escalate_overdue(*, now: dt.datetime) -> int:
    """Send every step due for every open overdue item, each once; the number sent.

    Only the items with a step due and not sent yet are read (the condition is in SQL, per
    calendar day that the owners' zones are on and per ladder), not every open overdue item on
    each run of a sweep that runs every few minutes. The steps are written, logged and notified
    together: each recipient's access is checked once for all the items they hear of."""
    utc_day = now.astimezone(dt.UTC).date()
    # Overdue needs the owner's today after the due date, and no zone is a day ahead of
    # UTC's date: nothing due after today's UTC date can be overdue anywhere.
    open_items = ActionItem.objects.filter(status=ActionStatus.OPEN, due_date__lte=utc_day)
    pending = _pending_steps(now)
    candidates = list(
        open_items.filter(pending)
        .select_related("owner", "owner__organisation", "program")
        .order_by("pk")
    )
    if not candidates:
        return 0
    sent = set(
        EscalationSent.objects.filter(item_id__in=[item.pk for item in candidates]).values_list(
            "item_id", "days", "target"
        )
    )
    ladders = ladders_of(item.program_id for item in candidates)
    due: list[tuple[ActionItem, int, str, int]] = []
    for item in candidates:
        late = (local_day(item.owner, now) - item.due_date).days
        if late < 1:
            continue
        for days, target in ladders[item.program_id]:
            if days <= late and (item.pk, days, target) not in sent:
                due.append((item, days, target, late))
    if not due:
        return 0
    contacts = _organisation_contacts({_org(item.owner) for item, *_ in due})
    managers = _program_managers({item.program_id for item, *_ in due})
    with transaction.atomic():
        written = _write_steps(due, now)
        events = []
        notices = []
        for item, days, target, late in written:
            if target == EscalationTarget.OWNER:
                recipients: list[Person] = [item.owner]
            elif target == EscalationTarget.ORGANISATION_CONTACT:
                recipients = contacts.get(_org(item.owner), [])
            else:
                recipients = managers.get(item.program_id, [])
            events.append(
                event_of(
                    actor=None,
                    verb="escalated action item",
                    obj=item,
                    program=item.program,
                    organisation=item.owner.organisation,
                    classification=Classification.INTERNAL,
                    changes={
                        "step": f"+{days} {target}",
                        "days overdue": late,
                        "to": sorted(p.username for p in recipients),
                    },
                )
            )
            notices.append(
                Notice(
                    pk=item.pk,
                    recipients=recipients,
                    group_key=f"thread:{item.thread_id}" if item.thread_id else "",
                )
            )
        record_events(events)
        notify_many(actor=None, event="escalation", kind="action_item", notices=notices, now=now)
    return len(written)


def _write_steps(
    due: list[tuple[ActionItem, int, str, int]], now: dt.datetime
) -> list[tuple[ActionItem, int, str, int]]:
    """Record the steps as sent, all at once; those another sweep sent meanwhile are left out
    (each step is sent once)."""
    try:
        with transaction.atomic():
            EscalationSent.objects.bulk_create(
                [
                    EscalationSent(item=item, days=days, target=target, sent_at=now)
                    for item, days, target, _ in due
                ],
                batch_size=1000,
            )
        return due
    except IntegrityError:  # a concurrent sweep got some first: one by one, as it did
        return [
            step
            for step in due
            if EscalationSent.objects.get_or_create(
                item=step[0], days=step[1], target=step[2], defaults={"sent_at": now}
            )[1]
        ]


def _pending_steps(now: dt.datetime) -> Q:
    """The condition on ActionItem for "a step of its ladder is due and not sent yet": per
    ladder, per step, per calendar day the owners' zones are on at `now` (at most three; the
    owners are grouped by zone, never read one by one)."""
    zones: dict[dt.date, list[str]] = defaultdict(list)
    names = Person.objects.order_by().values_list("time_zone", flat=True).distinct()
    for name in names:
        zones[local_day(_Zone(name), now)].append(name)
    configured: dict[int, list[Step]] = defaultdict(list)
    for program_id, days, target in EscalationStep.objects.values_list(
        "program_id", "days", "target"
    ):
        configured[program_id].append((days, target))
    programs_of: dict[tuple[Step, ...], list[int]] = defaultdict(list)
    for program_id, steps in configured.items():
        programs_of[tuple(sorted(steps))].append(program_id)
    ladders: list[tuple[tuple[Step, ...], Q]] = [
        (ladder, Q(program_id__in=sorted(ids))) for ladder, ids in programs_of.items()
    ]
    ladders.append((DEFAULT_LADDER, ~Q(program_id__in=sorted(configured))))
    condition = Q(pk__in=[])
    for ladder, programs in ladders:
        for days, target in ladder:
            late_enough = Q(pk__in=[])
            for day, zone_names in zones.items():
                late_enough |= Q(
                    owner__time_zone__in=zone_names, due_date__lte=day - dt.timedelta(days=days)
                )
            sent = Exists(
                EscalationSent.objects.filter(item_id=OuterRef("pk"), days=days, target=target)
            )
            condition |= programs & late_enough & ~Q(sent)
    return condition


@dataclass(frozen=True)
class _Zone:
    time_zone: str


def _org(person: Person) -> int:
    return int(person.organisation_id or 0)


def _organisation_contacts(organisation_ids: set[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(
        organisation_id__in=sorted(organisation_ids), is_org_admin=True, is_active=True
    ).order_by("pk"):
        found[_org(person)].append(person)
    return found


def _program_managers(program_ids: set[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = defaultdict(list)
    for member in (
        ProgramMember.objects.filter(program_id__in=sorted(program_ids), role=MemberRole.MANAGER)
        .select_related("person")
        .order_by("pk")
    ):
        found[member.program_id].append(member.person)
    return found
