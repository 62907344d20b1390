"""The request guard in front of Django's ASGI handler, in-process: accord.asgi.application
called with the scope, receive and send a server would give it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest

from accord.asgi import django_application
from accord.server.guard import MAX_REQUEST_HEAD, MAX_REQUEST_LINE, MIN_BODY_RATE, RequestGuard

Message = dict[str, Any]


def scope_for(method: str, path: str, *headers: tuple[str, str], query: str = "") -> Message:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")]
        + [(name.lower().encode(), value.encode()) for name, value in headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


class Answer:
    def __init__(self, messages: list[MutableMapping[str, Any]]) -> None:
        start = messages[0]
        assert start["type"] == "http.response.start"
        self.status: int = start["status"]
        self.headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
        self.body = b"".join(m.get("body", b"") for m in messages[1:])

    def json(self) -> Any:
        assert self.headers["content-type"].startswith("application/json"), self.headers
        return json.loads(self.body)


def call(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    *,
    timeout: float = 5.0,
    query_bytes: bytes | None = None,
) -> Answer:
    if query_bytes is not None:
        scope["query_string"] = query_bytes
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        await RequestGuard(django_application, timeout=timeout)(scope, receive, send)

    asyncio.run(run())
    return Answer(sent)


async def must_not_read() -> Message:
    raise AssertionError("the body was read")


def body_in_parts(
    *parts: bytes, pause: float = 0.0, complete: bool = True
) -> Callable[[], Awaitable[Message]]:
    """receive() of a client sending these parts, pause seconds apart; complete=False: the
    client then stops sending before the end of the body."""
    remaining = list(parts)

    async def receive() -> Message:
        if not remaining:
            await asyncio.Event().wait()  # nothing more comes
        await asyncio.sleep(pause)
        part = remaining.pop(0)
        return {"type": "http.request", "body": part, "more_body": bool(remaining) or not complete}

    return receive


def test_a_chunked_body_answers_411_before_anything_is_read():
    chunked = ("Transfer-Encoding", "chunked")
    api = call(scope_for("POST", "/api/v1/parts", chunked), must_not_read)
    assert api.status == 411
    assert api.json()["code"] == "length_required"
    assert api.headers["connection"] == "close"
    page = call(scope_for("POST", "/login/", chunked), must_not_read)
    assert page.status == 411
    assert page.headers["content-type"].startswith("text/plain")
    assert b"Content-Length" in page.body


def test_a_body_past_the_upload_limit_answers_413_before_anything_is_read(settings):
    too_long = ("Content-Length", str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024))
    api = call(scope_for("POST", "/api/v1/parts", too_long), must_not_read)
    assert api.status == 413
    assert api.json() == {
        "code": "too_large",
        "message": f"The upload is larger than {settings.MAX_UPLOAD_MB} MB.",
        "detail": {"max_mb": settings.MAX_UPLOAD_MB},
    }
    page = call(scope_for("PUT", "/parts/import/", too_long), must_not_read)
    assert page.status == 413 and page.headers["content-type"].startswith("text/plain")


def test_a_request_line_or_head_past_the_limits_is_json_everywhere():
    long_query = "q=" + "a" * MAX_REQUEST_LINE
    for path in ("/api/v1/parts", "/parts/"):
        answer = call(scope_for("GET", path, query=long_query), must_not_read)
        assert answer.status == 414 and answer.json()["code"] == "uri_too_long"
    padding = ("X-Padding", "a" * MAX_REQUEST_HEAD)
    answer = call(scope_for("GET", "/login/", padding), must_not_read)
    assert answer.status == 431 and answer.json()["code"] == "headers_too_large"


def test_a_body_that_stops_arriving_answers_408_at_the_deadline():
    length = ("Content-Length", "100")
    api = call(
        scope_for("POST", "/api/v1/parts", length),
        body_in_parts(b'{"nu', complete=False),
        timeout=0.3,
    )
    assert api.status == 408
    assert api.json()["code"] == "request_timeout"
    assert api.headers["connection"] == "close"
    page = call(
        scope_for("POST", "/login/", length), body_in_parts(b"user", complete=False), timeout=0.3
    )
    assert page.status == 408 and b"did not arrive in time" in page.body


def test_a_body_that_trickles_is_cut_but_a_steady_upload_is_not():
    """The deadline grows by a second per MIN_BODY_RATE bytes: rate, not duration, decides."""
    parts = 12
    slow = call(
        scope_for("POST", "/api/v1/parts", ("Content-Length", str(parts))),
        body_in_parts(*[b"x"] * parts, pause=0.05),
        timeout=0.3,
    )
    assert slow.status == 408
    chunk = b" " * (MIN_BODY_RATE // 5)  # 0.05 s apart: four times the minimum rate
    steady = call(
        scope_for("POST", "/api/v1/parts", ("Content-Length", str(parts * len(chunk)))),
        body_in_parts(*[chunk] * parts, pause=0.05),
        timeout=0.3,
    )
    # 0.6 s, twice the timeout: the whole body arrived and Django answered (not signed in).
    assert steady.status == 401
    assert steady.json()["code"] == "unauthenticated"


def test_a_request_django_cannot_build_is_json_under_the_api():
    """A query string that is not UTF-8 (h11 refuses it; another server might pass it on)."""
    api = call(scope_for("GET", "/api/v1/parts"), body_in_parts(b""), query_bytes=b"q=\xff")
    assert api.status == 400 and api.json()["code"] == "bad_request"
    page = call(scope_for("GET", "/parts/"), body_in_parts(b""), query_bytes=b"q=\xff")
    assert page.status == 400  # Django's own page


def test_an_ordinary_request_passes_through_to_django():
    answer = call(scope_for("GET", "/api/v1/"), body_in_parts(b""))
    assert answer.status == 200
    assert answer.json()["name"] == "Accord API"


@pytest.mark.parametrize("path, is_json", [("/api/v1/parts", True), ("/login/", False)])
def test_the_middleware_answers_411_for_a_chunked_body_in_process(client, path, is_json):
    """The same rule without the guard (another WSGI or ASGI server; the test client)."""
    response = client.post(
        path, data=b"a=b", content_type="text/plain", headers={"Transfer-Encoding": "chunked"}
    )
    assert response.status_code == 411
    if is_json:
        assert response.json()["code"] == "length_required"
    else:
        assert response["Content-Type"].startswith("text/plain")
        assert b"Content-Length" in response.content


def test_the_worker_keeps_gunicorns_recycling_threads_and_keepalive():
    """AccordWorker under gunicorn_conf's settings, built as gunicorn's master builds it."""
    import gc
    import importlib
    import os

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from accord.server.handler import ThreadedDjangoHandler
    from accord.server.protocol import AccordH11Protocol
    from accord.server.worker import AccordWorker

    was_enabled = gc.isenabled()
    try:
        conf = importlib.import_module("accord.gunicorn_conf")
    finally:
        if was_enabled:
            gc.enable()  # importing gunicorn_conf turns collection off, for the master
    cfg = Config()
    for name in ("worker_class", "workers", "threads", "max_requests", "keepalive", "timeout"):
        cfg.set(name, getattr(conf, name))
    cfg.set("max_requests_jitter", 0)
    worker = AccordWorker(0, os.getpid(), [], None, conf.timeout, cfg, Logger(cfg))

    assert cfg.worker_class is AccordWorker
    assert worker.config.limit_max_requests == conf.max_requests == 5000
    assert worker.config.timeout_keep_alive == conf.keepalive
    assert worker.config.http is AccordH11Protocol
    assert worker.config.h11_max_incomplete_event_size == MAX_REQUEST_HEAD
    assert worker.config.proxy_headers is False
    assert ThreadedDjangoHandler.threads == conf.threads == 4
