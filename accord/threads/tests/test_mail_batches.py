"""A worker's batch of e-mails (mail.send_deliveries): claimed together so that no delivery is
sent twice, sent over one SMTP connection to a real server on the loopback, each outcome
recorded on its own delivery (its subject, recipients, error); workers racing on the same
batch send each e-mail once (PostgreSQL, real threads and connections)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from accord.core.tests.threads import at_once, in_own_connection
from accord.orgs.models import Person
from accord.threads import digest as digest_module
from accord.threads.digest import DigestItem, register_digest_source
from accord.threads.mail import LEASE, _claim, send_deliveries
from accord.threads.models import DeliveryKind, DeliveryStatus, EmailDelivery
from accord.threads.tests.mail_server import SmtpServer

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
SOURCE = "test-batch-items"
ROUNDS = 5


@pytest.fixture
def open_items() -> Iterator[dict[int, int]]:
    """A digest source listing, for each person id given, that many open items."""
    counts: dict[int, int] = {}

    @register_digest_source(SOURCE)
    def items(person: Any, now: dt.datetime) -> list[DigestItem]:
        return [
            DigestItem("Open action items", f"Item {n} of {person.username}", f"/items/{n}/")
            for n in range(counts.get(person.pk, 0))
        ]

    try:
        yield counts
    finally:
        digest_module._sources.pop(SOURCE)


def _digest_for(person: Person) -> EmailDelivery:
    return EmailDelivery.objects.create(
        recipient=person, kind=DeliveryKind.DIGEST, period="2026-W50", created_at=NOW
    )


def test_a_batch_goes_over_one_connection_and_each_outcome_is_recorded(
    people: Any, smtp: SmtpServer, open_items: dict[int, int]
) -> None:
    senders = [people.oem_buyer, people.ems_planner, people.supplier_rep]
    for n, person in enumerate(senders, start=1):
        open_items[person.pk] = n
    nothing_open = people.oem_engineer
    no_address = people.ems_quality
    Person.objects.filter(pk=no_address.pk).update(email="")
    open_items[no_address.pk] = 1
    deliveries = [_digest_for(p) for p in [*senders, nothing_open, no_address]]
    ids = [d.pk for d in deliveries]

    statuses = send_deliveries(ids, NOW)

    assert statuses == ["sent", "sent", "sent", "skipped", "skipped"]
    assert len(smtp.inbox.messages) == 3 and smtp.inbox.connections() == 1
    for n, person in enumerate(senders, start=1):
        (message,) = smtp.inbox.to(person.email)
        delivery = EmailDelivery.objects.get(recipient=person)
        assert message["Subject"] == delivery.subject
        assert f"{n} open item" in delivery.subject
        assert delivery.recipients == [person.email]
        assert delivery.status == DeliveryStatus.SENT and delivery.sent_at == NOW
        assert delivery.attempts == 1 and delivery.last_error == ""
    skipped = {d.recipient_id: d for d in EmailDelivery.objects.filter(status="skipped")}
    assert skipped[nothing_open.pk].skip_reason == "nothing open"
    assert skipped[no_address.pk].skip_reason == "the recipient has no address"
    assert skipped[nothing_open.pk].subject == "" and skipped[nothing_open.pk].recipients == []
    # The batch again (a second worker, or the same one handed it twice): nothing more.
    assert send_deliveries(ids, NOW) == ["gone"] * 5
    assert len(smtp.inbox.messages) == 3


def test_smtp_down_fails_the_batch_at_once_and_each_delivery_is_retried(
    people: Any, smtp: SmtpServer, open_items: dict[int, int]
) -> None:
    senders = [people.oem_buyer, people.ems_planner]
    for person in senders:
        open_items[person.pk] = 2
    ids = [_digest_for(p).pk for p in senders]
    smtp.stop()

    assert send_deliveries(ids, NOW) == ["pending", "pending"]

    for delivery in EmailDelivery.objects.filter(pk__in=ids):
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        assert "ConnectionRefusedError" in delivery.last_error
        assert delivery.next_attempt_at == NOW + dt.timedelta(minutes=5)
        assert delivery.sent_at is None
    smtp.start()
    later = NOW + dt.timedelta(minutes=5)
    assert send_deliveries(ids, later) == ["sent", "sent"]
    assert smtp.inbox.connections() == 1
    assert {d.attempts for d in EmailDelivery.objects.filter(pk__in=ids)} == {2}


def test_a_delivery_held_by_a_worker_that_died_is_taken_again_after_the_lease(
    people: Any, smtp: SmtpServer, open_items: dict[int, int]
) -> None:
    open_items[people.oem_buyer.pk] = 1
    ids = [_digest_for(people.oem_buyer).pk]
    # A worker claims it and dies before sending: nobody else takes it during the lease.
    assert [d.pk for d in _claim(ids, NOW)] == ids
    assert send_deliveries(ids, NOW + dt.timedelta(minutes=14)) == ["gone"]
    assert smtp.inbox.messages == []
    assert send_deliveries(ids, NOW + LEASE) == ["sent"]
    delivery = EmailDelivery.objects.get(pk=ids[0])
    assert delivery.attempts == 2 and delivery.claimed_until is None
    assert len(smtp.inbox.messages) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="racing workers are tested on PostgreSQL"
)
def test_workers_racing_on_one_batch_send_each_email_once(
    db: Any, settings: Any, open_items: dict[int, int]
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    people = list(Person.objects.exclude(email="").filter(is_active=True).order_by("pk")[:8])
    for person in people:
        open_items[person.pk] = 1

    def queue() -> list[int]:
        return [_digest_for(p).pk for p in people for _ in range(5)]

    for _ in range(ROUNDS):
        mail.outbox = []
        _race_on_one_batch(in_own_connection(queue))


def _race_on_one_batch(ids: list[int]) -> None:
    try:
        results = at_once(*[lambda: send_deliveries(ids, NOW)] * 3)
        assert not [r for r in results if isinstance(r, Exception)], results
        for position in range(len(ids)):
            outcomes = sorted(str(r[position]) for r in results)
            assert outcomes == ["gone", "gone", "sent"], outcomes
        assert len(mail.outbox) == len(ids)
        sent = in_own_connection(
            lambda: EmailDelivery.objects.filter(pk__in=ids, status="sent", attempts=1).count()
        )
        assert sent == len(ids)
    finally:
        in_own_connection(lambda: EmailDelivery.objects.filter(pk__in=ids).delete())
