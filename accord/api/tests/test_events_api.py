"""The event log and the access log through HTTP."""

from __future__ import annotations

import pytest

from accord.api.tests.utils import API, assert_error, send


def events(client, query: str = "") -> list[dict]:
    response = client.get(f"{API}/events?page_size=200&{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("oem_buyer", {"EBX2-PCBA rev B", "EBX2-L rev A", "PHRM-MAIN rev A"}),
        ("ems_planner", {"EBX2-PCBA rev B", "EBX2-L rev A", "PHRM-MAIN rev A", "RVC-MAIN rev C"}),
        ("ems_quality", {"PHRM-MAIN rev A"}),
        ("other_oem_user", {"RVC-MAIN rev C"}),
        ("nda_expired_partner", set()),  # restricted, and their NDA has lapsed
        ("outsider", set()),
    ],
)
def test_bom_events_follow_need_to_know(client_for, persona, expected):
    rows = events(client_for(persona), "object_type=parts.bom")
    assert {row["object_repr"] for row in rows} == expected
    assert {row["verb"] for row in rows} <= {"created BOM"}


def test_sellers_see_no_bom_events(client_for):
    # Sunridge is a partner of EBX2 with an NDA in force, yet sellers never see BOMs.
    assert events(client_for("supplier_rep"), "object_type=parts.bom") == []


def test_event_fields_and_program_filter(client_for, programs, people):
    rows = events(client_for("oem_engineer"), f"program={programs['EBX2'].pk}")
    assert rows and all(row["program"]["code"] == "EBX2" for row in rows)
    created = next(row for row in rows if row["verb"] == "created program")
    assert created["actor"] == {
        "id": people.oem_buyer.pk,
        "username": "oem_buyer",
        "name": "Maya Okafor",
    }
    assert created["changes"] == {"code": "EBX2", "name": "Earbuds X2"}
    # Newest first.
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), reverse=True)
    assert events(client_for("oem_engineer"), f"program={programs['RVC'].pk}") == []


def test_api_writes_appear_in_the_event_log(client_for):
    client = client_for("oem_buyer")
    part = send(client, "POST", f"{API}/parts", {"number": "EVT-1"}).json()
    rows = events(client, "object_type=parts.part")
    assert rows[0]["verb"] == "created part" and rows[0]["object_id"] == str(part["id"])
    # Internal to Halcyon: Meridian does not see it.
    assert not [
        r
        for r in events(client_for("ems_planner"), "object_type=parts.part")
        if r["object_id"] == str(part["id"])
    ]


def test_admins_review_who_read_their_restricted_data(client_for, boms, people):
    client_for("ems_planner").get(f"{API}/boms/{boms['EBX2-PCBA'].pk}")
    body = client_for("oem_buyer").get(f"{API}/access-log").json()
    assert body["count"] == 1
    [entry] = body["results"]
    assert entry["reader"]["username"] == "ems_planner"
    assert entry["reader_organisation"]["name"] == "Meridian Electronics Manufacturing"
    assert (entry["object_type"], entry["object_repr"], entry["channel"]) == (
        "parts.bom",
        "EBX2-PCBA rev B",
        "api",
    )
    assert entry["program"]["code"] == "EBX2"
    # Meridian's own log is empty: nobody read Meridian's restricted data.
    assert client_for("ems_planner").get(f"{API}/access-log").json()["count"] == 0


@pytest.mark.parametrize("persona", ["oem_engineer", "ems_quality"])
def test_access_log_does_not_exist_for_non_admins(client_for, boms, persona):
    client_for("ems_planner").get(f"{API}/boms/{boms['EBX2-PCBA'].pk}")
    assert_error(client_for(persona).get(f"{API}/access-log"), 404, "not_found")
