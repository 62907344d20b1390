"""The inbox: page, API and command line. Unread first, then the newest; rows whose subject
the person may no longer see are hidden (not deleted); a flat query count whatever the page
size; the unread count in every page's header."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accord.api.tests.utils import API, send
from accord.core.models import Event
from accord.orgs.models import Nda, Person
from accord.threads.inbox import inbox_rows, unread_count
from accord.threads.models import Mute, Notification, NotificationPreference
from accord.threads.tests.notification_world import SECRET, meridian_certificate, send_notice


def _world(people: Any, programs: Any, count: int = 3) -> tuple[Any, list[Notification]]:
    certificate = meridian_certificate(people)
    start = timezone.now() - dt.timedelta(hours=1)
    made = []
    for i in range(count):
        made += send_notice(
            people.oem_buyer,
            [people.ems_planner],
            kind="certificate" if i % 2 else "test-restricted-program",
            pk=certificate.pk if i % 2 else programs["EBX2"].pk,
            event="post",
            now=start + dt.timedelta(minutes=i),
        )
    return certificate, made


def test_unread_first_then_newest_and_rows_no_longer_visible_hidden(
    people: Any, programs: Any
) -> None:
    _certificate, made = _world(people, programs, count=3)
    oldest, middle, newest = made
    Notification.objects.filter(pk=newest.pk).update(read_at=timezone.now())
    planner = people.ems_planner
    assert [r.notification.pk for r in inbox_rows(planner)] == [middle.pk, oldest.pk, newest.pk]
    assert unread_count(planner) == 2
    # The NDA lapses: the program's rows disappear, the certificate's stays; nothing deleted.
    Nda.objects.filter(reference="NDA-HAL-MER-2025").update(
        expiry_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert [r.notification.pk for r in inbox_rows(planner)] == [middle.pk]
    assert Notification.objects.filter(recipient=planner).count() == 3


def test_inbox_costs_the_same_queries_for_5_rows_as_for_40(
    people: Any, programs: Any, client_for: Any
) -> None:
    _world(people, programs, count=40)
    planner = people.ems_planner

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = inbox_rows(planner, limit=limit)
        assert len(rows) == limit
        return len(captured)

    assert queries(5) == queries(40)
    client = client_for("ems_planner")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox") + "?unread=1")
    _world(people, programs, count=40)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("inbox"))
    assert page.status_code == 200
    assert len(few) == len(many)
    api = client.get(API + "/notifications?page_size=5")
    with CaptureQueriesContext(connection) as small:
        client.get(API + "/notifications?page_size=5")
    with CaptureQueriesContext(connection) as large:
        client.get(API + "/notifications?page_size=80")
    assert api.status_code == 200 and len(small) == len(large)


def test_inbox_page_marks_read_and_all_read(people: Any, programs: Any, client_for: Any) -> None:
    certificate, made = _world(people, programs, count=3)
    client = client_for("ems_planner")
    page = client.get(reverse("inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 unread" not in html and "3 unread" in html
    assert 'class="inbox-link"' in html and ">3<span" in html.replace(" ", "")
    assert f"/certificates/{certificate.pk}/" in html
    response = client.post(reverse("notification_read", args=[made[0].pk]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=made[0].pk).read_at is not None
    assert client.post(reverse("notification_read_all")).status_code == 302
    assert unread_count(people.ems_planner) == 0
    # Someone else's notification: 404, unchanged.
    other = client_for("oem_engineer")
    assert other.post(reverse("notification_read", args=[made[1].pk])).status_code == 404


def test_restricted_subjects_titles_show_only_to_who_may_see_them(
    people: Any, programs: Any, client_for: Any
) -> None:
    _world(people, programs, count=1)
    assert SECRET in client_for("ems_planner").get(reverse("inbox")).content.decode()
    assert SECRET not in client_for("oem_engineer").get(reverse("inbox")).content.decode()


def test_api_lists_reads_and_mutes(people: Any, programs: Any, client_for: Any) -> None:
    certificate, made = _world(people, programs, count=3)
    client = client_for("ems_planner")
    body = client.get(API + "/notifications").json()
    assert body["unread"] == 3
    assert [r["id"] for r in body["results"]] == [n.pk for n in reversed(made)]
    first = body["results"][1]
    assert first["target"]["url"] == f"/certificates/{certificate.pk}/"
    assert first["label"] == "posted"
    read = send(client, "POST", f"{API}/notifications/{made[0].pk}/read", None)
    assert read.status_code == 200 and read.json()["read_at"]
    assert client.get(API + "/notifications?unread_only=true").json()["unread"] == 2
    all_read = send(client, "POST", f"{API}/notifications/read-all", None)
    assert all_read.json() == {"marked": 2}
    mute = send(
        client, "POST", f"{API}/notifications/{made[1].pk}/mute", None, **{"Idempotency-Key": "m1"}
    )
    assert mute.status_code == 201 and mute.json()["group_key"] == f"certificate:{certificate.pk}"
    assert Mute.objects.filter(person=people.ems_planner).count() == 1
    gone = send(client, "DELETE", f"{API}/notifications/mutes/{mute.json()['id']}", None)
    assert gone.status_code == 204 and not Mute.objects.exists()
    assert Event.objects.filter(verb="notification.read_all", actor=people.ems_planner).exists()


def test_settings_api_page_and_command(people: Any, client_for: Any) -> None:
    client = client_for("ems_planner")
    settings_url = API + "/notifications/settings"
    assert client.get(settings_url).json()["digest"] == "off"
    changed = send(
        client,
        "PATCH",
        settings_url,
        {
            "digest": "daily",
            "time_zone": "Asia/Kuala_Lumpur",
            "preferences": [{"event": "mention", "channel": "email", "enabled": False}],
        },
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["digest"] == "daily" and body["time_zone"] == "Asia/Kuala_Lumpur"
    assert {"event": "mention", "channel": "email", "enabled": False} in body["preferences"]
    bad = send(client, "PATCH", settings_url, {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 422 and "time_zone" in bad.json()["message"]
    bad_event = send(
        client,
        "PATCH",
        settings_url,
        {"preferences": [{"event": "nonsense", "channel": "email", "enabled": False}]},
    )
    assert bad_event.status_code == 422
    # The page.
    page = client.get(reverse("notification_settings"))
    assert page.status_code == 200 and b"Notification settings" in page.content
    form = {"digest": "weekly", "time_zone": "Europe/Berlin", "inbox__post": "on"}
    assert client.post(reverse("notification_settings"), form).status_code == 302
    planner = Person.objects.get(pk=people.ems_planner.pk)
    assert planner.time_zone == "Europe/Berlin"
    off = set(
        NotificationPreference.objects.filter(person=planner, enabled=False).values_list(
            "event", "channel"
        )
    )
    assert ("post", "inbox") not in off and ("post", "email") in off and ("mention", "email") in off
    refused = client.post(reverse("notification_settings"), form | {"time_zone": "Nowhere/At_All"})
    assert refused.status_code == 422
    assert Person.objects.get(pk=planner.pk).time_zone == "Europe/Berlin"
    # The command line.
    out = StringIO()
    call_command(
        "notifications",
        "prefs",
        "--as",
        "ems_planner",
        "--digest",
        "off",
        "--email-on",
        "post",
        stdout=out,
    )
    text = out.getvalue()
    assert "digest: off" in text and "time zone: Europe/Berlin" in text
    assert (
        NotificationPreference.objects.get(person=planner, event="post", channel="email").enabled
        is True
    )


def test_command_lists_and_reads(people: Any, programs: Any) -> None:
    _certificate, made = _world(people, programs, count=2)
    out = StringIO()
    call_command("notifications", "list", "--as", "ems_planner", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "2 unread"
    assert lines[3].split()[0] == str(made[1].pk)
    call_command("notifications", "read", "--all", "--as", "ems_planner", stdout=StringIO())
    assert unread_count(people.ems_planner) == 0
    call_command("notifications", "mute", str(made[0].pk), "--as", "ems_planner", stdout=out)
    assert Mute.objects.filter(person=people.ems_planner).exists()


def test_inbox_preference_off_keeps_it_for_email_only(people: Any, programs: Any) -> None:
    from accord.threads.notification_services import update_notification_settings

    update_notification_settings(actor=people.ems_planner, preferences={("post", "inbox"): False})
    _certificate, made = _world(people, programs, count=1)
    assert made and not made[0].in_inbox
    assert inbox_rows(people.ems_planner) == [] and unread_count(people.ems_planner) == 0
    update_notification_settings(actor=people.ems_planner, preferences={("post", "email"): False})
    assert _world(people, programs, count=1)[1] == []
