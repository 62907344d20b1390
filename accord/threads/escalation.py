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
from typing import Any

from django.db import transaction

from accord.core.choices import Classification
from accord.core.errors import Forbidden, InvalidInput
from accord.core.events import record_event
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
from accord.threads.notify import notify

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
    """Send every step due for every open overdue item, each once; the number sent."""
    utc_day = now.astimezone(dt.UTC).date()
    # Overdue needs the owner's today after the due date, and no zone is a day ahead of
    # UTC's date: nothing due after today's UTC date can be overdue anywhere.
    open_items = ActionItem.objects.filter(status=ActionStatus.OPEN, due_date__lte=utc_day)
    candidates = list(
        open_items.select_related("owner", "owner__organisation", "program").order_by("pk")
    )
    if not candidates:
        return 0
    sent = set(
        EscalationSent.objects.filter(item__in=open_items).values_list("item_id", "days", "target")
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
    count = 0
    with transaction.atomic():
        for item, days, target, late in due:
            _, created = EscalationSent.objects.get_or_create(
                item=item, days=days, target=target, defaults={"sent_at": now}
            )
            if not created:
                continue
            count += 1
            if target == EscalationTarget.OWNER:
                recipients: list[Person] = [item.owner]
            elif target == EscalationTarget.ORGANISATION_CONTACT:
                recipients = contacts.get(_org(item.owner), [])
            else:
                recipients = managers.get(item.program_id, [])
            record_event(
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
            notify(
                actor=None,
                recipients=recipients,
                event="escalation",
                kind="action_item",
                pk=item.pk,
                group_key=f"thread:{item.thread_id}" if item.thread_id else "",
                now=now,
            )
    return count


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
