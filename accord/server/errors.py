"""The answers the server gives itself, before a request reaches Django.

They carry the API's error shape `{"code", "message", "detail"}` so a client of /api/ never
has to parse anything else. A refusal of the request's form (not HTTP, a line or head too long)
is JSON for every address: the parser may not even know the path. One about a body (too slow,
no length, too large) gives a page address the message as plain text. Each one closes the
connection: the rest of the request (a body never read, a head never finished) cannot be
trusted to frame the next one.
"""

from __future__ import annotations

import http
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServerError:
    status: int
    code: str
    message: str
    detail: Any = None
    json_everywhere: bool = False  # JSON whatever the path (else for /api/ only)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


# Refusals made before any of the request reached Django (see protocol.py and guard.py).
BAD_REQUEST = ServerError(
    400, "bad_request", "The request is not valid HTTP/1.1.", json_everywhere=True
)
REQUEST_TIMEOUT = ServerError(
    408, "request_timeout", "The request did not arrive in time; send it again."
)
URI_TOO_LONG = ServerError(
    414, "uri_too_long", "The request line is too long.", json_everywhere=True
)
HEADERS_TOO_LARGE = ServerError(
    431, "headers_too_large", "The request headers are too large.", json_everywhere=True
)


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def render(error: ServerError, *, path: str | None) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers and body of the answer to a request for path (None: not known)."""
    if error.json_everywhere or path is None or is_api_path(path):
        body = json.dumps(error.as_dict()).encode()
        content_type = b"application/json; charset=utf-8"
    else:
        body = error.message.encode() + b"\n"
        content_type = b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
    ]
    return headers, body


def raw_response(error: ServerError) -> bytes:
    """The whole HTTP/1.1 answer as bytes, in JSON, for the parser's refusals (no path known)."""
    headers, body = render(error, path=None)
    reason = http.HTTPStatus(error.status).phrase.encode()
    lines = [b"HTTP/1.1 %d %s" % (error.status, reason)]
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
