"""The build schedule through the API: scheduling, a change that makes a new version (who,
when, why), retiring, the versions read back, refusals as JSON, and the EMS's reading the
owner's schedule access-logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.models import AccessLogEntry
from accord.supply.models import Build, BuildVersion

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def buyer(people: Any) -> Any:
    return token_client(people.oem_buyer)[0]


@pytest.fixture
def build(buyer, programs, boms) -> dict[str, Any]:
    response = send(
        buyer,
        "POST",
        f"{API}/builds",
        {
            "program_id": programs["EBX2"].pk,
            "assembly_id": boms["EBX2-PCBA"].assembly_id,
            "quantity": "1000",
            "due_date": (TODAY + dt.timedelta(weeks=6)).isoformat(),
            "reference": "LOT-1",
            "note": "first forecast",
        },
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_change_makes_a_new_version_with_who_and_when(buyer, build) -> None:
    assert (build["version"], build["firmness"], build["quantity"]) == (1, "forecast", "1000")
    url = f"{API}/builds/{build['id']}"

    changed = send(buyer, "PATCH", url, {"quantity": "1200", "firmness": "firm", "note": "PO in"})

    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["version"], body["quantity"], body["firmness"]) == (2, "1200", "firm")
    assert body["due_date"] == build["due_date"]  # left out: unchanged
    versions = send(buyer, "GET", f"{url}/versions").json()
    assert [
        (v["version"], v["quantity"], v["changed_by"], v["note"]) for v in versions["results"]
    ] == [
        (2, "1200", "oem_buyer", "PO in"),
        (1, "1000", "oem_buyer", "first forecast"),
    ]
    latest = BuildVersion.objects.get(build_id=build["id"], version=2)
    assert versions["results"][0]["changed_at"].startswith(latest.changed_at.date().isoformat())


def test_retiring_is_the_last_version(buyer, build) -> None:
    url = f"{API}/builds/{build['id']}"
    retired = send(buyer, "POST", f"{url}/retire", {"note": "cancelled"}).json()
    assert (retired["status"], retired["version"]) == ("retired", 2)
    assert_error(send(buyer, "POST", f"{url}/retire", {}), 409, "conflict")
    assert_error(send(buyer, "PATCH", url, {"quantity": "5"}), 409, "conflict")
    listed = send(buyer, "GET", f"{API}/builds?status=retired").json()
    assert [b["id"] for b in listed["results"]] == [build["id"]]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),  # nothing to change
        ({"quantity": None}, 422),  # omittable, never null
        ({"quantity": "-1"}, 422),
        ({"due_date": "2026-02-30"}, 422),
        ({"due_date": 0}, 422),  # a number is no date (not 1970-01-01)
        ({"firmness": "maybe"}, 422),
        ({"version": 7}, 422),
    ],
)
def test_bad_changes_are_json_errors(buyer, build, body, status) -> None:
    response = send(buyer, "PATCH", f"{API}/builds/{build['id']}", body)
    assert response.status_code == status, response.content
    assert set(response.json()) == {"code", "message", "detail"}
    assert Build.objects.get(pk=build["id"]).version == 1


def test_sellers_and_lapsed_partners_may_not_schedule(people, programs, boms) -> None:
    body = {
        "program_id": programs["EBX2"].pk,
        "assembly_id": boms["EBX2-PCBA"].assembly_id,
        "quantity": "10",
        "due_date": TODAY.isoformat(),
    }
    for persona in ("supplier_rep", "nda_expired_partner"):
        client = token_client(people[persona])[0]
        assert_error(send(client, "POST", f"{API}/builds", body), 403, "forbidden")
    outsider = token_client(people.other_oem_user)[0]
    assert_error(send(outsider, "POST", f"{API}/builds", body), 404, "not_found")
    assert not Build.objects.exists()


def test_the_ems_reading_the_owners_schedule_is_logged(buyer, build, people, orgs) -> None:
    planner = token_client(people.ems_planner)[0]
    send(buyer, "GET", f"{API}/builds")
    assert AccessLogEntry.objects.count() == 0

    listed = send(planner, "GET", f"{API}/builds").json()
    send(planner, "GET", f"{API}/builds/{build['id']}/versions")

    assert [b["id"] for b in listed["results"]] == [build["id"]]
    entries = AccessLogEntry.objects.order_by("pk")
    assert [(e.owner, e.row_count, e.path) for e in entries] == [
        (orgs["halcyon"], 1, f"{API}/builds"),
        (orgs["halcyon"], 1, f"{API}/builds/{build['id']}/versions"),
    ]
    seller = token_client(people.supplier_rep)[0]
    assert send(seller, "GET", f"{API}/builds").json()["count"] == 0
    assert_error(send(seller, "GET", f"{API}/builds/{build['id']}"), 404, "not_found")
