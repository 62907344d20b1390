"""Fixed cost of a request in the handler `accord serve` runs, in-process, beside Django's own.

The same requests through three Django handlers, interleaved, each called as its server would
call it: Django's WSGI handler (what gunicorn's threaded workers ran), Django's ASGI handler
(the documented way to serve over ASGI: a new thread per request and a thread hop per
synchronous middleware) and accord.asgi.application (the request guard and
ThreadedDjangoHandler: one job per request on a fixed pool of threads, ADR 0005). No sockets:
what is measured is the handler, not the network or the HTTP parser.

    DATABASE_URL=... python benchmarks/handler.py [--requests 400] [--rounds 3]

Last line: RESULT bench=handler db=<vendor> api_root_ms=... api_root_wsgi_ms=...
api_root_django_asgi_ms=... login_ms=... login_wsgi_ms=... login_django_asgi_ms=...
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import prepare_database

PATHS = {"api_root": "/api/v1/", "login": "/login/"}


def asgi_scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


class Client:
    """receive and send of one request: an empty body, then the client waits for the answer."""

    def __init__(self) -> None:
        self.answered = asyncio.Event()
        self.body_read = False
        self.status: list[int] = []

    async def receive(self) -> dict[str, Any]:
        if not self.body_read:
            self.body_read = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.answered.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status.append(message["status"])


def time_asgi(app: Callable[..., Any], path: str, n: int) -> list[float]:
    async def run() -> list[float]:
        samples = []
        for _ in range(n):
            client = Client()
            started = time.perf_counter()
            await app(asgi_scope(path), client.receive, client.send)
            samples.append(time.perf_counter() - started)
            client.answered.set()
            if client.status != [200]:
                raise SystemExit(f"{path}: {client.status}")
        return samples

    return asyncio.run(run())


def time_wsgi(app: Callable[..., Any], path: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
        }
        status: list[str] = []
        started = time.perf_counter()
        response = app(environ, lambda s, headers, exc_info=None, into=status: into.append(s))
        b"".join(response)
        response.close()
        samples.append(time.perf_counter() - started)
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status}")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    vendor = prepare_database("handler")

    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler

    from accord.asgi import application

    handlers: dict[str, Callable[[str, int], list[float]]] = {
        "wsgi": lambda path, n: time_wsgi(WSGIHandler(), path, n),
        "django_asgi": lambda path, n: time_asgi(ASGIHandler(), path, n),
        "accord": lambda path, n: time_asgi(application, path, n),
    }
    warm_up = 50
    medians: dict[tuple[str, str], float] = {}
    samples: dict[tuple[str, str], list[float]] = {}
    for _round in range(args.rounds):
        for label, path in PATHS.items():
            for name, measure in handlers.items():
                samples.setdefault((label, name), []).extend(
                    measure(path, args.requests + warm_up)[warm_up:]
                )
    for (label, name), values in samples.items():
        medians[(label, name)] = statistics.median(values) * 1000
        print(
            f"{PATHS[label]:10s} {name:12s} median {medians[(label, name)]:6.3f} ms   "
            f"p95 {sorted(values)[int(len(values) * 0.95)] * 1000:6.3f} ms"
        )
    figures = []
    for label in PATHS:
        figures += [
            f"{label}_ms={medians[(label, 'accord')]:.3f}",
            f"{label}_wsgi_ms={medians[(label, 'wsgi')]:.3f}",
            f"{label}_django_asgi_ms={medians[(label, 'django_asgi')]:.3f}",
        ]
    print(f"RESULT bench=handler db={vendor} " + " ".join(figures))


if __name__ == "__main__":
    main()
