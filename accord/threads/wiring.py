"""Where action items meet the notification machinery: the escalation of overdue items is a
step of `accord sweep` (before the e-mails, so that its notifications are mailed once their
delay has passed), and a person's open action items are a section of their digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from accord.orgs.zones import local_day
from accord.threads.digest import DigestItem, register_digest_source_of_many
from accord.threads.escalation import escalate_overdue
from accord.threads.models import ActionItem, ActionStatus
from accord.threads.notify import resolve_targets_of_many
from accord.threads.sweep import register_step

# The most open action items one digest lists (the earliest due).
DIGEST_ACTION_ITEMS = 100

register_step("escalation", escalate_overdue, before="email_batches")


@register_digest_source_of_many("action_items")
def open_action_items(people: Sequence[Any], now: dt.datetime) -> dict[int, list[DigestItem]]:
    """Each person's open action items they may still see, earliest due first, marked overdue
    by their own calendar: one query for everyone's items, access resolved together."""
    mine: dict[int, list[tuple[int, str, dt.date]]] = {p.pk: [] for p in people}
    for pk, owner, title, due in (
        ActionItem.objects.filter(owner_id__in=sorted(mine), status=ActionStatus.OPEN)
        .order_by("owner_id", "due_date", "pk")
        .values_list("pk", "owner_id", "title", "due_date")
    ):
        mine[owner].append((pk, title, due))
    targets = resolve_targets_of_many(
        (p, [("action_item", pk) for pk, _, _ in mine[p.pk]]) for p in people
    )
    found: dict[int, list[DigestItem]] = {}
    for person in people:
        today = local_day(person, now)
        seen = targets[person.pk]
        visible = [row for row in mine[person.pk] if ("action_item", row[0]) in seen]
        found[person.pk] = [
            DigestItem(
                "Overdue action items" if due < today else "Open action items",
                f"{title} (due {due.isoformat()})",
                seen[("action_item", pk)].url,
            )
            for pk, title, due in visible[:DIGEST_ACTION_ITEMS]
        ]
    return found
