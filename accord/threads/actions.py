"""Every write to action items: add one (its owner told), change it, mark it done or cancel it.

The owner must see the item's source (a thread, or a check-in they take part in); the due
date must not be past in the owner's own time zone. Overdue is decided there too
(`is_overdue`): the owner's today after the due date, the item still open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import text_input
from accord.orgs.models import Person
from accord.orgs.zones import local_day, zone_of
from accord.threads.eligibility import checked_people
from accord.threads.models import MAX_TITLE, ActionItem, ActionStatus, CheckIn, Thread
from accord.threads.notify import notify


def is_overdue(item: ActionItem, now: dt.datetime | None = None) -> bool:
    """Open, and the owner's today (in the owner's zone) is after the due date."""
    if item.status != ActionStatus.OPEN:
        return False
    return local_day(item.owner, now or timezone.now()) > item.due_date


def _due(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput("due_date: a date (YYYY-MM-DD).", detail={"field": "due_date"}) from None


def _check_due(owner: Person, due: dt.date, now: dt.datetime) -> None:
    today = local_day(owner, now)
    if due < today:
        raise InvalidInput(
            f"due_date: {due.isoformat()} is in the past for the owner @{owner.username} "
            f"(today is {today.isoformat()} in {zone_of(owner).key}).",
            detail={"field": "due_date"},
        )


def _owner(thread: Thread, owner: Any) -> Person:
    name = owner.username if isinstance(owner, Person) else str(owner or "")
    if not name.strip():
        raise InvalidInput("owner: name the owner.", detail={"field": "owner"})
    return checked_people(thread, [name], field="owner")[0]


def _event(actor: Person, verb: str, item: ActionItem, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=item,
        program=item.program,
        changes=changes,
        classification=Classification.INTERNAL,
    )


def _refresh_creators_cards(item: ActionItem) -> None:
    """The creator's organisation's scorecards count the item when it asked another."""
    creator = item.created_by.organisation_id if item.created_by else None
    if creator and creator != item.owner.organisation_id:
        from accord.scorecards.services import refresh_cards_after

        refresh_cards_after([creator])


def create_action_item(
    *,
    actor: Person,
    thread: Thread | None = None,
    checkin: CheckIn | None = None,
    title: Any,
    owner: Any,
    due_date: Any,
    now: dt.datetime | None = None,
) -> ActionItem:
    """An item from a thread the actor sees, owned by someone who sees it too; or from a
    check-in (source_kind "checkin"), owned by one of its participants who may see it. The
    caller reached the source through access; a closed check-in takes no more (409)."""
    if (thread is None) == (checkin is None):
        raise InvalidInput("An action item comes from one thread or one check-in.")
    text = text_input(title, "title", max_length=MAX_TITLE, required=True)
    if checkin is not None:
        from accord.threads.checkins import checked_checkin_owner, ensure_open

        ensure_open(checkin)
        person = checked_checkin_owner(checkin, owner)
        program_id, kind, source_id = checkin.program_id, "checkin", checkin.pk
        group = f"checkin:{checkin.pk}"
    else:
        assert thread is not None
        person = _owner(thread, owner)
        program_id, kind, source_id = thread.program_id, "thread", thread.pk
        group = f"thread:{thread.pk}"
    due = _due(due_date)
    moment = now or timezone.now()
    _check_due(person, due, moment)
    with transaction.atomic():
        if checkin is not None:
            from accord.threads.checkins import lock_open

            lock_open(checkin)
        item = ActionItem.objects.create(
            program_id=program_id,
            source_kind=kind,
            source_id=source_id,
            thread=thread,
            title=text,
            owner=person,
            due_date=due,
            created_by=actor,
            created_at=moment,
        )
        notify(
            actor=actor,
            recipients=[person],
            event="assigned",
            kind="action_item",
            pk=item.pk,
            group_key=group,
            now=moment,
        )
        _event(
            actor,
            "added action item",
            item,
            {"owner": person.username, "due_date": due.isoformat(), kind: source_id},
        )
    return item


def update_action_item(
    *, actor: Person, item: ActionItem, now: dt.datetime | None = None, **changes: Any
) -> ActionItem:
    """Its owner or its creator: the status (done, cancelled, open again), the title, the due
    date, the owner (who must see it, and is told)."""
    if actor.pk not in (item.owner_id, item.created_by_id):
        raise Forbidden("Only the item's owner or its creator changes it.")
    unknown = set(changes) - {"status", "title", "due_date", "owner"}
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    moment = now or timezone.now()
    cleaned: dict[str, Any] = {}
    if "status" in changes:
        status = str(changes["status"] or "").strip()
        if status not in ActionStatus.values:
            raise InvalidInput(
                f"status: one of {', '.join(ActionStatus.values)} (got {status!r}).",
                detail={"field": "status"},
            )
        cleaned["status"] = status
    if "title" in changes:
        cleaned["title"] = text_input(
            changes["title"], "title", max_length=MAX_TITLE, required=True
        )
    owner = item.owner
    if "owner" in changes:
        if item.thread is None:
            raise InvalidInput("owner: this item's source takes no new owner here.")
        owner = _owner(item.thread, changes["owner"])
        cleaned["owner"] = owner
    if "due_date" in changes:
        cleaned["due_date"] = _due(changes["due_date"])
    if "due_date" in cleaned or "owner" in cleaned:
        _check_due(owner, cleaned.get("due_date", item.due_date), moment)
    diff = {
        name: [str(getattr(item, name)), str(value)]
        for name, value in cleaned.items()
        if getattr(item, name) != value
    }
    if not diff:
        return item
    with transaction.atomic():
        ActionItem.objects.select_for_update().filter(pk=item.pk).first()
        for name, value in cleaned.items():
            setattr(item, name, value)
        fields = list(cleaned)
        if "status" in cleaned:
            closed = cleaned["status"] != ActionStatus.OPEN
            item.closed_at = moment if closed else None
            item.closed_by = actor if closed else None
            fields += ["closed_at", "closed_by"]
        item.save(update_fields=fields)
        if "owner" in diff:
            notify(
                actor=actor,
                recipients=[owner],
                event="assigned",
                kind="action_item",
                pk=item.pk,
                group_key=f"thread:{item.thread_id}",
                now=moment,
            )
        if "status" in cleaned:  # closing answers (or withdraws) the creator's question
            _refresh_creators_cards(item)
        verb = {
            ActionStatus.DONE: "completed action item",
            ActionStatus.CANCELLED: "cancelled action item",
        }.get(cleaned.get("status", ""), "changed action item")
        _event(actor, verb, item, diff)
    return item
