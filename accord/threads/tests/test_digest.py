"""The digest of my open items: daily or weekly as the person chose, at ACCORD_DIGEST_HOUR of
their own day, once per period, none when nothing is open; other parts of Accord add their
open items through a registered source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.threads import digest as digest_module
from accord.threads.digest import DigestItem, period_of, register_digest_source
from accord.threads.models import DigestRun, EmailDelivery, NotificationSettings
from accord.threads.notification_services import update_notification_settings
from accord.threads.sweep import register_step, run_sweep, step_names
from accord.threads.tests.mail_server import SmtpServer
from accord.threads.tests.notification_world import meridian_certificate, send_notice


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+00:00")


def sweep(capture: Any, now: dt.datetime) -> dict[str, int]:
    with capture(execute=True):
        return run_sweep(now)


def digests(smtp: SmtpServer) -> list[Any]:
    return [m for _, m in smtp.inbox.messages if "digest" in m["Subject"]]


def test_periods_in_the_persons_day() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    # Monday 2026-12-07 in Tokyo.
    assert period_of("daily", dt.datetime(2026, 12, 7, 6, 59, tzinfo=tokyo)) is None
    assert period_of("daily", dt.datetime(2026, 12, 7, 7, 0, tzinfo=tokyo)) == "2026-12-07"
    assert period_of("weekly", dt.datetime(2026, 12, 7, 6, 0, tzinfo=tokyo)) is None
    assert period_of("weekly", dt.datetime(2026, 12, 7, 7, 0, tzinfo=tokyo)) == "2026-W50"
    # A missed Monday: the week's digest goes out on Tuesday, even before the hour.
    assert period_of("weekly", dt.datetime(2026, 12, 8, 3, 0, tzinfo=tokyo)) == "2026-W50"


def test_daily_digest_in_the_persons_time_zone_once_and_skipped_when_empty(
    people: Any, client_for: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    planner, quality = people.ems_planner, people.ems_quality
    for person in (planner, quality):
        update_notification_settings(actor=person, digest="daily", time_zone="Asia/Tokyo")
    certificate = meridian_certificate(people)
    send_notice(
        people.oem_buyer,
        [planner],
        kind="certificate",
        pk=certificate.pk,
        event="post",
        now=utc("2026-12-06T10:00:00"),
    )
    # 06:30 in Tokyo on 7 December: not yet.
    assert sweep(django_capture_on_commit_callbacks, utc("2026-12-06T21:30:00"))["digests"] == 0
    smtp.inbox.clear()
    # 07:05 in Tokyo: the planner's digest; the quality engineer has nothing open: none.
    assert sweep(django_capture_on_commit_callbacks, utc("2026-12-06T22:05:00"))["digests"] == 1
    (message,) = digests(smtp)
    assert message["To"] == planner.email
    assert message["Subject"] == "Accord: your daily digest, 1 open item (2026-12-07)"
    body = message.get_content()
    assert "Unread notifications (1):" in body
    assert "posted: ISO 9001 ISO9001-PEN1 of Penang plant" in body
    assert f"/certificates/{certificate.pk}/" in body
    runs = dict(DigestRun.objects.values_list("person__username", "item_count"))
    assert runs == {"ems_planner": 1, "ems_quality": 0}
    # Later the same local day: nothing more. The next day: again.
    smtp.inbox.clear()
    assert sweep(django_capture_on_commit_callbacks, utc("2026-12-07T09:00:00"))["digests"] == 0
    assert digests(smtp) == []
    assert sweep(django_capture_on_commit_callbacks, utc("2026-12-07T22:05:00"))["digests"] == 1
    assert EmailDelivery.objects.filter(kind="digest", status="sent").count() == 2
    # Its one-click unsubscribe turns the digest off.
    (latest,) = digests(smtp)
    link = str(latest["List-Unsubscribe"]).strip().strip("<>")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client_for("anonymous").post(path).status_code == 200
    assert NotificationSettings.objects.get(person=planner).digest == "off"
    assert sweep(django_capture_on_commit_callbacks, utc("2026-12-08T22:05:00"))["digests"] == 0


def test_digest_off_and_registered_sources(
    people: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    planner = people.ems_planner
    update_notification_settings(actor=planner, digest="weekly")

    @register_digest_source("test-open-items")
    def open_items(person: Any, now: dt.datetime) -> list[DigestItem]:
        if person.pk != planner.pk:
            return []
        return [
            DigestItem("Open action items", "Confirm the MCU buffer", "/items/1/"),
            DigestItem("Open action items", "Secret", "/items/2/", restricted=True),
        ]

    try:
        assert sweep(django_capture_on_commit_callbacks, utc("2026-12-07T08:00:00"))["digests"] == 1
        (message,) = digests(smtp)
        assert message["Subject"] == "Accord: your weekly digest, 2 open items (2026-W50)"
        body = message.get_content()
        assert "Open action items (2):" in body and "Confirm the MCU buffer" in body
        assert "Secret" not in body and "/items/2/" in body
        update_notification_settings(actor=planner, digest="off")
        assert sweep(django_capture_on_commit_callbacks, utc("2026-12-14T08:00:00"))["digests"] == 0
    finally:
        digest_module._sources.pop("test-open-items")


def test_steps_registered_later_run_where_asked(db: Any) -> None:
    ran: list[str] = []

    def escalate(*, now: dt.datetime) -> int:
        ran.append(now.isoformat())
        return 2

    register_step("test-escalation", escalate, before="email_batches")
    try:
        names = step_names()
        assert names.index("test-escalation") == names.index("email_batches") - 1
        assert names[0] == "certificate_alerts"
        counts = run_sweep(utc("2026-12-07T08:00:00"))
        assert counts["test-escalation"] == 2 and ran == ["2026-12-07T08:00:00+00:00"]
        assert list(counts) == names
    finally:
        from accord.threads import sweep as sweep_module

        sweep_module._steps[:] = [s for s in sweep_module._steps if s[0] != "test-escalation"]
