"""The gunicorn worker class of `accord serve` (accord/gunicorn_conf.py): uvicorn's, tuned.

gunicorn's master keeps doing what it did for the threaded workers (preload_app, gc.freeze()
before fork, max_requests recycling, the task worker); each worker runs one asyncio loop
serving accord.asgi:application with AccordH11Protocol, and `threads` threads for Django
(handler.ThreadedDjangoHandler).
"""

from __future__ import annotations

from typing import Any, ClassVar

from uvicorn_worker import UvicornWorker

from accord.server.guard import MAX_REQUEST_HEAD
from accord.server.handler import ThreadedDjangoHandler
from accord.server.protocol import AccordH11Protocol


class AccordWorker(UvicornWorker):
    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        "loop": "asyncio",
        "http": AccordH11Protocol,
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD,
        # Django's ASGI handler serves HTTP only; without this uvicorn logs that at every start.
        "lifespan": "off",
        # No "server: uvicorn" header: what runs the site is nobody's business outside.
        "server_header": False,
        # The peer stays REMOTE_ADDR, as under gunicorn's own workers: X-Forwarded-For is not
        # read (sign-in throttling counts by address); behind a TLS proxy Django reads
        # X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER in production).
        "proxy_headers": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn-worker does not pass it on: a stopping worker waits for its requests this long.
        self.config.timeout_graceful_shutdown = int(self.cfg.graceful_timeout)
        # gunicorn's --threads: how many requests of this worker run Django at once.
        ThreadedDjangoHandler.threads = max(1, int(self.cfg.threads))
