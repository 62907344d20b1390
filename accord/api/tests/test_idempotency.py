"""Idempotency-Key: the same creating request twice creates one object."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection
from django.test import RequestFactory
from ninja.responses import Status

from accord.api.idempotency import _body_digest, run_idempotently
from accord.api.tests.utils import API, assert_error, send
from accord.core.models import Event, IdempotencyRecord
from accord.parts import services as part_services
from accord.parts.models import ApprovedSource, Bom, Part

KEY = {"Idempotency-Key": "3f0c2a9e-5d1b-4c1e-9a43-7d2b8e6f1a20"}


def test_same_key_same_body_creates_one_part_and_replays_the_response(client_for):
    client = client_for("oem_buyer")
    before = Part.objects.count()
    body = {"number": "IDEM-1", "description": "Once only"}
    first = send(client, "POST", f"{API}/parts", body, **KEY)
    # Same JSON, other key order and spacing: the same request.
    again = send(
        client, "POST", f"{API}/parts", b'{ "description": "Once only", "number": "IDEM-1" }', **KEY
    )
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Part.objects.count() == before + 1
    assert Part.objects.get(number="IDEM-1").pk == first.json()["id"]


def test_without_a_key_each_request_stands_alone(client_for):
    client = client_for("oem_buyer")
    assert send(client, "POST", f"{API}/parts", {"number": "NOKEY-1"}).status_code == 201
    assert_error(send(client, "POST", f"{API}/parts", {"number": "NOKEY-1"}), 409, "conflict")
    assert not IdempotencyRecord.objects.exists()


def test_same_key_other_body_is_refused(client_for):
    client = client_for("oem_buyer")
    assert send(client, "POST", f"{API}/parts", {"number": "IDEM-2"}, **KEY).status_code == 201
    before = Part.objects.count()
    response = send(client, "POST", f"{API}/parts", {"number": "IDEM-3"}, **KEY)
    assert_error(response, 422, "idempotency_key_reused")
    assert Part.objects.count() == before
    assert not Part.objects.filter(number="IDEM-3").exists()


def test_same_key_on_another_endpoint_is_refused(client_for, parts):
    client = client_for("oem_buyer")
    assert send(client, "POST", f"{API}/parts", {"number": "IDEM-4"}, **KEY).status_code == 201
    source = {"manufacturer": "Vishay", "mpn": "CRCW04021K00FKED"}
    url = f"{API}/parts/{parts['HAL-100-0002'].pk}/sources"
    assert_error(send(client, "POST", url, source, **KEY), 422, "idempotency_key_reused")
    assert ApprovedSource.objects.filter(part=parts["HAL-100-0002"]).count() == 2


def test_keys_belong_to_one_person(client_for, people):
    assert (
        send(
            client_for("oem_buyer"), "POST", f"{API}/parts", {"number": "IDEM-5"}, **KEY
        ).status_code
        == 201
    )
    other = send(client_for("ems_planner"), "POST", f"{API}/parts", {"number": "IDEM-5"}, **KEY)
    assert other.status_code == 201
    assert other.json()["owner"]["name"] == "Meridian Electronics Manufacturing"
    assert IdempotencyRecord.objects.filter(key=KEY["Idempotency-Key"]).count() == 2


def test_a_failed_request_does_not_use_up_the_key(client_for, parts):
    client = client_for("oem_buyer")
    clash = send(client, "POST", f"{API}/parts", {"number": "HAL-100-0001"}, **KEY)
    assert_error(clash, 409, "conflict")
    assert not IdempotencyRecord.objects.exists()
    fixed = send(client, "POST", f"{API}/parts", {"number": "HAL-100-0099"}, **KEY)
    assert fixed.status_code == 201


def test_idempotent_bom_creation(client_for, programs, parts):
    client = client_for("oem_buyer")
    body = {
        "program_id": programs["EBX2"].pk,
        "assembly_id": parts["EBX2-L"].pk,
        "revision": "C",
        "lines": [{"part_id": parts["EBX2-PCBA"].pk, "quantity": 1}],
    }
    first = send(client, "POST", f"{API}/boms", body, **KEY)
    second = send(client, "POST", f"{API}/boms", body, **KEY)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert Bom.objects.filter(assembly=parts["EBX2-L"], revision="C").count() == 1


def test_a_committed_request_from_elsewhere_is_replayed(client_for, people):
    """What a concurrent twin sees: the (person, key) row exists, so it replays, never creates."""
    body = {"number": "RACE-1"}
    stored = b'{"id": 424242, "number": "RACE-1"}'
    IdempotencyRecord.objects.create(
        person=people.oem_buyer,
        key=KEY["Idempotency-Key"],
        method="POST",
        path=f"{API}/parts",
        request_digest=_body_digest(json.dumps(body).encode()),
        status_code=201,
        response_body=stored,
    )
    response = send(client_for("oem_buyer"), "POST", f"{API}/parts", body, **KEY)
    assert (response.status_code, response.content) == (201, stored)
    assert not Part.objects.filter(number="RACE-1").exists()


def test_a_request_still_in_progress_is_a_conflict(client_for, people):
    body = {"number": "RACE-2"}
    IdempotencyRecord.objects.create(
        person=people.oem_buyer,
        key=KEY["Idempotency-Key"],
        method="POST",
        path=f"{API}/parts",
        request_digest=_body_digest(json.dumps(body).encode()),
    )
    response = send(client_for("oem_buyer"), "POST", f"{API}/parts", body, **KEY)
    assert_error(response, 409, "conflict")
    assert not Part.objects.filter(number="RACE-2").exists()


def test_token_replay_never_shows_or_stores_the_secret(client_for):
    client = client_for("oem_buyer")
    first = send(client, "POST", f"{API}/tokens", {"name": "deploy"}, **KEY)
    again = send(client, "POST", f"{API}/tokens", {"name": "deploy"}, **KEY)
    assert first.status_code == again.status_code == 201
    assert first.json()["secret"].startswith("acc_")
    assert again.json() == {**first.json(), "secret": None}
    record = IdempotencyRecord.objects.get(key=KEY["Idempotency-Key"])
    assert first.json()["secret"].encode() not in bytes(record.response_body or b"")


def _in_own_connection(work):
    """Run `work` in a thread: its own database connection, outside the test's transaction."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL"
)
def test_concurrent_twins_with_one_key_create_one_part(people):
    key = "concurrent-twins-0001"
    person = people.oem_buyer
    body = json.dumps({"number": "CONC-1"})
    barrier = threading.Barrier(2)

    def create() -> Status:
        time.sleep(0.3)  # hold the first transaction open while the twin arrives
        part = part_services.create_part(actor=person, number="CONC-1")
        return Status(201, {"id": part.pk, "number": part.number})

    def request_once():
        request = RequestFactory().post(
            f"{API}/parts", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        request.user = person
        barrier.wait()
        response = run_idempotently(request, create)
        return response.status_code, response.content

    def clean_up():
        ids = list(Part.objects.filter(number="CONC-1").values_list("pk", flat=True))
        Event.objects.filter(object_type="parts.part", object_id__in=[str(i) for i in ids]).delete()
        Part.objects.filter(pk__in=ids).delete()
        IdempotencyRecord.objects.filter(key=key).delete()

    twins = [_in_own_connection(request_once) for _ in range(2)]
    try:
        for thread, _ in twins:
            thread.join(timeout=30)
        results = [outcome.get("value", outcome.get("error")) for _, outcome in twins]
        counted = _in_own_connection(lambda: Part.objects.filter(number="CONC-1").count())
        counted[0].join(timeout=30)
        assert counted[1]["value"] == 1
        assert results[0] == results[1], results
        assert results[0][0] == 201
    finally:
        cleaner, _ = _in_own_connection(clean_up)
        cleaner.join(timeout=30)
