"""The right to sign agreements: an organisation's administrators grant and withdraw it for its
people (themselves included) on the people page, through the API and from the command line;
a colleague who is not an administrator is refused (403), someone of another organisation is
as absent as anything else one may not see (404)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.api.tests.utils import API, assert_error, send
from accord.core.models import Event
from accord.orgs.models import Person
from accord.orgs.services import deactivate_person, set_signing_right
from accord.web.tests.helpers import table


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _right(username: str) -> bool:
    return Person.objects.get(username=username).can_sign_agreements


def _events(username: str) -> list[tuple[str, str, Any]]:
    person = Person.objects.get(username=username)
    return [
        (e.actor.username if e.actor else "", e.verb, e.changes)
        for e in Event.objects.filter(object_type="orgs.person", object_id=str(person.pk))
        .filter(verb__contains="signing right")
        .order_by("id")
    ]


def test_the_people_page_shows_the_right_and_administrators_grant_it(
    client_for: Any, people: Any
) -> None:
    admin = client_for("oem_buyer")
    page = admin.get(reverse("people_list"))
    rows = {row[1]: row for row in table(page, "People of")}
    # Maya (oem_buyer) signs for Halcyon (the personas' loader named her); Tomas does not.
    assert rows["oem_buyer"][6].startswith("Yes") and "Revoke" in rows["oem_buyer"][6]
    assert rows["oem_engineer"][6].startswith("No") and "Grant" in rows["oem_engineer"][6]
    response = admin.post(
        reverse("person_signing_right", args=[people.oem_engineer.pk]), {"allowed": "yes"}
    )
    assert response.status_code == 302
    assert _right("oem_engineer")
    assert _events("oem_engineer") == [
        ("oem_buyer", "granted signing right", {"can_sign_agreements": [False, True]})
    ]
    # Granting again changes nothing and records nothing.
    admin.post(reverse("person_signing_right", args=[people.oem_engineer.pk]), {"allowed": "yes"})
    assert len(_events("oem_engineer")) == 1
    admin.post(reverse("person_signing_right", args=[people.oem_engineer.pk]), {"allowed": "no"})
    assert not _right("oem_engineer")
    assert _events("oem_engineer")[-1][1] == "withdrew signing right"
    # The export carries the column.
    csv = admin.get(reverse("people_list") + "?format=csv").content.decode("utf-8-sig")
    assert "May sign agreements" in csv.splitlines()[0]


def test_a_colleague_sees_the_column_without_the_buttons_and_is_refused(
    client_for: Any, people: Any
) -> None:
    engineer = client_for("oem_engineer")
    page = engineer.get(reverse("people_list"))
    rows = {row[1]: row for row in table(page, "People of")}
    assert rows["oem_buyer"][6] == "Yes" and rows["oem_engineer"][6] == "No"
    refused = engineer.post(
        reverse("person_signing_right", args=[people.oem_engineer.pk]), {"allowed": "yes"}
    )
    assert refused.status_code == 403
    assert not _right("oem_engineer")
    # Another organisation's administrator: as if Tomas did not exist.
    other = client_for("ems_planner").post(
        reverse("person_signing_right", args=[people.oem_engineer.pk]), {"allowed": "yes"}
    )
    assert other.status_code == 404
    assert not _right("oem_engineer") and _events("oem_engineer") == []


def test_an_administrator_grants_it_to_themselves_and_a_deactivated_person_is_refused(
    client_for: Any, people: Any
) -> None:
    set_signing_right(actor=people.ems_planner, person=people.ems_planner, allowed=False)
    assert not _right("ems_planner")
    client = client_for("ems_planner")
    client.post(reverse("person_signing_right", args=[people.ems_planner.pk]), {"allowed": "yes"})
    assert _right("ems_planner")
    deactivate_person(actor=people.ems_planner, person=people.ems_quality)
    page = client.post(
        reverse("person_signing_right", args=[people.ems_quality.pk]), {"allowed": "yes"}
    )
    assert page.status_code == 302
    assert not _right("ems_quality")
    followed = client.get(reverse("people_list"))
    assert "is deactivated: reactivate them first" in followed.content.decode()
    bad = client.post(reverse("person_signing_right", args=[people.ems_quality.pk]), {})
    assert bad.status_code == 422


def test_the_signing_right_through_the_api(client_for: Any, people: Any) -> None:
    url = f"{API}/people/{people.oem_engineer.pk}/signing-right"
    admin = client_for("oem_buyer")
    granted = send(admin, "PUT", url, {"allowed": True})
    assert granted.status_code == 200, granted.content
    assert granted.json()["can_sign_agreements"] is True and _right("oem_engineer")
    listed = admin.get(f"{API}/people?q=Lindqvist").json()["results"]
    assert [p["can_sign_agreements"] for p in listed] == [True]
    assert send(admin, "PUT", url, {"allowed": False}).json()["can_sign_agreements"] is False
    assert [v for _a, v, _c in _events("oem_engineer")] == [
        "granted signing right",
        "withdrew signing right",
    ]
    # Not a boolean, a missing field, an unknown one: 422, nothing written.
    for body in ({"allowed": "yes"}, {}, {"allowed": True, "extra": 1}, {"allowed": 1}):
        assert_error(send(admin, "PUT", url, body), 422, "invalid")
    assert not _right("oem_engineer")
    assert_error(send(client_for("oem_engineer"), "PUT", url, {"allowed": True}), 403, "forbidden")
    assert_error(send(client_for("ems_planner"), "PUT", url, {"allowed": True}), 404, "not_found")
    assert not _right("oem_engineer")
    me = client_for("oem_buyer").get(f"{API}/me").json()
    assert me["can_sign_agreements"] is True


def test_the_signing_right_from_the_command_line(people: Any) -> None:
    assert "oem_engineer may sign agreements for Halcyon" in run(
        "people", "signing-right", "oem_engineer", "--grant", "--as", "oem_buyer"
    )
    assert _right("oem_engineer")
    listing = json.loads(run("people", "list", "--as", "oem_buyer", "--json"))
    assert {p["username"]: p["signer"] for p in listing} == {
        "oem_buyer": True,
        "oem_engineer": True,
    }
    assert "may no longer sign" in run(
        "people", "signing-right", "oem_engineer", "--revoke", "--as", "oem_buyer"
    )
    assert not _right("oem_engineer")
    with pytest.raises(CommandError, match="Only an administrator"):
        run("people", "signing-right", "oem_engineer", "--grant", "--as", "oem_engineer")
    with pytest.raises(CommandError, match="Not found"):
        run("people", "signing-right", "oem_engineer", "--grant", "--as", "ems_planner")
    with pytest.raises(CommandError):
        run("people", "signing-right", "oem_engineer", "--as", "oem_buyer")  # neither flag
    assert not _right("oem_engineer")
