"""uvicorn's HTTP/1.1 protocol (h11) with a deadline on the request head and JSON refusals.

uvicorn times nothing until a first response has been sent (its keep-alive timer): a client
that opens a connection, or starts a head, and never finishes would keep it forever. Here the
head must be complete within ACCORD_REQUEST_TIMEOUT seconds of the connection opening, or of its
first byte on a kept-alive connection; else 408 (when part of a head came) and the connection
is closed.

When h11 cannot parse a request, uvicorn answers a plain-text 400. Here the answer is the API's
JSON error shape, with the status that says why: 414 for a request line past
guard.MAX_REQUEST_LINE, 431 for a head past guard.MAX_REQUEST_HEAD (worker.AccordWorker gives
h11 that limit), 400 for anything else. The path is not known yet (the request did not parse),
so it is JSON for every address.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from django.conf import settings
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from accord.server.errors import (
    BAD_REQUEST,
    HEADERS_TOO_LARGE,
    REQUEST_TIMEOUT,
    URI_TOO_LONG,
    ServerError,
    raw_response,
)
from accord.server.guard import MAX_REQUEST_HEAD, MAX_REQUEST_LINE


class AccordH11Protocol(H11Protocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.head_timeout = float(settings.REQUEST_TIMEOUT)
        self.head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self.head_timer is None:
            self._start_head_timer()  # the first byte of a next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            # The head is in (or the connection failed): the body's deadline is the guard's.
            self._stop_head_timer()

    def send_400_response(self, msg: str) -> None:
        """h11 refused the request (malformed, or its head too long): answer why, in JSON."""
        self._stop_head_timer()
        self.transport.write(raw_response(self._parse_error()))
        self.transport.close()

    def _parse_error(self) -> ServerError:
        pending = self.conn.trailing_data[0]
        if len(pending) <= MAX_REQUEST_HEAD:
            return BAD_REQUEST
        line_end = pending.find(b"\n")
        if line_end == -1 or line_end > MAX_REQUEST_LINE:
            return URI_TOO_LONG
        return HEADERS_TOO_LARGE

    def _start_head_timer(self) -> None:
        self._stop_head_timer()
        self.head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0].strip():
            self.transport.write(raw_response(REQUEST_TIMEOUT))
        self.transport.close()
