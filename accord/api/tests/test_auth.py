"""Authentication: tokens and sessions, CSRF, and the route matrix (every operation is listed)."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accord.api.api import api
from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.models import ApiToken, Event, IdempotencyRecord
from accord.parts.models import Part

# Every operation of the API. A new route must be added here (and to the tests) or this fails.
OPERATIONS = {
    ("GET", "/me"),
    ("GET", "/tokens"),
    ("POST", "/tokens"),
    ("DELETE", "/tokens/{token_id}"),
    ("GET", "/events"),
    ("GET", "/access-log"),
    ("GET", "/organisations"),
    ("GET", "/organisations/{org_id}"),
    ("GET", "/programs"),
    ("GET", "/programs/{program_id}"),
    ("GET", "/programs/{program_id}/members"),
    ("POST", "/programs/{program_id}/members"),
    ("DELETE", "/programs/{program_id}/members/{person_id}"),
    ("GET", "/ndas"),
    ("GET", "/ndas/{nda_id}"),
    ("GET", "/parts"),
    ("GET", "/parts/{part_id}"),
    ("POST", "/parts"),
    ("PATCH", "/parts/{part_id}"),
    ("POST", "/parts/{part_id}/sources"),
    ("PATCH", "/parts/{part_id}/sources/{source_id}"),
    ("GET", "/boms"),
    ("GET", "/boms/{bom_id}"),
    ("GET", "/boms/{bom_id}/lines"),
    ("GET", "/boms/{bom_id}/export"),
    ("POST", "/boms"),
    ("POST", "/boms/import"),
    ("POST", "/parts/import"),
}

CREATING = {(m, p) for m, p in OPERATIONS if m == "POST"}


def schema_operations() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path.removeprefix(API))
        for path, operations in paths.items()
        for method in operations
    }


def concrete(path: str) -> str:
    return API + re.sub(r"\{[a-z_]+\}", "1", path)


def test_every_operation_is_in_the_matrix():
    assert schema_operations() == OPERATIONS


def test_creating_operations_accept_an_idempotency_key():
    paths = api.get_openapi_schema()["paths"]
    for method, path in CREATING:
        parameters = paths[API + path][method.lower()].get("parameters", [])
        assert any(p["name"] == "Idempotency-Key" for p in parameters), path


def test_anonymous_gets_401_json_on_every_operation(db):
    client = Client()
    for method, path in sorted(OPERATIONS):
        response = send(client, method, concrete(path), {})
        assert_error(response, 401, "unauthenticated")


def test_operation_ids_are_unique_and_short():
    paths = api.get_openapi_schema()["paths"]
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(ids) == len(set(ids)) == len(OPERATIONS)
    assert "list_parts" in ids and "create_bom" in ids


def test_token_create_use_revoke(client_for, people):
    browser = client_for("oem_buyer")
    created = send(browser, "POST", f"{API}/tokens", {"name": "nightly sync"})
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("acc_") and body["prefix"] == secret[:10] and body["active"]

    script = Client(headers={"Authorization": f"Bearer {secret}"})
    me = send(script, "GET", f"{API}/me")
    assert me.status_code == 200
    assert me.json()["username"] == "oem_buyer"

    listed = send(script, "GET", f"{API}/tokens").json()
    assert [t["name"] for t in listed["results"]] == ["nightly sync"]
    assert "secret" not in listed["results"][0]
    assert secret not in send(script, "GET", f"{API}/tokens").content.decode()

    revoked = send(script, "DELETE", f"{API}/tokens/{body['id']}")
    assert (revoked.status_code, revoked.content) == (204, b"")
    assert ApiToken.objects.get(pk=body["id"]).revoked_at is not None
    assert_error(send(script, "GET", f"{API}/me"), 401, "unauthenticated")
    # The session is unaffected, and sees the token as revoked.
    again = send(browser, "GET", f"{API}/tokens").json()["results"][0]
    assert again["revoked_at"] is not None and again["active"] is False
    assert_error(send(browser, "DELETE", f"{API}/tokens/{body['id']}"), 409, "conflict")


def test_token_secret_is_stored_only_as_a_digest(client_for, people):
    response = send(
        client_for("oem_buyer"),
        "POST",
        f"{API}/tokens",
        {"name": "ci"},
        **{"Idempotency-Key": "t1"},
    )
    secret = response.json()["secret"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.digest != secret and len(token.digest) == 64
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert secret not in dump.getvalue()
    stored = IdempotencyRecord.objects.get(key="t1")
    assert secret.encode() not in bytes(stored.response_body or b"")
    assert not Event.objects.filter(changes__icontains=secret).exists()


def test_token_request_sets_the_person_and_reaches_their_data(people, parts):
    client, _ = token_client(people.ems_planner)
    assert send(client, "GET", f"{API}/me").json()["organisation"]["name"] == (
        "Meridian Electronics Manufacturing"
    )
    hal = parts["HAL-100-0001"]
    assert send(client, "GET", f"{API}/parts/{hal.pk}").status_code == 200
    other, _ = token_client(people.outsider)
    assert_error(send(other, "GET", f"{API}/parts/{hal.pk}"), 404, "not_found")


def test_a_token_cannot_mint_tokens(people):
    client, _ = token_client(people.oem_buyer)
    before = ApiToken.objects.count()
    assert_error(send(client, "POST", f"{API}/tokens", {"name": "x"}), 401, "unauthenticated")
    assert ApiToken.objects.count() == before


def test_bad_credentials_answer_401(people):
    for header in ["Bearer acc_nope", "Bearer ", "Basic b2VtX2J1eWVyOm9lbV9idXllcg==", "acc_x"]:
        client = Client(headers={"Authorization": header})
        assert_error(send(client, "GET", f"{API}/me"), 401, "unauthenticated")


def test_wrong_token_does_not_fall_back_to_the_session(client_for):
    browser = client_for("oem_buyer")
    response = send(browser, "GET", f"{API}/me", Authorization="Bearer acc_wrong")
    assert_error(response, 401, "unauthenticated")


def test_expired_token_is_refused(people):
    client, _ = token_client(people.oem_buyer)
    assert send(client, "GET", f"{API}/me").status_code == 200
    ApiToken.objects.filter(person=people.oem_buyer).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_error(send(client, "GET", f"{API}/me"), 401, "unauthenticated")


def test_token_expiry_must_be_in_the_future(client_for):
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = send(
        client_for("oem_buyer"), "POST", f"{API}/tokens", {"name": "x", "expires_at": past}
    )
    assert_error(response, 422, "invalid")


def test_cannot_revoke_someone_elses_token(people, client_for):
    token_client(people.oem_engineer)
    theirs = ApiToken.objects.get(person=people.oem_engineer)
    response = send(client_for("oem_buyer"), "DELETE", f"{API}/tokens/{theirs.pk}")
    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_session_writes_need_the_csrf_token(people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.oem_buyer)
    before = Part.objects.count()
    refused = send(browser, "POST", f"{API}/parts", {"number": "CSRF-1"})
    assert_error(refused, 403, "csrf_failed")
    assert Part.objects.count() == before
    # Reads need no token; the docs page hands one out for "Try it out".
    assert send(browser, "GET", f"{API}/me").status_code == 200
    assert browser.get(f"{API}/docs").status_code == 200
    csrf = browser.cookies["csrftoken"].value
    accepted = send(browser, "POST", f"{API}/parts", {"number": "CSRF-1"}, **{"X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.content
    assert Part.objects.count() == before + 1


def test_token_writes_need_no_csrf_token(people):
    client, _ = token_client(people.oem_buyer, enforce_csrf_checks=True)
    assert send(client, "POST", f"{API}/parts", {"number": "TOKEN-1"}).status_code == 201
