"""Restricted subjects are mailed as a link, never as text; every other subject is mailed with
its title. Whether a subject is restricted is read per subject (a part classified restricted),
not per kind of subject: a thread about an ordinary part is mailed as text, one about a
restricted part of the same program as a link, in notification e-mails and in digests alike."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import call_command

from accord.threads.actions import create_action_item
from accord.threads.notification_services import update_notification_settings
from accord.threads.notify import resolve_targets
from accord.threads.tests.mail_server import SmtpServer
from accord.threads.thread_services import create_thread

ORDINARY_TITLE = "MCU NRND: last-time buy"
SECRET_TITLE = "EBX2 main board: respin cost 41,500 USD"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+00:00")


def _threads_with_items(people: Any, programs: Any, parts: Any) -> tuple[Any, Any]:
    made = []
    for number, title in (("HAL-100-0001", ORDINARY_TITLE), ("EBX2-PCBA", SECRET_TITLE)):
        thread = create_thread(
            actor=people.oem_buyer,
            program=programs["EBX2"],
            subject_kind_name="part",
            subject_id=parts[number].pk,
            title=title,
        )
        create_action_item(
            actor=people.oem_buyer,
            thread=thread,
            title=f"Answer: {title}",
            owner="ems_planner",
            due_date=dt.date(2026, 11, 30),
            now=utc("2026-11-20T00:00:00"),
        )
        made.append(thread)
    return made[0], made[1]


def _sweep(capture: Any, now: dt.datetime) -> None:
    with capture(execute=True):
        call_command("sweep", "--now", now.isoformat(), stdout=io.StringIO())


def test_restricted_is_read_per_subject(people: Any, programs: Any, parts: Any) -> None:
    ordinary, secret = _threads_with_items(people, programs, parts)
    seen = resolve_targets(people.ems_planner, [("thread", ordinary.pk), ("thread", secret.pk)])
    assert seen[("thread", ordinary.pk)].restricted is False
    assert seen[("thread", secret.pk)].restricted is True


def test_notification_emails_and_digests_hide_only_restricted_subjects(
    people: Any,
    programs: Any,
    parts: Any,
    smtp: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ordinary, secret = _threads_with_items(people, programs, parts)
    quality = people.ems_planner
    # The assignments are mailed; two days late, the owner's escalation step notifies them of
    # each item again, and that is mailed too.
    _sweep(django_capture_on_commit_callbacks, utc("2026-12-02T09:00:00"))
    _sweep(django_capture_on_commit_callbacks, utc("2026-12-02T10:00:00"))
    mails = smtp.inbox.to(quality.email)
    subjects = sorted(str(m["Subject"]) for m in mails)
    assert subjects == [
        f"Accord: Answer: {ORDINARY_TITLE} (an action item is overdue)",
        f"Accord: Answer: {ORDINARY_TITLE} (assigned you an action item)",
        "Accord: new activity on a restricted subject",
        "Accord: new activity on a restricted subject",
    ]
    for message in mails:
        body = message.get_content()
        assert "41,500" not in body and "respin" not in body
    # The digest: the ordinary item with its title, the restricted one as a link only.
    smtp.inbox.clear()
    update_notification_settings(actor=quality, digest="daily")
    _sweep(django_capture_on_commit_callbacks, utc("2026-12-03T10:00:00"))
    (digest,) = [m for _, m in smtp.inbox.messages if "digest" in m["Subject"]]
    body = digest.get_content()
    assert f"Answer: {ORDINARY_TITLE} (due 2026-11-30)" in body
    assert "41,500" not in body and "respin" not in body
    lines = [x for x in body.splitlines() if f"/threads/{secret.pk}/" in x]
    # Its unread notifications and the open item about it: each a link only.
    assert len(lines) >= 2 and all(x.startswith("- A restricted subject: http") for x in lines)
    assert f"/threads/{ordinary.pk}/#action-" in body
