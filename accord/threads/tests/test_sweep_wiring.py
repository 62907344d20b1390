"""`accord sweep` escalates overdue action items (once per step) and mails them with the rest;
a person's digest lists their open action items, overdue ones by their own calendar."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from accord.threads.actions import create_action_item, update_action_item
from accord.threads.models import ActionStatus, EscalationSent
from accord.threads.notification_services import update_notification_settings
from accord.threads.sweep import step_names
from accord.threads.tests.mail_server import SmtpServer
from accord.threads.thread_services import create_thread


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+00:00")


@pytest.fixture
def item(people: Any, programs: Any, parts: Any) -> Any:
    thread = create_thread(
        actor=people.oem_buyer,
        program=programs["PHRM"],
        subject_kind_name="part",
        subject_id=parts["HAL-200-0005"].pk,
        title="Heart-rate sensor NRND: last-time buy",
    )
    return create_action_item(
        actor=people.oem_buyer,
        thread=thread,
        title="Quote the last-time buy",
        owner="ems_quality",
        due_date=dt.date(2026, 11, 30),
        now=utc("2026-11-20T00:00:00"),
    )


def sweep_at(capture: Any, now: dt.datetime) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("sweep", "--now", now.isoformat(), stdout=out)
    return out.getvalue()


def test_escalation_runs_in_the_sweep_before_the_mail(
    people: Any, item: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    names = step_names()
    assert names.index("escalation") < names.index("email_batches")
    # Two days late (UTC workspace): the owner's +1 step, once, however often the sweep runs.
    sweep_at(django_capture_on_commit_callbacks, utc("2026-12-02T09:00:00"))
    sweep_at(django_capture_on_commit_callbacks, utc("2026-12-02T09:05:00"))
    assert EscalationSent.objects.filter(item=item).count() == 1
    # Past the e-mail delay: the owner gets one mail about the thread, nobody else.
    smtp.inbox.clear()
    sweep_at(django_capture_on_commit_callbacks, utc("2026-12-02T10:00:00"))
    recipients = sorted(str(m["To"]) for _, m in smtp.inbox.messages)
    assert recipients == [people.ems_quality.email]
    # Done: no further step, even a week later.
    update_action_item(actor=people.ems_quality, item=item, status=ActionStatus.DONE)
    sweep_at(django_capture_on_commit_callbacks, utc("2026-12-09T10:00:00"))
    assert EscalationSent.objects.filter(item=item).count() == 1


def test_the_digest_lists_open_action_items_overdue_by_the_owners_day(
    people: Any, item: Any, smtp: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    quality = people.ems_quality
    update_notification_settings(actor=quality, digest="daily", time_zone="Asia/Tokyo")
    # 07:05 on 30 November in Tokyo: due today, open, not yet overdue.
    sweep_at(django_capture_on_commit_callbacks, utc("2026-11-29T22:05:00"))
    digests = [m for _, m in smtp.inbox.messages if "digest" in m["Subject"]]
    body = digests[-1].get_content()
    assert "Open action items (1):" in body and "Quote the last-time buy (due 2026-11-30)" in body
    # The next morning in Tokyo it is overdue.
    smtp.inbox.clear()
    sweep_at(django_capture_on_commit_callbacks, utc("2026-11-30T22:05:00"))
    digests = [m for _, m in smtp.inbox.messages if "digest" in m["Subject"]]
    assert "Overdue action items (1):" in digests[-1].get_content()
