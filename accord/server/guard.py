"""The ASGI application in front of Django's: what a request must be before Django reads it.

Django's ASGI handler reads the whole body before any middleware runs, so what the upload
limit (RequestSizeLimitMiddleware) decides from the headers is decided here first: no
Content-Length answers 411, too large 413; a request line past MAX_REQUEST_LINE answers 414 and
headers past MAX_REQUEST_HEAD 431, all before Django sees the request. Then the
body is read against a deadline: ACCORD_REQUEST_TIMEOUT seconds, plus one second for every
MIN_BODY_RATE bytes received, so an upload that keeps that rate is never cut while a body that
trickles in (or never ends) is answered 408 and its connection closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

from accord.core.middleware import refused_body
from accord.server.errors import (
    BAD_REQUEST,
    HEADERS_TOO_LARGE,
    REQUEST_TIMEOUT,
    URI_TOO_LONG,
    ServerError,
    render,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("accord.server")

# Bytes per second an upload must keep, beyond its first ACCORD_REQUEST_TIMEOUT seconds.
MIN_BODY_RATE = 16 * 1024
# Longest request target (path and query) accepted, as nginx's default header buffer.
MAX_REQUEST_LINE = 8 * 1024
# Largest head (the headers' names and values) accepted. h11 refuses a longer head only while
# it is incomplete; one that arrives in a single read is complete, so it is measured here too.
MAX_REQUEST_HEAD = 16 * 1024


class RequestGuard:
    def __init__(self, app: ASGIApp, *, timeout: float | None = None) -> None:
        self.app = app
        self.timeout = float(settings.REQUEST_TIMEOUT if timeout is None else timeout)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = refusal_before_reading(scope)
        if refusal is not None:
            await send_error(send, scope, refusal)
            return
        body = BodyWithDeadline(receive, self.timeout)
        started = ResponseStarted(send)
        await self.app(scope, body, started)
        if body.timed_out and not started.started:
            logger.warning(
                "%s %s: the body did not arrive in time (%d bytes received)",
                scope["method"],
                scope["path"],
                body.received,
            )
            await send_error(send, scope, REQUEST_TIMEOUT)


def refusal_before_reading(scope: Scope) -> ServerError | None:
    if scope.get("http_version") not in {"1.0", "1.1"}:
        return BAD_REQUEST  # h11 parses "HTTP/9.9" and would answer it as 1.1
    if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_REQUEST_LINE:
        return URI_TOO_LONG
    if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_REQUEST_HEAD:
        return HEADERS_TOO_LARGE
    headers = dict(scope["headers"])  # lower-case names (ASGI); the last of a repeated one
    error = refused_body(
        content_length=_text(headers.get(b"content-length")),
        transfer_encoding=_text(headers.get(b"transfer-encoding")),
    )
    if error is None:
        return None
    return ServerError(error.http_status, error.code, error.message, error.detail)


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


async def send_error(send: Send, scope: Scope, error: ServerError) -> None:
    headers, body = render(error, path=scope["path"])
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyWithDeadline:
    """`receive` for the app, answering a disconnect once the body is past its deadline.

    Django's handler then stops (RequestAborted) without answering, and the guard answers 408.
    Only the body is timed: after its last part, `receive` is the server's own again (Django
    listens on it for the client going away while the view runs).
    """

    def __init__(self, receive: Receive, timeout: float) -> None:
        self.receive = receive
        self.timeout = timeout
        self.clock = asyncio.get_running_loop().time
        self.started_at = self.clock()
        self.received = 0
        self.complete = False
        self.timed_out = False

    async def __call__(self) -> Message:
        if self.complete or self.timed_out:
            return await self.receive()
        deadline = self.started_at + self.timeout + self.received / MIN_BODY_RATE
        try:
            message = await asyncio.wait_for(self.receive(), max(deadline - self.clock(), 0))
        except TimeoutError:
            self.timed_out = True
            return {"type": "http.disconnect"}
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        return message


class ResponseStarted:
    """`send` for the app, remembering whether it began an answer."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)
