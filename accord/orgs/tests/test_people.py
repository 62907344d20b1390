"""An organisation's people: added, invited, signed up by one-time link, edited, deactivated."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.models import ApiToken, Event
from accord.orgs import services
from accord.orgs.models import Invitation, Person
from accord.web.tests.helpers import text

PASSWORD = "a long enough passphrase"


def _secret(link: str) -> str:
    match = re.search(r"/join/([^/]+)/$", link)
    assert match, link
    return match.group(1)


def test_an_admin_adds_a_person_who_sets_a_password_through_the_link(
    client_for: Any, people: Any
) -> None:
    admin = client_for("oem_buyer")
    response = admin.post(
        reverse("person_create"),
        {"username": "priya", "email": "priya@halcyon.example", "first_name": "Priya"},
    )
    assert response.status_code == 201
    page = text(response)
    assert "Priya is added" in page
    link = re.search(r'value="(http://testserver/join/[^"]+/)"', response.content.decode())
    assert link, "the one-time link is on the page"
    priya = Person.objects.get(username="priya")
    assert priya.organisation == people.oem_buyer.organisation
    assert not priya.has_usable_password()
    assert not Client().login(username="priya", password=PASSWORD)

    visitor = Client()
    signup_url = link.group(1).removeprefix("http://testserver")
    form = visitor.get(signup_url)
    assert form.status_code == 200
    assert "Join Halcyon Devices on Accord" in text(form)
    assert "priya" in text(form)  # the username an administrator chose
    weak = visitor.post(signup_url, {"password": "1234", "password_again": "1234"})
    assert weak.status_code == 422
    done = visitor.post(signup_url, {"password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("dashboard")
    assert visitor.get(reverse("dashboard")).status_code == 200  # signed in
    assert Client().login(username="priya", password=PASSWORD)
    # The link works once.
    again = Client().get(signup_url)
    assert again.status_code == 410
    assert "used already" in text(again)
    assert Event.objects.filter(verb="accepted invitation", actor=priya).exists()


def test_an_invitation_lets_the_invitee_choose_a_username(people: Any) -> None:
    issued = services.invite_person(
        actor=people.ems_planner, email="Chen@Meridian.example", first_name="Chen", role="buyer"
    )
    person = services.accept_invitation(
        secret=issued.secret, password=PASSWORD, username="chen", last_name="Wei"
    )
    assert person.organisation == people.ems_planner.organisation
    assert (person.first_name, person.last_name, person.role) == ("Chen", "Wei", "buyer")
    assert not person.is_org_admin
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is not None and issued.invitation.person == person


def test_links_that_expired_or_were_withdrawn_are_refused(people: Any) -> None:
    expired = services.invite_person(actor=people.oem_buyer, email="late@halcyon.example")
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Client().get(reverse("signup", args=[expired.secret])).status_code == 410
    withdrawn = services.invite_person(actor=people.oem_buyer, email="gone@halcyon.example")
    services.revoke_invitation(actor=people.oem_buyer, invitation=withdrawn.invitation)
    response = Client().post(
        reverse("signup", args=[withdrawn.secret]),
        {"username": "gone", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 410
    assert not Person.objects.filter(username="gone").exists()
    assert Client().get(reverse("signup", args=["not-a-real-link"])).status_code == 404


def test_inviting_the_same_address_again_replaces_the_pending_link(people: Any) -> None:
    first = services.invite_person(actor=people.oem_buyer, email="twice@halcyon.example")
    second = services.invite_person(actor=people.oem_buyer, email="TWICE@halcyon.example")
    first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None
    try:
        services.accept_invitation(secret=first.secret, password=PASSWORD, username="twice")
    except Conflict as refused:
        assert "withdrawn" in refused.message
    else:
        raise AssertionError("a replaced link must not work")
    assert services.accept_invitation(secret=second.secret, password=PASSWORD, username="twice")


def test_invitations_are_emailed_when_email_is_configured(
    client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCORD_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("oem_buyer").post(
            reverse("person_invite"), {"email": "new.buyer@halcyon.example"}
        )
    assert response.status_code == 201
    assert "(it has also been e-mailed)" in text(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.buyer@halcyon.example"]
    assert "/join/" in message.body and "Halcyon Devices" in message.subject


def test_deactivation_ends_sessions_and_revokes_tokens_at_once(
    client_for: Any, people: Any
) -> None:
    engineer = people.oem_engineer
    browser = client_for("oem_engineer")
    assert browser.get(reverse("dashboard")).status_code == 200
    script, _ = token_client(engineer)
    assert script.get(f"{API}/me").status_code == 200

    response = client_for("oem_buyer").post(reverse("person_deactivate", args=[engineer.pk]))
    assert response.status_code == 302
    engineer.refresh_from_db()
    assert not engineer.is_active and engineer.session_version == 1
    gone = browser.get(reverse("dashboard"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))
    assert_error(script.get(f"{API}/me"), 401, "unauthenticated")
    assert not ApiToken.objects.filter(person=engineer, revoked_at__isnull=True).exists()
    assert not Client().login(username="oem_engineer", password="oem_engineer")

    services.reactivate_person(actor=people.oem_buyer, person=engineer)
    assert Client().login(username="oem_engineer", password="oem_engineer")
    assert browser.get(reverse("dashboard")).status_code == 302  # the old session stays ended
    assert_error(script.get(f"{API}/me"), 401, "unauthenticated")  # and the old tokens


def test_an_organisation_keeps_an_active_administrator(people: Any) -> None:
    buyer = people.oem_buyer
    for attempt in (
        lambda: services.update_person(actor=buyer, person=buyer, is_org_admin=False),
        lambda: services.deactivate_person(actor=buyer, person=buyer),
    ):
        try:
            attempt()
        except Conflict:
            pass
        else:
            raise AssertionError("the last administrator must stay")
    services.update_person(actor=buyer, person=people.oem_engineer, is_org_admin=True)
    services.update_person(actor=buyer, person=buyer, is_org_admin=False)
    buyer.refresh_from_db()
    assert not buyer.is_org_admin


def test_people_are_managed_through_the_api(people: Any) -> None:
    admin, _ = token_client(people.ems_planner)
    created = send(
        admin,
        "POST",
        f"{API}/people",
        {"username": "ravi", "email": "ravi@meridian.example", "role": "planner"},
        **{"Idempotency-Key": "add-ravi"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["person"]["username"] == "ravi" and body["person"]["has_password"] is False
    assert body["invitation"]["state"] == "pending" and "/join/" in body["invitation"]["link"]
    replay = send(
        admin,
        "POST",
        f"{API}/people",
        {"username": "ravi", "email": "ravi@meridian.example", "role": "planner"},
        **{"Idempotency-Key": "add-ravi"},
    )
    assert replay.status_code == 201 and replay.json()["invitation"] is None  # shown once
    ravi = Person.objects.get(username="ravi")
    patched = send(admin, "PATCH", f"{API}/people/{ravi.pk}", {"title": "Senior planner"})
    assert patched.json()["title"] == "Senior planner"
    unknown = send(admin, "PATCH", f"{API}/people/{ravi.pk}", {"username": "other"})
    assert_error(unknown, 422, "invalid")
    assert "username" in str(unknown.json()["detail"])
    control = send(admin, "PATCH", f"{API}/people/{ravi.pk}", {"title": "Planner\x07"})
    assert_error(control, 422, "invalid")
    deactivated = send(admin, "POST", f"{API}/people/{ravi.pk}/deactivate")
    assert deactivated.json()["is_active"] is False
    again = send(admin, "POST", f"{API}/people/{ravi.pk}/deactivate")
    assert_error(again, 409, "conflict")
    listed = [p["username"] for p in admin.get(f"{API}/people?active=false").json()["results"]]
    assert listed == ["ravi"]
    # Another organisation's person does not exist for Meridian's administrator.
    assert_error(admin.get(f"{API}/people/{people.oem_buyer.pk}"), 404, "not_found")


def test_a_link_for_someone_who_has_no_password_yet(people: Any) -> None:
    person, first = services.add_person(
        actor=people.oem_buyer,
        organisation=people.oem_buyer.organisation,
        username="late_joiner",
        email="late@halcyon.example",
    )
    second = services.reissue_invitation(actor=people.oem_buyer, person=person)
    first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None
    services.accept_invitation(secret=second.secret, password=PASSWORD)
    try:
        services.reissue_invitation(actor=people.oem_buyer, person=person)
    except Conflict as refused:
        assert "password already" in refused.message
    else:
        raise AssertionError("no link for someone who has a password")


def test_an_unknown_link_and_a_bad_username_are_clear_refusals(people: Any) -> None:
    try:
        services.accept_invitation(secret="x" * 200, password=PASSWORD, username="a")
    except NotFound:
        pass
    else:
        raise AssertionError
    issued = services.invite_person(actor=people.oem_buyer, email="taken@halcyon.example")
    try:
        services.accept_invitation(secret=issued.secret, password=PASSWORD, username="oem_buyer")
    except Conflict as taken:
        assert "taken" in taken.message
    else:
        raise AssertionError("an existing username is refused")
    try:
        services.accept_invitation(secret=issued.secret, password=PASSWORD, username="")
    except InvalidInput as missing:
        assert missing.detail == {"field": "username"}
    else:
        raise AssertionError("a username is needed")
