"""Where action items meet the notification machinery: the escalation of overdue items is a
step of `accord sweep` (before the e-mails, so that its notifications are mailed once their
delay has passed), and a person's open action items are a section of their digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.orgs.zones import local_day
from accord.threads.access import action_items_visible_among
from accord.threads.digest import DigestItem, register_digest_source
from accord.threads.escalation import escalate_overdue
from accord.threads.models import ActionItem, ActionStatus
from accord.threads.sweep import register_step
from accord.threads.targets import action_item_url

# The most open action items one digest lists (the earliest due).
DIGEST_ACTION_ITEMS = 100

register_step("escalation", escalate_overdue, before="email_batches")


@register_digest_source("action_items")
def open_action_items(person: Any, now: dt.datetime) -> list[DigestItem]:
    """The person's open action items they may still see, earliest due first, marked overdue
    by their own calendar."""
    today = local_day(person, now)
    mine = ActionItem.objects.filter(owner_id=person.pk, status=ActionStatus.OPEN)
    items = (
        action_items_visible_among(person, mine.values("pk"))
        .order_by("due_date", "pk")
        .only("pk", "title", "due_date", "thread_id")[:DIGEST_ACTION_ITEMS]
    )
    return [
        DigestItem(
            "Overdue action items" if item.due_date < today else "Open action items",
            f"{item.title} (due {item.due_date.isoformat()})",
            action_item_url(item),
        )
        for item in items
    ]
