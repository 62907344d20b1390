"""Django's ASGI handler, with each request's synchronous work done in one call on a fixed pool.

Django's own ASGIHandler runs the synchronous middleware and views of a project like ours
through sync_to_async: a new thread for every request (so a database connection can never be
kept: CONN_MAX_AGE must be 0 under it) and a hop between the event loop and that thread at every
synchronous middleware. Measured in-process on /api/v1/ (benchmarks/handler.py, median):
0.16 ms under the WSGI handler, 1.18 ms under Django's ASGI handler, 0.28 ms here.

Here the event loop reads the body (Django's read_body, without holding a thread), then one job
on a pool of `threads` long-lived threads per worker does all the rest as the WSGI handler
would: request_started, the synchronous middleware chain and view, reading a streaming body,
response.close() (request_finished). Database connections are per thread and kept between
requests exactly as under gunicorn's threaded workers. The event loop then writes the answer,
so a client that reads slowly holds no thread either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

from accord.server.errors import ServerError, is_api_path, render

logger = logging.getLogger("accord.server")

Message = MutableMapping[str, Any]
Answer = tuple[int, list[tuple[bytes, bytes]], Iterable[bytes]]

SERVER_FAILED = ServerError(500, "server_error", "Something went wrong on our side.")


class ThreadedDjangoHandler(ASGIHandler):
    threads: ClassVar[int] = 4  # per worker process; worker.AccordWorker sets gunicorn's --threads

    def __init__(self) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)  # the chain the WSGI handler and the test client run
        self._executor: ThreadPoolExecutor | None = None  # made in the worker, not the master

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="accord-request")
        return self._executor

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Accord serves HTTP only, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return  # the client went away, or accord.server.guard cut a body past its deadline
        loop = asyncio.get_running_loop()
        try:
            status, headers, chunks = await loop.run_in_executor(
                self.executor, self.respond, scope, body_file
            )
        except Exception:
            logger.exception("%s %s: no response", scope["method"], scope["path"])
            status, headers, body = SERVER_FAILED.status, *render(SERVER_FAILED, path=scope["path"])
            chunks = [body]
        finally:
            body_file.close()
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for chunk in chunks:
            for part, _last in self.chunk_bytes(chunk):
                await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    def respond(self, scope: Message, body_file: Any) -> Answer:
        """On a pool thread: what the WSGI handler does for one request, to the last byte."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, refusal = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        else:
            assert refusal is not None
            if is_api_path(scope["path"]):
                # Django's own answer (HTML) to a request it cannot build, e.g. a query string
                # that is not UTF-8 (h11 lets none through; another server might): JSON.
                code = "too_large" if refusal.status_code == 413 else "bad_request"
                error = ServerError(refusal.status_code, code, "The request was refused.")
                headers, body = render(error, path=scope["path"])
                refusal.close()
                return error.status, headers, [body]
            response = refusal
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # read in the chunks it is sent in
        try:
            # A streaming body (a file, a generator over a queryset) is read here, on the thread
            # that opened it and its database connection, as Django's ASGI handler also reads it
            # whole.
            chunks: Iterable[bytes] = (
                list(response.streaming_content)  # type: ignore[attr-defined]
                if response.streaming
                else [response.content]  # type: ignore[attr-defined]
            )
            return response.status_code, response_headers(response), chunks
        finally:
            response.close()


def response_headers(response: HttpResponseBase) -> list[tuple[bytes, bytes]]:
    """As Django's ASGIHandler.send_response encodes them, cookies included."""
    headers = [(name.encode("ascii"), value.encode("latin1")) for name, value in response.items()]
    for cookie in response.cookies.values():
        headers.append((b"Set-Cookie", cookie.output(header="").encode("ascii").strip()))
    return headers
