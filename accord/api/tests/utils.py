"""Helpers for the API tests: JSON requests, token clients, error assertions."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.test import Client

from accord.api.schemas import MAX_ID
from accord.core.services import create_api_token
from accord.orgs.models import Person

API = "/api/v1"
MISSING_ID = MAX_ID  # a valid id that no row has


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> HttpResponse:
    """A JSON request; `body` may be a ready-made bytes payload."""
    data = body if isinstance(body, bytes) else (json.dumps(body) if body is not None else "")
    call = getattr(client, method.lower())
    if method.upper() in {"GET", "HEAD"}:
        return call(url, headers=headers)
    return call(url, data=data, content_type="application/json", headers=headers)


def token_client(person: Person, **client_kwargs: Any) -> tuple[Client, str]:
    """A client that authenticates with a fresh personal API token of this person."""
    _, secret = create_api_token(actor=person, name="tests")
    return Client(headers={"Authorization": f"Bearer {secret}"}, **client_kwargs), secret


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    assert body["message"]
    return body


def assert_invisible(client: Client, method: str, url: str, missing_url: str, body: Any = None):
    """Invisible answers exactly what nonexistent answers: 404, the same body."""
    seen = send(client, method, url, body)
    missing = send(client, method, missing_url, body)
    assert_error(seen, 404, "not_found")
    assert seen.json() == missing.json()


def numbers(response: HttpResponse, key: str = "number") -> list[str]:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]
