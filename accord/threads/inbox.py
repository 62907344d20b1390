"""What the inbox shows: a window of the person's notifications, unread first and then the
newest, each with its target as the person may see it now. Rows whose target the person no
longer sees (a lapsed NDA, a membership removed) are left out, not deleted: they come back if
access does. A window costs the same few queries for 5 rows as for 50: one for the rows, one
resolver call per kind among them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Value, When

from accord.threads.models import Notification
from accord.threads.notification_access import inbox_of
from accord.threads.notify import Target, resolve_targets

EVENT_LABELS = {
    "mention": "mentioned you",
    "post": "posted",
    "assigned": "assigned you an action item",
    "escalation": "an action item is overdue",
    "certificate_expiring": "a certificate expires soon",
    "certificate_expired": "a certificate has expired",
    "checkin_minutes": "the minutes of a check-in",
}


def event_label(event: str) -> str:
    return EVENT_LABELS.get(event, event.replace("_", " "))


@dataclass(frozen=True)
class InboxRow:
    notification: Notification
    target: Target

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def label(self) -> str:
        return event_label(self.notification.event)


def unread_count(user: Any) -> int:
    """The number in every page's header: one query, one filter (a partial index answers it).
    It counts what is unread even where access has since lapsed: a number, never a title."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        recipient_id=user.pk, in_inbox=True, read_at__isnull=True
    ).count()


def inbox_rows(
    user: Any, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> list[InboxRow]:
    """A window of the inbox, unread first then newest, as the person may see it now."""
    rows = inbox_of(user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    window = list(
        rows.select_related("actor")
        .annotate(
            unread=Case(
                When(read_at__isnull=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-unread", "-created_at", "-id")[offset : offset + limit]
    )
    targets = resolve_targets(user, [(n.target_kind, n.target_id) for n in window])
    return [
        InboxRow(n, targets[(n.target_kind, n.target_id)])
        for n in window
        if (n.target_kind, n.target_id) in targets
    ]
