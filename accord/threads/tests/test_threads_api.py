"""Threads, posts, mentions and action items through the API and the pages: the bad input of
issue 14 (a clear 4xx, the same on page and API, nothing written), edits keeping their history,
text rendered escaped with only http, https and mailto linked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.models import Event
from accord.threads.models import (
    ActionItem,
    Notification,
    Post,
    PostMention,
    PostRevision,
    Thread,
    ThreadFollower,
)
from accord.threads.tests.sample import driver_thread

Counts = tuple[int, ...]


def _counts() -> Counts:
    return (
        Post.objects.count(),
        PostMention.objects.count(),
        PostRevision.objects.count(),
        ActionItem.objects.count(),
        Notification.objects.count(),
        ThreadFollower.objects.count(),
        Thread.objects.count(),
        Event.objects.filter(object_type__startswith="threads.").count(),
    )


@pytest.fixture
def thread(people: Any) -> Thread:
    """The driver thread, Sunridge not invited."""
    return driver_thread(people, invite_supplier=False)


def _api(people: Any, persona: str) -> Any:
    client, _secret = token_client(people[persona])
    return client


def test_mention_of_a_supplier_not_invited_is_refused_with_the_reason(people, thread):
    before = _counts()
    response = send(
        _api(people, "oem_buyer"),
        "POST",
        f"{API}/threads/{thread.pk}/posts",
        {"body": "@supplier_rep can you confirm 12 weeks?"},
    )
    body = assert_error(response, 422, "invalid")
    assert "@supplier_rep: their organisation was not invited to this thread" in body["message"]
    assert _counts() == before
    # Every name refused, each with its reason; the page says the same and writes nothing.
    response = send(
        _api(people, "oem_buyer"),
        "POST",
        f"{API}/threads/{thread.pk}/posts",
        {"body": "Status?", "mentions": ["nda_expired_partner", "other_oem_user", "ems_planner"]},
    )
    refused = assert_error(response, 422, "invalid")["detail"]["refused"]
    assert sorted(refused) == [
        "@nda_expired_partner: no NDA in force covers program Earbuds X2 for their organisation.",
        "@other_oem_user is not a member of program Earbuds X2.",
    ]
    page = client_post(people, "oem_buyer", reverse("thread_post", args=[thread.pk]))(
        {"body": "@supplier_rep please"}
    )
    assert page.status_code == 422
    assert "their organisation was not invited" in page.content.decode()
    assert _counts() == before


def client_post(people: Any, persona: str, url: str) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(people[persona])
    return lambda data: client.post(url, data)


def test_mention_of_someone_who_sees_the_thread_notifies_them(people, thread):
    response = send(
        _api(people, "oem_buyer"),
        "POST",
        f"{API}/threads/{thread.pk}/posts",
        {"body": "@ems_planner what is the buffer?"},
    )
    assert response.status_code == 201, response.content
    note = Notification.objects.get(recipient=people.ems_planner)
    assert (note.event, note.target_kind, note.target_id) == ("mention", "thread", thread.pk)
    assert note.group_key == f"thread:{thread.pk}"
    mentionable = send(
        _api(people, "oem_engineer"), "GET", f"{API}/threads/{thread.pk}/mentionable"
    )
    assert {p["username"] for p in mentionable.json()} == {
        "oem_buyer",
        "oem_engineer",
        "ems_planner",
    }


def test_empty_or_over_long_post_is_refused(people, thread):
    before = _counts()
    client = _api(people, "oem_buyer")
    for body in ("", "   \n ", "x" * 10_001):
        response = send(client, "POST", f"{API}/threads/{thread.pk}/posts", {"body": body})
        assert response.status_code == 422, (body[:5], response.content)
    page = client_post(people, "oem_buyer", reverse("thread_post", args=[thread.pk]))
    assert page({"body": "  "}).status_code == 422
    assert page({"body": "x" * 10_001}).status_code == 422
    assert _counts() == before


def test_script_is_shown_escaped_and_only_web_and_mail_links_are_linked(people, thread, client_for):
    body = (
        '<script>alert("x")</script> <img src=x onerror=alert(1)>\n'
        "see javascript:alert(1) and data:text/html,hi, "
        "https://example.com/a?b=1&c=2. or mailto:buyer@halcyon.example"
    )
    response = send(
        _api(people, "oem_buyer"), "POST", f"{API}/threads/{thread.pk}/posts", {"body": body}
    )
    assert response.status_code == 201
    assert Post.objects.get().body == body  # stored as plain text
    html = (
        client_for("oem_engineer").get(reverse("thread_detail", args=[thread.pk])).content.decode()
    )
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">' in html
    assert '<a href="mailto:buyer@halcyon.example"' in html


def test_newline_in_a_title_is_refused(people, parts, programs):
    before = _counts()
    client = _api(people, "oem_buyer")
    response = send(
        client,
        "POST",
        f"{API}/threads",
        {
            "program_id": programs["EBX2"].pk,
            "subject_kind": "part",
            "subject_id": parts["HAL-200-0001"].pk,
            "title": "Lead time\r\nBcc: everyone@example.com",
        },
    )
    assert response.status_code == 422
    page = client_post(people, "oem_buyer", reverse("thread_create", args=[programs["EBX2"].pk]))(
        {
            "subject_kind": "part",
            "subject_id": parts["HAL-200-0001"].pk,
            "title": "Lead time\nBcc: x",
            "status": "on_track",
        }
    )
    assert page.status_code == 422
    assert _counts() == before


def test_a_part_in_two_programs_gets_a_thread_in_each_and_one_per_program(people, parts, programs):
    client = _api(people, "oem_buyer")
    part = parts["HAL-100-0001"]  # in the BOMs of Earbuds X2 and Pulse HRM
    for code in ("EBX2", "PHRM"):
        response = send(
            client,
            "POST",
            f"{API}/threads",
            {
                "program_id": programs[code].pk,
                "subject_kind": "part",
                "subject_id": part.pk,
                "title": "Capacitor allocation",
            },
        )
        assert response.status_code == 201, response.content
    again = send(
        client,
        "POST",
        f"{API}/threads",
        {
            "program_id": programs["EBX2"].pk,
            "subject_kind": "part",
            "subject_id": part.pk,
            "title": "Again",
        },
    )
    assert_error(again, 409, "conflict")
    assert Thread.objects.filter(subject_kind="part", subject_id=part.pk).count() == 2


def test_edits_keep_their_history_and_only_the_author_edits(people, thread, client_for):
    client = _api(people, "oem_buyer")
    created = send(client, "POST", f"{API}/threads/{thread.pk}/posts", {"body": "12 weeks"})
    post_id = created.json()["id"]
    edited = send(client, "PATCH", f"{API}/posts/{post_id}", {"body": "14 weeks"})
    assert edited.status_code == 200 and edited.json()["edited_at"]
    history = send(_api(people, "ems_planner"), "GET", f"{API}/posts/{post_id}/history").json()
    assert [(h["body"], h["editor"]) for h in history] == [("12 weeks", "oem_buyer")]
    other = send(_api(people, "oem_engineer"), "PATCH", f"{API}/posts/{post_id}", {"body": "x"})
    assert_error(other, 403, "forbidden")
    assert (
        send(_api(people, "outsider"), "GET", f"{API}/posts/{post_id}/history").status_code == 404
    )
    page = client_for("oem_engineer").get(reverse("thread_detail", args=[thread.pk]))
    assert "edited" in page.content.decode()
    history_page = client_for("oem_engineer").get(reverse("post_history", args=[post_id]))
    assert "12 weeks" in history_page.content.decode()


def test_an_ineligible_owner_is_refused_with_the_reason(people, thread):
    before = _counts()
    due = (timezone.now() + dt.timedelta(days=7)).date().isoformat()
    response = send(
        _api(people, "oem_buyer"),
        "POST",
        f"{API}/action-items",
        {
            "thread_id": thread.pk,
            "title": "Confirm lead time",
            "owner": "supplier_rep",
            "due_date": due,
        },
    )
    body = assert_error(response, 422, "invalid")
    assert "owner: @supplier_rep: their organisation was not invited" in body["message"]
    assert _counts() == before


def test_a_due_date_past_in_the_owners_zone_is_refused(people, thread):
    from accord.core.errors import InvalidInput
    from accord.threads.actions import create_action_item

    owner = people.ems_planner
    owner.time_zone = "Pacific/Kiritimati"  # UTC+14
    owner.save(update_fields=["time_zone"])
    now = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)  # Kiritimati: 6 December, 02:00
    with pytest.raises(InvalidInput, match="in the past for the owner @ems_planner"):
        create_action_item(
            actor=people.oem_buyer,
            thread=thread,
            title="Buffer",
            owner="ems_planner",
            due_date=dt.date(2026, 12, 5),
            now=now,
        )
    engineer = people.oem_engineer
    engineer.time_zone = "America/Los_Angeles"  # 5 December, 04:00
    engineer.save(update_fields=["time_zone"])
    item = create_action_item(
        actor=people.oem_buyer,
        thread=thread,
        title="Buffer",
        owner="oem_engineer",
        due_date=dt.date(2026, 12, 5),
        now=now,
    )
    assert item.pk
    # Through the API, on today's clock: yesterday in the owner's zone.
    from accord.orgs.zones import local_day

    yesterday = local_day(owner, timezone.now()) - dt.timedelta(days=1)
    response = send(
        _api(people, "oem_buyer"),
        "POST",
        f"{API}/action-items",
        {
            "thread_id": thread.pk,
            "title": "Late",
            "owner": "ems_planner",
            "due_date": yesterday.isoformat(),
        },
    )
    assert "in the past for the owner" in assert_error(response, 422, "invalid")["message"]


def test_only_the_owner_or_creator_closes_an_item_and_the_owner_is_told(people, thread):
    due = (timezone.now() + dt.timedelta(days=7)).date().isoformat()
    created = send(
        _api(people, "oem_buyer"),
        "POST",
        f"{API}/action-items",
        {"thread_id": thread.pk, "title": "Buffer plan", "owner": "ems_planner", "due_date": due},
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    note = Notification.objects.get(recipient=people.ems_planner)
    assert (note.event, note.target_kind, note.target_id) == ("assigned", "action_item", item_id)
    url = f"{API}/action-items/{item_id}"
    assert_error(
        send(_api(people, "oem_engineer"), "PATCH", url, {"status": "done"}), 403, "forbidden"
    )
    assert send(_api(people, "outsider"), "PATCH", url, {"status": "done"}).status_code == 404
    done = send(_api(people, "ems_planner"), "PATCH", url, {"status": "done"})
    assert done.json()["status"] == "done"
    mine = send(_api(people, "ems_planner"), "GET", f"{API}/action-items?mine=true").json()
    assert [i["id"] for i in mine["results"]] == [item_id]


def test_overdue_is_counted_in_the_owners_zone(people, thread):
    from accord.threads.actions import create_action_item, is_overdue

    owner = people.ems_planner
    owner.time_zone = "Asia/Tokyo"
    owner.save(update_fields=["time_zone"])
    created = dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)
    item = create_action_item(
        actor=people.oem_buyer,
        thread=thread,
        title="Buffer",
        owner="ems_planner",
        due_date=dt.date(2026, 11, 30),
        now=created,
    )
    # 30 November 14:59 UTC is 23:59 in Tokyo: due today, not overdue; a minute later it is.
    assert not is_overdue(item, dt.datetime(2026, 11, 30, 14, 59, tzinfo=dt.UTC))
    assert is_overdue(item, dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC))
    owner.time_zone = "America/New_York"
    item.owner = owner
    assert not is_overdue(item, dt.datetime(2026, 12, 1, 4, 59, tzinfo=dt.UTC))
    assert is_overdue(item, dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC))


def test_a_file_that_is_not_pdf_png_or_jpeg_is_refused(people, thread):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _api(people, "oem_buyer")
    created = send(client, "POST", f"{API}/threads/{thread.pk}/posts", {"body": "Drawing"})
    url = f"{API}/posts/{created.json()['id']}/attachments"
    before = _counts()
    for name, data in (
        ("drawing.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html>"),
        ("a.docx", b"PK\x03\x04"),
    ):
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 422, (name, response.content)
    ok = client.post(url, {"file": SimpleUploadedFile("d.pdf", b"%PDF-1.7\n%%EOF\n")})
    assert ok.status_code == 201
    attachment = ok.json()["attachments"][0]
    download = send(
        _api(people, "ems_planner"), "GET", f"{API}/post-attachments/{attachment['id']}"
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    for persona in ("nda_expired_partner", "supplier_rep", "outsider", "other_oem_user"):
        denied = send(_api(people, persona), "GET", f"{API}/post-attachments/{attachment['id']}")
        assert denied.status_code == 404, persona
    assert _counts()[0] == before[0]
