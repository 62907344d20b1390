"""Every write to check-ins: open one (its agenda computed and stored, open items of the last
closed one carried over), add and remove participants, add agenda items by hand, notes, resolve
hand-added items, record decisions and action items, close it (frozen; the minutes mailed).

Each runs in one transaction with its event. Events are internal to the acting organisation
(classification INTERNAL), as the threads' are: a program's event log must not tell members
of a third organisation what two partners discussed. Once closed, every write answers 409.
The minutes are mailed by `accord sweep` (EmailDelivery of kind "minutes", sent by the task
worker, text made at sending after access is checked again), never in the request.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.access import today
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.memo import forget_memoised, request_memo
from accord.core.text import normalise_username, text_input
from accord.orgs.models import Organisation, Person, Program
from accord.threads.checkin_access import eligible_people, may_see_checkin
from accord.threads.checkin_agenda import Candidate, shared_agenda, visible_refs
from accord.threads.models import (
    MAX_DECISION,
    MAX_ITEM_TEXT,
    MAX_NOTE,
    AgendaItem,
    AgendaKind,
    CheckIn,
    CheckInParticipant,
    CheckInStatus,
    Decision,
    DeliveryKind,
    EmailDelivery,
)

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
CLOSED_MESSAGE = "This check-in ({week}) is closed: nothing changes after closing."


def parse_week(value: Any) -> str:
    """An ISO week written "2026-W48" (a lower-case w is accepted), checked to exist."""
    text = str(value or "").strip().upper()
    match = WEEK.match(text)
    if match:
        try:
            dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            match = None
    if not match:
        shown = str(value or "")[:20]
        raise InvalidInput(
            f"week: an ISO week such as 2026-W48 (got {shown!r}).", detail={"field": "week"}
        )
    return text


def current_week(day: dt.date | None = None) -> str:
    year, week, _ = (day or today()).isocalendar()
    return f"{year}-W{week:02d}"


def ensure_open(checkin: CheckIn) -> None:
    if checkin.status == CheckInStatus.CLOSED:
        raise Conflict(CLOSED_MESSAGE.format(week=checkin.week), detail={"checkin": checkin.pk})


def lock_open(checkin: CheckIn) -> None:
    """Inside the write's transaction: the row locked, and still open (a concurrent close
    wins; the write then answers 409)."""
    status = (
        CheckIn.objects.select_for_update()
        .filter(pk=checkin.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status == CheckInStatus.CLOSED:
        checkin.status = CheckInStatus.CLOSED
    ensure_open(checkin)


def _event(actor: Person, verb: str, checkin: CheckIn, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=checkin,
        program=checkin.program,
        changes={"week": checkin.week, "partner": checkin.partner.name, **changes},
        classification=Classification.INTERNAL,
    )


def _eligible(program: Program, partner_id: int) -> dict[str, Person]:
    return {p.username: p for p in eligible_people(program, partner_id)}


def _check_actor(actor: Person, program: Program, partner_id: int) -> None:
    if actor.organisation_id not in (program.owner_id, partner_id):
        raise Forbidden("A partner's people hold check-ins with their own organisation only.")
    if actor.username not in _eligible(program, partner_id):
        raise Forbidden("Only the program's members of the two organisations hold a check-in.")


def _people(program: Program, partner: Organisation, usernames: Iterable[str]) -> list[Person]:
    eligible = _eligible(program, partner.pk)
    names: list[str] = []
    for raw in usernames:
        name = normalise_username(str(raw)).lstrip("@")
        if name and name not in names:
            names.append(name)
    refused = [f"@{n}" for n in names if n not in eligible]
    if refused:
        raise InvalidInput(
            f"participants: {', '.join(refused)} may not take part: participants are the "
            f"program's members of {program.owner.name} and {partner.name}.",
            detail={"field": "participants", "refused": refused},
        )
    return [eligible[n] for n in names]


def last_closed(program: Program, partner_id: int, week: str) -> CheckIn | None:
    return (
        CheckIn.objects.filter(
            program_id=program.pk,
            partner_id=partner_id,
            week__lt=week,
            status=CheckInStatus.CLOSED,
        )
        .order_by("-week")
        .first()
    )


def _carried_lines(previous: CheckIn | None) -> list[Candidate]:
    """The hand-added lines of the last closed check-in nobody marked resolved."""
    if previous is None:
        return []
    rows = AgendaItem.objects.filter(
        checkin_id=previous.pk, kind=AgendaKind.MANUAL, resolved=False
    ).order_by("position", "pk")
    return [
        Candidate(
            AgendaKind.MANUAL,
            "",
            None,
            row.label,
            f"Carried over from {previous.week}",
            carried_from_week=previous.week,
        )
        for row in rows
    ]


def _agenda_rows(checkin: CheckIn, items: list[Candidate], actor: Person | None) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            checkin=checkin,
            kind=c.kind,
            ref_kind=c.ref_kind,
            ref_id=c.ref_id,
            label=c.label[:MAX_ITEM_TEXT],
            detail=c.detail[:MAX_ITEM_TEXT],
            waits_on_id=c.waits_on_id,
            restricted=c.restricted,
            position=n,
            carried_from_week=c.carried_from_week,
            added_by=actor if c.kind == AgendaKind.MANUAL else None,
            created_at=checkin.opened_at,
        )
        for n, c in enumerate(items, start=1)
    )


def open_checkin(
    *,
    actor: Person,
    program: Program,
    partner: Organisation,
    week: Any,
    participants: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Open the week's check-in of a program (the caller reached it through access) with one
    partner: its participants (default: every program member of the two organisations), its
    agenda computed now and stored, the open items of the last closed one carried over."""
    iso_week = parse_week(week)
    if partner.pk == program.owner_id:
        raise InvalidInput(
            "partner: a check-in is with a partner, not the program's owner.",
            detail={"field": "partner"},
        )
    _check_actor(actor, program, partner.pk)
    people = (
        list(eligible_people(program, partner.pk))
        if participants is None
        else _people(program, partner, participants)
    )
    if not people:
        raise InvalidInput(
            "participants: name at least one participant.", detail={"field": "participants"}
        )
    existing = CheckIn.objects.filter(program=program, partner=partner, week=iso_week).first()
    if existing is not None:
        raise Conflict(
            f"The {iso_week} check-in of {program.name} with {partner.name} is open already.",
            detail={"checkin_id": existing.pk},
        )
    moment = now or timezone.now()
    previous = last_closed(program, partner.pk, iso_week)
    # The opener reads the candidates first (they see what they open), and is counted among
    # those who must see each item even when not taking part.
    viewers = [actor, *[p for p in people if p.pk != actor.pk]]
    with transaction.atomic():
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    program=program,
                    partner=partner,
                    week=iso_week,
                    opened_by=actor,
                    opened_at=moment,
                    carried_from=previous,
                )
        except IntegrityError:
            raise Conflict(
                f"The {iso_week} check-in of {program.name} with {partner.name} is open already."
            ) from None
        checkin.program, checkin.partner = program, partner
        CheckInParticipant.objects.bulk_create(
            CheckInParticipant(checkin=checkin, person=p, added_at=moment) for p in people
        )
        forget_memoised()
        # Each person's reach is worked out once for the whole computation (as within a
        # request), also from a command or the demo loader.
        with request_memo():
            computed = shared_agenda(
                checkin, viewers, previous=previous, now=moment, day=timezone.localdate(moment)
            )
        _agenda_rows(checkin, [*computed, *_carried_lines(previous)], actor)
        _event(
            actor,
            "opened check-in",
            checkin,
            {
                "participants": [p.username for p in people],
                "agenda_items": len(computed),
                "carried_from": previous.week if previous else "",
            },
        )
    return checkin


def add_participant(*, actor: Person, checkin: CheckIn, username: Any) -> Person:
    """Add one of the program's members of the two organisations. Items of the shared agenda
    the newcomer may not see leave it (it holds only what every participant may see)."""
    ensure_open(checkin)
    if not str(username or "").strip():
        raise InvalidInput("participant: name a person.", detail={"field": "participant"})
    person = _people(checkin.program, checkin.partner, [str(username)])[0]
    if CheckInParticipant.objects.filter(checkin=checkin, person=person).exists():
        raise Conflict(f"@{person.username} takes part already.")
    computed = list(AgendaItem.objects.filter(checkin=checkin, ref_id__isnull=False))
    refs: dict[str, set[int]] = {}
    for item in computed:
        refs.setdefault(item.ref_kind, set()).add(int(item.ref_id or 0))
    with request_memo():
        seen = visible_refs(person, checkin.program, checkin.partner_id, refs)
    hidden = [i.pk for i in computed if int(i.ref_id or 0) not in seen.get(i.ref_kind, set())]
    with transaction.atomic():
        lock_open(checkin)
        CheckInParticipant.objects.create(checkin=checkin, person=person)
        AgendaItem.objects.filter(pk__in=hidden).delete()
        _event(
            actor,
            "added check-in participant",
            checkin,
            {"participant": person.username, "agenda_items_left_out": len(hidden)},
        )
    return person


def remove_participant(*, actor: Person, checkin: CheckIn, person_id: Any) -> None:
    """Remove a participant; at least one stays."""
    ensure_open(checkin)
    rows = CheckInParticipant.objects.filter(checkin=checkin)
    try:
        row = rows.select_related("person").filter(person_id=int(person_id)).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise InvalidInput(
            "participant: this person does not take part.", detail={"field": "participant"}
        )
    if rows.count() == 1:
        raise InvalidInput(
            "participant: a check-in keeps at least one participant.",
            detail={"field": "participant"},
        )
    with transaction.atomic():
        lock_open(checkin)
        row.delete()
        _event(actor, "removed check-in participant", checkin, {"participant": row.person.username})


def checked_checkin_owner(checkin: CheckIn, owner: Any) -> Person:
    """The owner of a check-in's action item: one of its participants who may see it."""
    name = owner.username if isinstance(owner, Person) else str(owner or "")
    name = normalise_username(name).lstrip("@")
    if not name:
        raise InvalidInput("owner: name the owner.", detail={"field": "owner"})
    person = (
        Person.objects.filter(
            username=name,
            pk__in=CheckInParticipant.objects.filter(checkin=checkin).values("person_id"),
        )
        .select_related("organisation")
        .first()
    )
    if person is None or not person.is_active:
        raise InvalidInput(
            f"owner: @{name} does not take part in this check-in.",
            detail={"field": "owner", "refused": [f"@{name}"]},
        )
    if not may_see_checkin(person, checkin):
        raise InvalidInput(
            f"owner: @{name} may not see this check-in.",
            detail={"field": "owner", "refused": [f"@{name}"]},
        )
    return person


def add_agenda_item(*, actor: Person, checkin: CheckIn, text: Any) -> AgendaItem:
    """A line added by hand; it reappears next week until resolved."""
    ensure_open(checkin)
    label = text_input(text, "text", max_length=MAX_ITEM_TEXT, required=True)
    with transaction.atomic():
        lock_open(checkin)
        last = AgendaItem.objects.filter(checkin=checkin).order_by("-position").first()
        item = AgendaItem.objects.create(
            checkin=checkin,
            kind=AgendaKind.MANUAL,
            label=label,
            position=(last.position if last else 0) + 1,
            added_by=actor,
        )
        _event(actor, "added check-in agenda item", checkin, {"item": item.pk, "text": label})
    return item


def update_agenda_item(
    *, actor: Person, item: AgendaItem, note: Any = None, resolved: bool | None = None
) -> AgendaItem:
    """The note on an agenda item, and whether a hand-added line is resolved."""
    checkin = item.checkin
    ensure_open(checkin)
    changes: dict[str, Any] = {}
    if note is not None:
        text = text_input(note, "note", max_length=MAX_NOTE, multiline=True)
        if text != item.note:
            changes["note"] = text
    if resolved is not None and bool(resolved) != item.resolved:
        if item.kind != AgendaKind.MANUAL:
            raise InvalidInput(
                "resolved: only lines added by hand are marked resolved.",
                detail={"field": "resolved"},
            )
        changes["resolved"] = bool(resolved)
    if not changes:
        return item
    with transaction.atomic():
        lock_open(checkin)
        for name, value in changes.items():
            setattr(item, name, value)
        item.save(update_fields=list(changes))
        _event(actor, "changed check-in agenda item", checkin, {"item": item.pk, **changes})
    return item


def record_decision(*, actor: Person, checkin: CheckIn, text: Any) -> Decision:
    ensure_open(checkin)
    body = text_input(text, "text", max_length=MAX_DECISION, multiline=True, required=True)
    with transaction.atomic():
        lock_open(checkin)
        decision = Decision.objects.create(checkin=checkin, text=body, recorded_by=actor)
        _event(actor, "recorded decision", checkin, {"decision": decision.pk, "text": body})
    return decision


def close_checkin(*, actor: Person, checkin: CheckIn, now: dt.datetime | None = None) -> CheckIn:
    """Freeze the check-in and queue its minutes to each participant (sent by `accord
    sweep`'s e-mail step through the task worker, never here)."""
    ensure_open(checkin)
    moment = now or timezone.now()
    with transaction.atomic():
        lock_open(checkin)
        checkin.status = CheckInStatus.CLOSED
        checkin.closed_at = moment
        checkin.closed_by = actor
        checkin.save(update_fields=["status", "closed_at", "closed_by"])
        queued = 0
        if settings.ACCORD_EMAIL_ENABLED:
            people = (
                Person.objects.filter(
                    pk__in=CheckInParticipant.objects.filter(checkin=checkin).values("person_id"),
                    is_active=True,
                )
                .exclude(email="")
                .order_by("pk")
            )
            deliveries = EmailDelivery.objects.bulk_create(
                EmailDelivery(
                    recipient=p,
                    kind=DeliveryKind.MINUTES,
                    group_key=f"checkin:{checkin.pk}",
                    created_at=moment,
                    next_attempt_at=moment,
                )
                for p in people
            )
            queued = len(deliveries)
        _event(actor, "closed check-in", checkin, {"minutes_queued": queued})
    return checkin
