"""E-mail of notifications through Django's SMTP backend to a real SMTP server on the loopback
(aiosmtpd): one e-mail per thread after the delay, none if read by then, access checked again
at sending (a lapsed NDA stops it), restricted subjects as a link only, SMTP down retried and
recorded, a one-click unsubscribe in each."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accord.orgs.models import Nda
from accord.threads.mail import clean_subject, send_delivery
from accord.threads.models import DeliveryStatus, EmailDelivery, Notification
from accord.threads.sweep import run_sweep
from accord.threads.tests.mail_server import SmtpServer
from accord.threads.tests.notification_world import SECRET, meridian_certificate, send_notice

DELAY = dt.timedelta(minutes=11)


def sweep(capture: Any, now: dt.datetime) -> dict[str, int]:
    """A sweep whose queued tasks run once it commits (the test backend runs them at once)."""
    with capture(execute=True):
        return run_sweep(now)


def test_one_email_per_thread_after_the_delay_to_those_who_may_see_it(
    people: Any, programs: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    everyone = [p for name, p in people.items()]
    ebx2 = programs["EBX2"].pk
    for minute in (0, 1):
        send_notice(
            people.oem_buyer,
            everyone,
            kind="test-restricted-program",
            pk=ebx2,
            group_key=f"thread:{ebx2}",
            now=now + dt.timedelta(minutes=minute),
        )
    # Before the delay: nothing.
    assert (
        sweep(django_capture_on_commit_callbacks, now + dt.timedelta(minutes=5))["email_send"] == 0
    )
    assert smtp.inbox.messages == []
    counts = sweep(django_capture_on_commit_callbacks, now + DELAY + dt.timedelta(minutes=1))
    expected = {people[name].email for name in ("oem_engineer", "ems_planner", "supplier_rep")}
    assert smtp.inbox.recipients() == expected
    assert counts["email_batches"] == 3 and counts["email_send"] == 3
    for name in ("other_oem_user", "nda_expired_partner", "outsider", "oem_buyer"):
        assert smtp.inbox.to(people[name].email) == []
    (message,) = smtp.inbox.to(people.ems_planner.email)  # two notifications, one e-mail
    assert message["Subject"] == "Accord: new activity on a restricted subject"
    body = message.get_content()
    assert "2 new notifications for you in Accord" in body
    assert f"/programs/{ebx2}/" in body
    assert SECRET not in body and SECRET not in message["Subject"]
    assert str(message["List-Unsubscribe"]).strip().startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = EmailDelivery.objects.get(recipient=people.ems_planner)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.recipients == [people.ems_planner.email]
    assert delivery.subject == message["Subject"] and delivery.attempts == 1
    # Run twice: nothing more.
    smtp.inbox.clear()
    again = sweep(django_capture_on_commit_callbacks, now + DELAY + dt.timedelta(minutes=2))
    assert again["email_batches"] == 0 and again["email_send"] == 0
    assert smtp.inbox.messages == []


def test_certificate_email_carries_title_and_link(
    people: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    certificate = meridian_certificate(people)
    now = timezone.now()
    send_notice(
        people.ems_quality,
        [people.oem_buyer],
        kind="certificate",
        pk=certificate.pk,
        event="post",
        now=now,
    )
    sweep(django_capture_on_commit_callbacks, now + DELAY)
    (message,) = smtp.inbox.to(people.oem_buyer.email)
    assert message["Subject"].startswith("Accord: ISO 9001 ISO9001-PEN1 of Penang plant")
    body = message.get_content()
    assert "Daniel Tan: posted: ISO 9001 ISO9001-PEN1 of Penang plant" in body
    assert f"/certificates/{certificate.pk}/" in body
    assert "/notifications/unsubscribe/" in body


def test_read_before_the_delay_is_not_mailed(
    people: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    certificate = meridian_certificate(people)
    now = timezone.now()
    (n,) = send_notice(
        people.ems_quality, [people.oem_buyer], kind="certificate", pk=certificate.pk, now=now
    )
    Notification.objects.filter(pk=n.pk).update(read_at=now + dt.timedelta(minutes=2))
    counts = sweep(django_capture_on_commit_callbacks, now + DELAY)
    assert counts["email_batches"] == 0
    assert smtp.inbox.messages == [] and not EmailDelivery.objects.exists()


def test_read_between_queueing_and_sending_is_skipped(
    people: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    certificate = meridian_certificate(people)
    now = timezone.now()
    (n,) = send_notice(
        people.ems_quality, [people.oem_buyer], kind="certificate", pk=certificate.pk, now=now
    )
    run_sweep(now + DELAY)  # queued; the task has not run (no commit)
    Notification.objects.filter(pk=n.pk).update(read_at=now + DELAY)
    delivery = EmailDelivery.objects.get()
    assert send_delivery(delivery.pk, now + DELAY) == DeliveryStatus.SKIPPED
    delivery.refresh_from_db()
    assert delivery.skip_reason == "read before it was sent"
    assert smtp.inbox.messages == []


def test_nda_lapsing_between_queueing_and_sending_stops_the_email(
    people: Any, programs: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    ebx2 = programs["EBX2"].pk
    send_notice(
        people.oem_buyer, [people.ems_planner], kind="test-restricted-program", pk=ebx2, now=now
    )
    run_sweep(now + DELAY)  # queued, not yet sent
    delivery = EmailDelivery.objects.get(recipient=people.ems_planner)
    assert delivery.status == DeliveryStatus.PENDING
    Nda.objects.filter(reference="NDA-HAL-MER-2025").update(
        expiry_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert send_delivery(delivery.pk, now + DELAY) == DeliveryStatus.SKIPPED
    delivery.refresh_from_db()
    assert delivery.skip_reason == "the recipient may no longer see the subject"
    assert delivery.sent_at is None
    assert smtp.inbox.messages == []


def test_smtp_down_is_retried_with_backoff_and_recorded_without_blocking_requests(
    people: Any, client_for: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    certificate = meridian_certificate(people)
    now = timezone.now()
    send_notice(
        people.ems_quality, [people.oem_buyer], kind="certificate", pk=certificate.pk, now=now
    )
    smtp.stop()
    first = now + DELAY
    assert sweep(django_capture_on_commit_callbacks, first)["email_send"] == 1
    delivery = EmailDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at == first + dt.timedelta(minutes=5)
    # Pages answer at once meanwhile: no request waits for SMTP.
    started = time.monotonic()
    assert client_for("oem_buyer").get(reverse("inbox")).status_code == 200
    assert time.monotonic() - started < 2
    # Not retried before its time; then again with a doubled backoff.
    assert (
        sweep(django_capture_on_commit_callbacks, first + dt.timedelta(minutes=4))["email_send"]
        == 0
    )
    second = first + dt.timedelta(minutes=5)
    assert sweep(django_capture_on_commit_callbacks, second)["email_send"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == second + dt.timedelta(minutes=10)
    # The server is back: the next retry sends it, once.
    smtp.start()
    third = second + dt.timedelta(minutes=10)
    assert sweep(django_capture_on_commit_callbacks, third)["email_send"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3
    assert delivery.sent_at == third and delivery.last_error == ""
    assert len(smtp.inbox.to(people.oem_buyer.email)) == 1


def test_gives_up_after_the_last_attempt(
    people: Any, settings: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCORD_NOTIFY_MAX_ATTEMPTS = 2
    certificate = meridian_certificate(people)
    now = timezone.now()
    send_notice(
        people.ems_quality, [people.oem_buyer], kind="certificate", pk=certificate.pk, now=now
    )
    smtp.stop()
    sweep(django_capture_on_commit_callbacks, now + DELAY)
    sweep(django_capture_on_commit_callbacks, now + DELAY + dt.timedelta(minutes=5))
    delivery = EmailDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert sweep(django_capture_on_commit_callbacks, now + dt.timedelta(days=1))["email_send"] == 0


def test_subjects_are_one_line() -> None:
    assert clean_subject("Line one\r\nBcc: victim@example.com\n\tthree") == (
        "Line one Bcc: victim@example.com three"
    )
    assert "\n" not in clean_subject("a\u2028b\x85c")
    assert len(clean_subject("x" * 500)) == 150


def test_email_preference_off_and_mute_stop_email(
    people: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    from accord.threads.notification_services import mute_group, update_notification_settings

    certificate = meridian_certificate(people)
    now = timezone.now()
    update_notification_settings(actor=people.oem_buyer, preferences={("post", "email"): False})
    (n,) = send_notice(
        people.ems_quality,
        [people.oem_buyer, people.oem_engineer],
        kind="certificate",
        pk=certificate.pk,
        event="post",
        now=now,
    )[:1]
    mute_group(
        actor=people.oem_engineer,
        notification=Notification.objects.get(recipient=people.oem_engineer),
    )
    sweep(django_capture_on_commit_callbacks, now + DELAY)
    assert smtp.inbox.messages == []
    # The buyer still has it in the inbox; the engineer muted it out of theirs.
    assert Notification.objects.get(pk=n.pk).in_inbox
    assert not Notification.objects.get(recipient=people.oem_engineer).in_inbox
    # Muted: nothing new for that group at all.
    assert (
        send_notice(
            people.ems_quality,
            [people.oem_engineer],
            kind="certificate",
            pk=certificate.pk,
            now=now,
        )
        == []
    )


def test_unsubscribe_link_turns_email_off_without_signing_in(
    people: Any, client_for: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    certificate = meridian_certificate(people)
    now = timezone.now()
    send_notice(
        people.ems_quality,
        [people.oem_buyer],
        kind="certificate",
        pk=certificate.pk,
        event="post",
        now=now,
    )
    sweep(django_capture_on_commit_callbacks, now + DELAY)
    (message,) = smtp.inbox.to(people.oem_buyer.email)
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = client_for("anonymous")
    page = anonymous.get("/" + path)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    done = anonymous.post("/" + path)  # RFC 8058: a POST without session or CSRF token
    assert done.status_code == 200 and b"Done" in done.content
    from accord.threads.models import NotificationPreference

    assert (
        NotificationPreference.objects.get(
            person=people.oem_buyer, event="post", channel="email"
        ).enabled
        is False
    )
    smtp.inbox.clear()
    send_notice(
        people.ems_quality,
        [people.oem_buyer],
        kind="certificate",
        pk=certificate.pk,
        event="post",
        now=now + DELAY,
    )
    sweep(django_capture_on_commit_callbacks, now + 2 * DELAY)
    assert smtp.inbox.messages == []
    assert (
        anonymous.get(reverse("notification_unsubscribe", args=["forged:token"])).status_code == 404
    )
    tampered = path.rstrip("/")[:-2] + "xx/"
    assert anonymous.get("/" + tampered).status_code == 404


def test_without_smtp_nothing_is_queued_or_piled_up(people: Any, settings: Any) -> None:
    settings.ACCORD_EMAIL_ENABLED = False
    certificate = meridian_certificate(people)
    now = timezone.now()
    send_notice(
        people.ems_quality, [people.oem_buyer], kind="certificate", pk=certificate.pk, now=now
    )
    assert run_sweep(now + DELAY)["email_batches"] == 0
    assert not EmailDelivery.objects.exists()
    assert not Notification.objects.filter(mail_checked_at__isnull=True).exists()
