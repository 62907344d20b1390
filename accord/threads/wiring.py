"""Where action items meet the notification machinery: the escalation of overdue items is a
step of `accord sweep` (before the e-mails, so that its notifications are mailed once their
delay has passed), and a person's open action items are a section of their digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from accord.orgs.zones import local_day
from accord.threads.digest import Candidate, DigestItem, register_digest_source_of_many
from accord.threads.escalation import escalate_overdue
from accord.threads.models import ActionItem, ActionStatus
from accord.threads.notify import Target
from accord.threads.sweep import register_step

# The most open action items one digest lists (the earliest due).
DIGEST_ACTION_ITEMS = 100

register_step("escalation", escalate_overdue, before="email_batches")


def _open_item(title: str, due: dt.date, today: dt.date) -> Callable[[Target], DigestItem]:
    def make(target: Target) -> DigestItem:
        return DigestItem(
            "Overdue action items" if due < today else "Open action items",
            "" if target.restricted else f"{title} (due {due.isoformat()})",
            target.url,
            target.restricted,
        )

    return make


@register_digest_source_of_many("action_items", limit=DIGEST_ACTION_ITEMS)
def open_action_items(people: Sequence[Any], now: dt.datetime) -> dict[int, list[Candidate]]:
    """Each person's open action items, earliest due first, marked overdue by their own
    calendar (one query for everyone's items), to be listed if they may still see them."""
    today = {p.pk: local_day(p, now) for p in people}
    mine: dict[int, list[Candidate]] = {p.pk: [] for p in people}
    for pk, owner, title, due in (
        ActionItem.objects.filter(owner_id__in=sorted(mine), status=ActionStatus.OPEN)
        .order_by("owner_id", "due_date", "pk")
        .values_list("pk", "owner_id", "title", "due_date")
    ):
        mine[owner].append(Candidate("action_item", pk, _open_item(title, due, today[owner])))
    return mine
