"""The digest of "my open items": daily or weekly (Mondays) as the person chose (off unless they
do), at
ACCORD_DIGEST_HOUR of their own day (Person.time_zone), once per period (DigestRun is unique
per person and period), and not at all when there is nothing open.

What is open comes from sources registered here: the person's unread notifications (in their
inbox, whose targets they may still see), and whatever another part of Accord registers (open
action items: `register_digest_source_of_many("action_items")`). A source names targets (kind
and id), never their text; the targets of all sources are resolved together, so access is read
once per digest run. It is checked when the digest is made and again when it is sent (its text
is made at sending, from the sources).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from accord.core.memo import access_memo
from accord.orgs.access import remember_reaches
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
from accord.threads.notify import Target, resolve_targets_of_many

# The most unread notifications one digest lists (the newest).
DIGEST_NOTIFICATIONS = 100


@dataclass(frozen=True)
class DigestItem:
    section: str
    title: str
    url: str
    restricted: bool = False


@dataclass(frozen=True)
class Candidate:
    """An item a source would list if the person may still see its target (kind, pk): `make`
    turns what the person may see of the target into the item."""

    kind: str
    pk: int
    make: Callable[[Target], DigestItem]


DigestSource = Callable[[Any, dt.datetime], list[DigestItem]]
# A source for many people at once: (people, now) -> {person id: their candidates}.
ManySource = Callable[[Sequence[Any], dt.datetime], dict[int, list[Candidate]]]


@dataclass(frozen=True)
class _Source:
    of_many: ManySource
    # The most items the source lists in one digest (of those the person may see).
    limit: int | None = None


_sources: dict[str, _Source] = {}
# People whose digests are made together (their access is read together: one check for
# each group who see alike, so the bigger the chunk the fewer checks).
CHUNK = 5000


def register_digest_source(name: str) -> Callable[[DigestSource], DigestSource]:
    """Decorator: `@register_digest_source("reminders") def reminders(person, now)`: the
    person's items of that kind, ready-made (the source has checked that they may see them)."""

    def register(source: DigestSource) -> DigestSource:
        def of_many(people: Sequence[Any], now: dt.datetime) -> dict[int, list[Candidate]]:
            return {p.pk: [_ready(item) for item in source(p, now)] for p in people}

        _sources[name] = _Source(of_many)
        return source

    return register


def register_digest_source_of_many(
    name: str, *, limit: int | None = None
) -> Callable[[ManySource], ManySource]:
    """Decorator: `@register_digest_source_of_many("action_items", limit=100) def
    open_items(people, now) -> {person id: [Candidate, ...]}`: for many people at once (one
    query for them all), each item a reference to a notification target; the targets of every
    source are resolved together (notify.resolve_targets_of_many), and only the first `limit`
    the person may see are listed."""

    def register(source: ManySource) -> ManySource:
        _sources[name] = _Source(source, limit)
        return source

    return register


_READY = "digest-ready"


def _ready(item: DigestItem) -> Candidate:
    return Candidate(_READY, 0, lambda _target: item)


def _unread_item(event: str) -> Callable[[Target], DigestItem]:
    def make(target: Target) -> DigestItem:
        title = "" if target.restricted else f"{event_label(event)}: {target.title}"
        return DigestItem("Unread notifications", title, target.url, target.restricted)

    return make


@register_digest_source_of_many("notifications")
def unread_notifications(people: Sequence[Any], now: dt.datetime) -> dict[int, list[Candidate]]:
    """Each person's newest unread notifications (in their inbox), to be listed if they may
    still see their targets."""
    rows: dict[int, list[Candidate]] = {p.pk: [] for p in people}
    for recipient, event, kind, target_id in (
        Notification.objects.filter(
            recipient_id__in=sorted(rows), read_at__isnull=True, in_inbox=True, created_at__lte=now
        )
        .order_by("recipient_id", "-created_at", "-id")
        .values_list("recipient_id", "event", "target_kind", "target_id")
    ):
        if len(rows[recipient]) < DIGEST_NOTIFICATIONS:
            rows[recipient].append(Candidate(kind, target_id, _unread_item(event)))
    return rows


def digest_items(person: Any, now: dt.datetime) -> list[DigestItem]:
    return digest_items_of([person], now)[person.pk]


def digest_items_of(people: Sequence[Any], now: dt.datetime) -> dict[int, list[DigestItem]]:
    """The digest items of many people: each source once for all of them, then the targets of
    every source resolved together (one check per kind for each group who see alike)."""
    candidates: dict[str, dict[int, list[Candidate]]] = {}
    with access_memo():
        remember_reaches(people)
        for name, source in _sources.items():
            candidates[name] = source.of_many(people, now)
        targets = resolve_targets_of_many(
            (
                p,
                {
                    (c.kind, c.pk)
                    for listed in candidates.values()
                    for c in listed.get(p.pk, ())
                    if c.kind != _READY
                },
            )
            for p in people
        )
    found: dict[int, list[DigestItem]] = {p.pk: [] for p in people}
    for name, source in _sources.items():
        for person in people:
            seen = targets[person.pk]
            items: list[DigestItem] = []
            for c in candidates[name].get(person.pk, ()):
                if source.limit is not None and len(items) >= source.limit:
                    break
                if c.kind == _READY:
                    items.append(c.make(_NO_TARGET))
                elif (target := seen.get((c.kind, c.pk))) is not None:
                    items.append(c.make(target))
            found[person.pk].extend(items)
    return found


_NO_TARGET = Target(title="", url="")


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
    persons = Person.objects.select_related("organisation").in_bulk(
        [pk for pk, period in due.items() if (pk, period) not in done]
    )
    ordered = [persons[pk] for pk in sorted(persons)]
    queued = 0
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        items = digest_items_of(chunk, now)
        try:
            queued += _record_digests(chunk, items, due, now)
        except IntegrityError:  # another sweep made some of them: one by one
            queued += sum(_record_digest(p, items[p.pk], due[p.pk], now) for p in chunk)
    return queued


def _record_digests(
    people: Sequence[Person],
    items: dict[int, list[DigestItem]],
    due: dict[int, str],
    now: dt.datetime,
) -> int:
    """The digests of many people, written together: a delivery for each that has items, a
    run for each (empty ones are recorded, not queued)."""
    with transaction.atomic():
        deliveries = EmailDelivery.objects.bulk_create(
            [
                EmailDelivery(
                    recipient=person,
                    kind=DeliveryKind.DIGEST,
                    period=due[person.pk],
                    created_at=now,
                    next_attempt_at=now,
                )
                for person in people
                if items[person.pk]
            ],
            batch_size=500,
        )
        delivery_of = {d.recipient_id: d for d in deliveries}
        DigestRun.objects.bulk_create(
            [
                DigestRun(
                    person=person,
                    period=due[person.pk],
                    item_count=len(items[person.pk]),
                    delivery=delivery_of.get(person.pk),
                    created_at=now,
                )
                for person in people
            ],
            batch_size=500,
        )
    return len(deliveries)


def _record_digest(person: Person, items: list[DigestItem], period: str, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            delivery = None
            if items:
                delivery = EmailDelivery.objects.create(
                    recipient=person,
                    kind=DeliveryKind.DIGEST,
                    period=period,
                    created_at=now,
                    next_attempt_at=now,
                )
            DigestRun.objects.create(
                person=person,
                period=period,
                item_count=len(items),
                delivery=delivery,
                created_at=now,
            )
    except IntegrityError:
        return 0  # another sweep made it
    return int(delivery is not None)


@dataclass(frozen=True)
class _Zoned:
    time_zone: str


def compose_digest(
    delivery: EmailDelivery,
    person: Person,
    now: dt.datetime,
    items: list[DigestItem] | None = None,
) -> Any:
    """The digest's e-mail, from its sources now (access checked again); `items`: what
    digest_items_of answered for the person just now, for many digests sent together."""
    from accord.threads.mail import Composed, Skip, absolute, clean_subject

    if items is None:
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
