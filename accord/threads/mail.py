"""E-mail of notifications: batches queued by the sweep, sent by a background task.

- Queueing (`queue_email_batches`, a sweep step): notifications older than the delay
  (ACCORD_NOTIFY_EMAIL_DELAY_MINUTES) that nobody has dealt with become one EmailDelivery per
  (recipient, group): one e-mail per thread. A group whose notifications were all read by
  then, or whose event the person does not want by e-mail, is not mailed.
- Dispatching (`dispatch_due_deliveries`, the last sweep step): each pending delivery whose
  time has come is handed to the task worker in batches (mail_tasks.send_email_deliveries,
  sending_batches), with a lease so that the next sweep does not hand it over twice.
- Sending (`send_deliveries`, a task's batch claimed together, over one SMTP connection;
  `send_delivery` for one): the text is made now, from references, after the person's access
  to each target is checked again: a lapsed NDA stops delivery at once (the delivery is
  recorded as skipped, with the reason). Restricted subjects are mailed as a link only. Every
  e-mail carries a one-click unsubscribe link (and the List-Unsubscribe headers). SMTP errors
  are recorded on the delivery (attempts, last error) and retried with a doubling backoff, up
  to ACCORD_NOTIFY_MAX_ATTEMPTS; no request ever waits for SMTP.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from accord.core.db import update_rows
from accord.orgs.models import Person
from accord.threads.inbox import event_label
from accord.threads.models import (
    Channel,
    DeliveryKind,
    DeliveryStatus,
    EmailDelivery,
    Mute,
    Notification,
    NotificationPreference,
)
from accord.threads.notification_services import unsubscribe_token
from accord.threads.notify import resolve_targets

# A queued delivery is handed to the worker again only after this long without an answer.
LEASE = dt.timedelta(minutes=15)
# Deliveries handed to one task: its digests are composed together (send_deliveries).
SEND_BATCH = 1000
# A task records what it sent after this many messages (at most these are sent again when a
# worker dies mid-batch).
RECORD_EVERY = 200
SUBJECT_MAX = 150
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_subject(text: str) -> str:
    """One line: line breaks and control characters become spaces (no header injection), then
    at most SUBJECT_MAX characters."""
    one_line = _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()
    if len(one_line) > SUBJECT_MAX:
        one_line = one_line[: SUBJECT_MAX - 1].rstrip() + "…"
    return one_line


def absolute(url: str) -> str:
    return url if "://" in url else f"{settings.ACCORD_BASE_URL}{url}"


# Queueing --------------------------------------------------------------------------------------


def _email_off(person_ids: set[int], events: set[str]) -> set[tuple[int, str]]:
    return set(
        NotificationPreference.objects.filter(
            person_id__in=sorted(person_ids),
            event__in=sorted(events),
            channel=Channel.EMAIL,
            enabled=False,
        ).values_list("person_id", "event")
    )


def queue_email_batches(now: dt.datetime) -> int:
    """Turn the notifications due for e-mail into deliveries, one per (recipient, group).
    Returns the number of deliveries queued."""
    cutoff = now - dt.timedelta(minutes=settings.ACCORD_NOTIFY_EMAIL_DELAY_MINUTES)
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update()
            .filter(mail_checked_at__isnull=True, created_at__lte=cutoff)
            .order_by("id")
        )
        if not due:
            return 0
        if not settings.ACCORD_EMAIL_ENABLED:
            # No SMTP server: nothing is mailed, and nothing piles up for later.
            Notification.objects.filter(pk__in=[n.pk for n in due]).update(mail_checked_at=now)
            return 0
        people = {n.recipient_id for n in due}
        off = _email_off(people, {n.event for n in due})
        muted = set(
            Mute.objects.filter(person_id__in=sorted(people)).values_list("person_id", "group_key")
        )
        addressed = set(
            Person.objects.filter(pk__in=sorted(people), is_active=True)
            .exclude(email="")
            .values_list("pk", flat=True)
        )
        groups: dict[tuple[int, str], list[Notification]] = defaultdict(list)
        for n in due:
            n.mail_checked_at = now
            wanted = (
                n.read_at is None
                and (n.recipient_id, n.event) not in off
                and (n.recipient_id, n.group) not in muted
                and n.recipient_id in addressed
            )
            if wanted:
                groups[(n.recipient_id, n.group)].append(n)
        deliveries = EmailDelivery.objects.bulk_create(
            EmailDelivery(
                recipient_id=recipient,
                kind=DeliveryKind.BATCH,
                group_key=group,
                created_at=now,
                next_attempt_at=now,
            )
            for recipient, group in groups
        )
        for delivery, members in zip(deliveries, groups.values(), strict=True):
            for n in members:
                n.delivery_id = delivery.pk
        Notification.objects.bulk_update(due, ["mail_checked_at", "delivery"], batch_size=500)
    return len(deliveries)


def dispatch_due_deliveries(now: dt.datetime) -> int:
    """Hand every pending delivery whose time has come to the task worker. Returns how many."""
    from accord.core.background import enqueue_with
    from accord.threads.mail_tasks import send_email_deliveries

    with transaction.atomic():
        due = list(
            EmailDelivery.objects.select_for_update()
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("id")
            .values_list("pk", "kind")
        )
        if not due:
            return 0
        EmailDelivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
            next_attempt_at=now + LEASE
        )
        for batch in sending_batches(due):
            enqueue_with(send_email_deliveries, batch, now.isoformat())
    return len(due)


def sending_batches(due: list[tuple[int, str]]) -> list[list[int]]:
    """The deliveries (id, kind) in the batches one task sends: digests in batches as large as
    those they were queued in (a batch's digests read their people's access together: the
    bigger, the fewer checks), the other e-mails in batches of SEND_BATCH."""
    from accord.threads.digest import CHUNK

    digests = [pk for pk, kind in due if kind == DeliveryKind.DIGEST]
    others = [pk for pk, kind in due if kind != DeliveryKind.DIGEST]
    return [digests[i : i + CHUNK] for i in range(0, len(digests), CHUNK)] + [
        others[i : i + SEND_BATCH] for i in range(0, len(others), SEND_BATCH)
    ]


# Sending ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    events: list[str]


class Skip(Exception):
    """The delivery is not to be sent; the message says why."""


def _footer(person: Person, events: list[str]) -> tuple[str, str]:
    link = absolute(
        reverse("notification_unsubscribe", args=[unsubscribe_token(person.pk, events)])
    )
    text = (
        "\n--\nYou get this e-mail because of your notification settings: "
        f"{absolute(reverse('notification_settings'))}\n"
        f"Stop these e-mails with one click: {link}\n"
    )
    return text, link


def compose_batch(delivery: EmailDelivery, person: Person) -> Composed:
    rows = list(
        Notification.objects.filter(delivery_id=delivery.pk, read_at__isnull=True)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    if not rows:
        raise Skip("read before it was sent")
    if Mute.objects.filter(person_id=person.pk, group_key=delivery.group_key).exists():
        raise Skip("the group was muted")
    off = _email_off({person.pk}, {n.event for n in rows})
    rows = [n for n in rows if (person.pk, n.event) not in off]
    if not rows:
        raise Skip("e-mail turned off for these events")
    targets = resolve_targets(person, [(n.target_kind, n.target_id) for n in rows])
    rows = [n for n in rows if (n.target_kind, n.target_id) in targets]
    if not rows:
        raise Skip("the recipient may no longer see the subject")
    lines = []
    restricted = False
    for n in rows:
        target = targets[(n.target_kind, n.target_id)]
        url = absolute(target.url)
        if target.restricted:
            restricted = True
            lines.append(f"- New activity on a restricted subject: {url}")
        else:
            who = n.actor.get_full_name() or n.actor.username if n.actor else "Accord"
            lines.append(f"- {who}: {event_label(n.event)}: {target.title}\n  {url}")
    first = targets[(rows[0].target_kind, rows[0].target_id)]
    if restricted:
        subject = "Accord: new activity on a restricted subject"
    else:
        subject = f"Accord: {first.title} ({event_label(rows[0].event)})"
    count = len(rows)
    intro = f"{count} new notification{'s' if count != 1 else ''} for you in Accord:\n\n"
    body = intro + "\n".join(lines) + "\n"
    return Composed(clean_subject(subject), body, sorted({n.event for n in rows}))


def compose(
    delivery: EmailDelivery,
    person: Person,
    now: dt.datetime,
    prepared: dict[int, list[Any]] | None = None,
) -> Composed:
    """The delivery's e-mail, made now; `prepared`: digest items already read for its
    recipient (send_deliveries reads everyone's together)."""
    if delivery.kind == DeliveryKind.MINUTES:
        from accord.threads.checkin_minutes import compose_minutes

        return cast(Composed, compose_minutes(delivery, person, now))
    if delivery.kind == DeliveryKind.DIGEST:
        from accord.threads.digest import compose_digest

        items = None if prepared is None else prepared.get(person.pk)
        return compose_digest(delivery, person, now, items)
    return compose_batch(delivery, person)


def send_delivery(delivery_id: int, now: dt.datetime) -> str:
    """Send one delivery (see send_deliveries). Returns its status afterwards: sent, skipped,
    pending (to be retried), failed, or gone (not pending, or claimed by another worker)."""
    return send_deliveries([delivery_id], now)[0]


def send_deliveries(delivery_ids: list[int], now: dt.datetime) -> list[str]:
    """Send many deliveries: claimed together (two workers never send one twice), the digests
    among them composed from items read for all their people at once (access checked now,
    together), the messages sent over one SMTP connection, and the outcomes recorded every
    RECORD_EVERY messages (a worker that dies mid-batch sends at most that many again).
    Returns each delivery's status afterwards, in the order of `delivery_ids`."""
    from accord.threads.digest import digest_items_of

    claimed = _claim(delivery_ids, now)
    people = [
        d.recipient
        for d in claimed
        if d.kind == DeliveryKind.DIGEST and d.recipient.is_active and d.recipient.email
    ]
    prepared = digest_items_of(people, now) if people else {}
    statuses: dict[int, str] = {}
    outbox = _Outbox()
    try:
        for start in range(0, len(claimed), RECORD_EVERY):
            done = claimed[start : start + RECORD_EVERY]
            for delivery in done:
                statuses[delivery.pk] = _send_one(delivery, now, prepared, outbox)
            with transaction.atomic():
                update_rows(EmailDelivery, _OUTCOME_FIELDS, done)
    finally:
        outbox.close()
    return [statuses.get(pk, "gone") for pk in delivery_ids]


def _claim(delivery_ids: list[int], now: dt.datetime) -> list[EmailDelivery]:
    """Claim the pending ones among the deliveries for this worker, with one UPDATE: each is
    taken only if no other worker holds it (claimed_until past or unset; on PostgreSQL a
    racing UPDATE waits for the other's and reads the row again), its attempts counted, a lease
    taken, and marked with this claim's token, so that the ones claimed here are read back
    exactly."""
    token = uuid.uuid4().hex
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    EmailDelivery.objects.filter(free, pk__in=delivery_ids, status=DeliveryStatus.PENDING).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + LEASE,
        claim=token,
        claimed_until=now + LEASE,
    )
    return list(
        EmailDelivery.objects.filter(pk__in=delivery_ids, claim=token)
        .select_related("recipient__organisation")
        .order_by("pk")
    )


# What sending a delivery changes on it (its attempts were counted when it was claimed).
_OUTCOME_FIELDS = [
    "claimed_until",
    "status",
    "sent_at",
    "subject",
    "recipients",
    "last_error",
    "skip_reason",
    "next_attempt_at",
]


class _Outbox:
    """One SMTP connection for a batch of messages, opened at the first. When it cannot be
    opened, the batch's other messages fail at once with the same error (they are retried
    later) rather than each waiting for the server again."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.down: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self.down is not None:
            raise self.down
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except Exception as error:
                self.down = error
                raise
            self.connection = connection
        try:
            self.connection.send_messages([message])
        except Exception:
            self.close()  # the next message opens a new connection
            raise

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection: nothing to keep
                self.connection.close()
            self.connection = None


def _send_one(
    delivery: EmailDelivery,
    now: dt.datetime,
    prepared: dict[int, list[Any]],
    outbox: _Outbox,
) -> str:
    """Compose and send one claimed delivery; its outcome is set on it, to be recorded (and
    the claim let go: a delivery to be retried is free for the worker of its next attempt)."""
    person = delivery.recipient
    delivery.claimed_until = None
    try:
        if not person.is_active or not person.email:
            raise Skip("the recipient has no address")
        composed = compose(delivery, person, now, prepared)
    except Skip as skip:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.skip_reason = str(skip)[:200]
        return DeliveryStatus.SKIPPED
    text, link = _footer(person, composed.events)
    message = EmailMessage(
        subject=composed.subject,
        body=composed.body + text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    delivery.subject = composed.subject
    delivery.recipients = [person.email]
    try:
        outbox.send(message)
    except Exception as error:  # any SMTP or socket failure is retried
        failed = delivery.attempts >= settings.ACCORD_NOTIFY_MAX_ATTEMPTS
        delivery.status = DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING
        delivery.last_error = f"{type(error).__name__}: {error}"[:500]
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
        return str(delivery.status)
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.last_error = ""
    return DeliveryStatus.SENT


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=settings.ACCORD_NOTIFY_RETRY_MINUTES * 2 ** max(attempts - 1, 0))
