"""The digest of "my open items": daily or weekly (Mondays) as the person chose (off unless they
do), at
ACCORD_DIGEST_HOUR of their own day (Person.time_zone), once per period (DigestRun is unique
per person and period), and not at all when there is nothing open.

What is open comes from sources registered here: the person's unread notifications (in their
inbox, whose targets they may still see), and whatever another part of Accord registers (open
action items: `register_digest_source("action_items", fn)`). Access is checked when the digest
is made and again when it is sent (its text is made at sending, from the sources).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from accord.core.memo import access_memo
from accord.orgs.models import Person
from accord.orgs.zones import zone_of
from accord.threads.inbox import event_label
from accord.threads.models import (
    DeliveryKind,
    DigestFrequency,
    DigestRun,
    EmailDelivery,
    Notification,
)
from accord.threads.notify import resolve_targets

# The most unread notifications one digest lists (the newest).
DIGEST_NOTIFICATIONS = 100


@dataclass(frozen=True)
class DigestItem:
    section: str
    title: str
    url: str
    restricted: bool = False


DigestSource = Callable[[Any, dt.datetime], list[DigestItem]]
_sources: dict[str, DigestSource] = {}


def register_digest_source(name: str) -> Callable[[DigestSource], DigestSource]:
    """Decorator: `@register_digest_source("action_items") def open_items(person, now)`: the
    person's open items of that kind, only those they may see now."""

    def register(source: DigestSource) -> DigestSource:
        _sources[name] = source
        return source

    return register


@register_digest_source("notifications")
def unread_notifications(person: Any, now: dt.datetime) -> list[DigestItem]:
    rows = list(
        Notification.objects.filter(
            recipient_id=person.pk, read_at__isnull=True, in_inbox=True, created_at__lte=now
        ).order_by("-created_at", "-id")[:DIGEST_NOTIFICATIONS]
    )
    targets = resolve_targets(person, [(n.target_kind, n.target_id) for n in rows])
    items = []
    for n in rows:
        target = targets.get((n.target_kind, n.target_id))
        if target is not None:
            title = "" if target.restricted else f"{event_label(n.event)}: {target.title}"
            items.append(DigestItem("Unread notifications", title, target.url, target.restricted))
    return items


def digest_items(person: Any, now: dt.datetime) -> list[DigestItem]:
    with access_memo():  # the person's programs and NDAs read once for every source
        return [item for source in _sources.values() for item in source(person, now)]


def period_of(frequency: str, local: dt.datetime) -> str | None:
    """The digest period a local moment falls in, if the digest of it is due by then."""
    # Before the hour: today's daily digest is not due; a week's is due from Monday's hour.
    early = local.hour < settings.ACCORD_DIGEST_HOUR
    if early and (frequency == DigestFrequency.DAILY or local.weekday() == 0):
        return None
    if frequency == DigestFrequency.DAILY:
        return local.date().isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def queue_digests(now: dt.datetime) -> int:
    """Queue the digest of everyone whose period has come and who has none for it yet.
    Returns the number of digests queued (empty ones are recorded, not queued)."""
    if not settings.ACCORD_EMAIL_ENABLED:
        return 0
    people = (
        Person.objects.filter(
            is_active=True,
            notification_settings__digest__in=(DigestFrequency.DAILY, DigestFrequency.WEEKLY),
        )
        .exclude(email="")
        .values_list("pk", "time_zone", "notification_settings__digest")
    )
    due: dict[int, str] = {}
    for pk, zone_name, frequency in people:
        local = now.astimezone(zone_of(_Zoned(zone_name)))
        period = period_of(frequency, local)
        if period is not None:
            due[pk] = period
    done = set(
        DigestRun.objects.filter(
            person_id__in=sorted(due), period__in=sorted(set(due.values()))
        ).values_list("person_id", "period")
    )
    persons = Person.objects.in_bulk([pk for pk, period in due.items() if (pk, period) not in done])
    queued = 0
    for pk in sorted(persons):
        person = persons[pk]
        items = digest_items(person, now)
        try:
            with transaction.atomic():
                delivery = None
                if items:
                    delivery = EmailDelivery.objects.create(
                        recipient=person,
                        kind=DeliveryKind.DIGEST,
                        period=due[pk],
                        created_at=now,
                        next_attempt_at=now,
                    )
                DigestRun.objects.create(
                    person=person,
                    period=due[pk],
                    item_count=len(items),
                    delivery=delivery,
                    created_at=now,
                )
        except IntegrityError:
            continue  # another sweep made it
        queued += delivery is not None
    return queued


@dataclass(frozen=True)
class _Zoned:
    time_zone: str


def compose_digest(delivery: EmailDelivery, person: Person, now: dt.datetime) -> Any:
    from accord.threads.mail import Composed, Skip, absolute, clean_subject

    items = digest_items(person, now)
    if not items:
        raise Skip("nothing open")
    weekly = "-W" in delivery.period
    sections: dict[str, list[DigestItem]] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    lines = []
    for section, rows in sections.items():
        lines.append(f"{section} ({len(rows)}):")
        for item in rows:
            if item.restricted:
                lines.append(f"- A restricted subject: {absolute(item.url)}")
            else:
                lines.append(f"- {item.title}\n  {absolute(item.url)}")
        lines.append("")
    count = len(items)
    subject = (
        f"Accord: your {'weekly' if weekly else 'daily'} digest, {count} open "
        f"item{'s' if count != 1 else ''} ({delivery.period})"
    )
    body = f"Your open items in Accord ({delivery.period}):\n\n" + "\n".join(lines)
    return Composed(clean_subject(subject), body, ["digest"])
