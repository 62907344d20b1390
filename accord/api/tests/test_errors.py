"""Every error is JSON {"code", "message", "detail"}; bad input is a 4xx, never a 500."""

from __future__ import annotations

import json

import pytest

from accord.api.tests.utils import API, MISSING_ID, assert_error, send
from accord.core.models import Event, IdempotencyRecord
from accord.parts.models import ApprovedSource, Bom, Part


def test_unknown_path_under_the_api_is_a_json_404(client_for):
    for path in ["/nope", "/parts/1/nope", "/parts/", "/v2/parts"]:
        assert_error(client_for("oem_buyer").get(API + path), 404, "not_found")
    # Even for anonymous callers: an unknown path is not an authentication question.
    assert_error(client_for("anonymous").get(f"{API}/nope"), 404, "not_found")


def test_api_root_lists_docs_and_schema(client_for):
    body = client_for("anonymous").get(f"{API}/").json()
    assert body["docs"].endswith("/api/v1/docs")
    assert body["openapi"].endswith("/api/v1/openapi.json")


def test_method_not_allowed_is_a_json_405(client_for):
    response = send(client_for("oem_buyer"), "DELETE", f"{API}/me")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    response = send(client_for("oem_buyer"), "PUT", f"{API}/parts", {})
    assert_error(response, 405, "method_not_allowed")


def test_missing_object_is_a_json_404(client_for):
    assert_error(client_for("oem_buyer").get(f"{API}/parts/{MISSING_ID}"), 404, "not_found")


def test_invalid_body_lists_the_field_errors(client_for):
    response = send(client_for("oem_buyer"), "POST", f"{API}/parts", {"number": "", "rank": 1})
    body = assert_error(response, 422, "invalid")
    assert body["detail"] == [
        {
            "loc": ["body", "payload", "number"],
            "msg": "String should have at least 1 character",
            "type": "string_too_short",
        },
        {
            "loc": ["body", "payload", "rank"],
            "msg": "Unknown field: this operation does not take it.",
            "type": "extra_forbidden",
        },
    ]
    assert "number: String should have at least 1 character" in body["message"]
    assert "rank: Unknown field" in body["message"]


def test_bad_json_is_a_400(client_for):
    response = send(client_for("oem_buyer"), "POST", f"{API}/parts", b'{"number": ')
    assert_error(response, 400, "bad_request")


def test_domain_errors_keep_their_status_and_code(client_for, parts):
    response = send(client_for("oem_buyer"), "POST", f"{API}/parts", {"number": "HAL-100-0001"})
    body = assert_error(response, 409, "conflict")
    assert body["detail"] == {"field": "number"}


def test_unexpected_errors_are_a_json_500_without_internals(client_for, monkeypatch):
    def broken(user):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("accord.orgs.api.programs_with_role", broken)
    response = client_for("oem_buyer").get(f"{API}/me")
    body = assert_error(response, 500, "server_error")
    assert "hunter2" not in json.dumps(body)


BAD_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b"42",
    b'"text"',
    b"\xff\xfe\x00",
    b'{"number": null}',
    b'{"number": 12}',
    b'{"number": {"a": []}}',
    b'{"number": "a\\u0000b"}',
    b'{"number": "\\ud800"}',
    json.dumps({"number": "x" * 81}).encode(),
    b'{"number": "ok", "classification": "secret"}',
    b'{"number": "ok", "category": "no-such-category"}',
    b'{"number": "ok", "is_assembly": "perhaps"}',
]

BAD_QUERIES = [
    "page=abc",
    "page=0",
    "page=-1",
    "page=10000000000000000000000",
    "page_size=abc",
    "page_size=0",
    "page_size=-1",
    "page_size=100000",
    "sort=bogus",
    "sort=-owner__password",
    "lifecycle=bogus",
    "sourcing=some",
    "q=%00",
    "q=" + "x" * 1000,
    "category=%00",
]

BAD_PATHS = [
    "/parts/abc",
    "/parts/0",
    "/parts/-1",
    "/parts/1.5",
    "/parts/99999999999999999999999",
    "/parts/%00",
    "/boms/abc",
    "/boms/abc/export",
    "/programs/abc",
    "/programs/abc/members",
    "/organisations/9223372036854775808",
    "/ndas/abc",
    "/ndas?in_force=maybe",
    "/ndas?party=abc",
    "/events?program=abc",
    "/events?object_type=%00",
    "/boms?program=-3",
]


def _bom(programs, parts, **changes):
    body = {
        "program_id": programs["EBX2"].pk,
        "assembly_id": parts["EBX2-L"].pk,
        "revision": "Z",
        "lines": [{"part_id": parts["HAL-100-0001"].pk, "quantity": "1"}],
    }
    body.update(changes)
    return body


def _line(parts, **changes):
    return {"part_id": parts["HAL-100-0001"].pk, "quantity": "1", **changes}


def test_bad_input_fuzz_is_always_a_4xx(client_for, parts, programs, boms):
    client = client_for("oem_buyer")
    before = (Part.objects.count(), Bom.objects.count(), ApprovedSource.objects.count())
    events = Event.objects.count()
    part = parts["HAL-100-0001"]
    requests: list[tuple[str, str, object]] = []
    requests += [("POST", f"{API}/parts", body) for body in BAD_BODIES]
    requests += [("PATCH", f"{API}/parts/{part.pk}", body) for body in BAD_BODIES[:7]]
    requests += [("PATCH", f"{API}/parts/{part.pk}", {"description": None})]
    requests += [("PATCH", f"{API}/parts/{part.pk}", {"classification": "top-secret"})]
    requests += [("GET", f"{API}/parts?{query}", None) for query in BAD_QUERIES]
    requests += [("GET", API + path, None) for path in BAD_PATHS]
    requests += [
        ("GET", f"{API}/boms/{boms['EBX2-PCBA'].pk}/export?format=pdf", None),
        ("POST", f"{API}/parts/{part.pk}/sources", {"manufacturer": "", "mpn": "X"}),
        ("POST", f"{API}/parts/{part.pk}/sources", {"manufacturer": "A", "mpn": "X", "rank": 0}),
        (
            "POST",
            f"{API}/parts/{part.pk}/sources",
            {"manufacturer": "A", "mpn": "X", "supplier_id": -1},
        ),
        (
            "POST",
            f"{API}/parts/{part.pk}/sources",
            {"manufacturer": "A", "mpn": "X", "status": "maybe"},
        ),
        ("PATCH", f"{API}/parts/{part.pk}/sources/abc", {"status": "approved"}),
        ("PATCH", f"{API}/parts/{part.pk}/sources/{MISSING_ID}", {"status": "approved"}),
        ("PATCH", f"{API}/parts/{part.pk}/sources/1", {"status": None}),
        ("POST", f"{API}/programs/{MISSING_ID}/members", {"username": "oem_engineer"}),
        ("POST", f"{API}/programs/{programs['EBX2'].pk}/members", {}),
        (
            "POST",
            f"{API}/programs/{programs['EBX2'].pk}/members",
            {"person_id": 1, "username": "x"},
        ),
        ("POST", f"{API}/programs/{programs['EBX2'].pk}/members", {"username": "ghost"}),
        ("POST", f"{API}/programs/{programs['EBX2'].pk}/members", {"person_id": 2, "role": "boss"}),
        ("DELETE", f"{API}/programs/{programs['EBX2'].pk}/members/{MISSING_ID}", None),
        ("POST", f"{API}/tokens", {"name": ""}),
        ("POST", f"{API}/tokens", {"name": "x", "expires_at": "tomorrow"}),
        ("POST", f"{API}/tokens", {"name": "x", "expires_at": "2999-01-01T00:00:00"}),
        ("DELETE", f"{API}/tokens/abc", None),
    ]
    quantities: list[object] = ["NaN", "Infinity", "-1", "1e400", "0.00001", "abc", None, [], 1e308]
    requests += [
        ("POST", f"{API}/boms", _bom(programs, parts, lines=[_line(parts, quantity=q)]))
        for q in quantities
    ]
    requests += [
        ("POST", f"{API}/boms", _bom(programs, parts, lines="all of them")),
        ("POST", f"{API}/boms", _bom(programs, parts, lines=[_line(parts, part_id="abc")])),
        ("POST", f"{API}/boms", _bom(programs, parts, lines=[_line(parts, part_id=2**64)])),
        ("POST", f"{API}/boms", _bom(programs, parts, lines=[_line(parts, part_id=MISSING_ID)])),
        ("POST", f"{API}/boms", _bom(programs, parts, lines=[_line(parts, designators="R1")])),
        ("POST", f"{API}/boms", _bom(programs, parts, lines=[_line(parts, designators=[""])])),
        ("POST", f"{API}/boms", _bom(programs, parts, program_id=2**63)),
        ("POST", f"{API}/boms", _bom(programs, parts, program_id=MISSING_ID)),
        ("POST", f"{API}/boms", _bom(programs, parts, assembly_id=MISSING_ID)),
        ("POST", f"{API}/boms", _bom(programs, parts, revision="")),
        ("POST", f"{API}/boms", _bom(programs, parts, classification="open")),
        ("POST", f"{API}/boms", _bom(programs, parts, assembly_id=parts["RVC-MAIN"].pk)),
        (
            "POST",
            f"{API}/boms",
            _bom(programs, parts, revision="B", assembly_id=parts["EBX2-PCBA"].pk),
        ),
    ]
    for method, url, body in requests:
        response = send(client, method, url, body)
        assert 400 <= response.status_code < 500, (method, url, body, response.content)
        assert response.json()["code"], (method, url)
    assert (Part.objects.count(), Bom.objects.count(), ApprovedSource.objects.count()) == before
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    "key", ["", " ", "x" * 201, "clé", "tab\there"], ids=["empty", "blank", "long", "accent", "tab"]
)
def test_bad_idempotency_keys_are_refused(client_for, key):
    before = Part.objects.count()
    response = send(
        client_for("oem_buyer"),
        "POST",
        f"{API}/parts",
        {"number": "K-1"},
        **{"Idempotency-Key": key},
    )
    assert_error(response, 422, "invalid")
    assert Part.objects.count() == before
    assert not IdempotencyRecord.objects.exists()


def test_what_django_refuses_before_the_api_is_json_too(client, rf):
    """A Host not allowed (handler400) and a failure outside the API's views (handler500)."""
    from accord.web.views import server_error

    refused = client.get(f"{API}/", headers={"Host": "evil.example"})
    assert_error(refused, 400, "bad_request")
    page = client.get("/login/", headers={"Host": "evil.example"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    failed = server_error(rf.get(f"{API}/parts"))
    assert failed.status_code == 500
    assert json.loads(failed.content)["code"] == "server_error"
