"""gunicorn settings used by `accord serve` and `accord demo` (``-c python:accord.gunicorn_conf``).

The command line given by `accord serve` (--bind, --workers) overrides the defaults below.

The workers are asyncio (uvicorn) workers serving the ASGI application (ADR 0005): a request is
read and answered by the event loop, and only then given to one of the worker's `threads` to
run Django, so a client that sends or reads slowly holds no thread (accord/server).

Why preload and gc.freeze(): the app (Django, ninja, pydantic schemas, every module) is imported
once in the master, then the workers fork and share those pages copy-on-write. CPython's cyclic
garbage collector would otherwise walk all of those long-lived objects on every full collection
in every worker (measured on a Django inventory system: ~200 ms pauses that decide the p95) and,
by writing to their headers, un-share the pages. Following the recipe in the documentation of
the gc module: collection is disabled while the master loads the app, `gc.freeze()` moves every
object that exists into a permanent generation right before each fork, and the worker turns
collection back on for the objects it creates itself.
"""

from __future__ import annotations

import gc
import os
from typing import Any

wsgi_app = "accord.asgi:application"
bind = ["127.0.0.1:8000"]  # loopback unless told otherwise: put a TLS proxy in front
workers = 2
worker_class = "accord.server.worker.AccordWorker"
threads = 4
preload_app = True
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; jitter spreads restarts.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The workers' heartbeat files: in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "accord"
# No gunicornc control socket: it would be a file in $HOME shared by every instance on the host.
control_socket_disable = True

# Loading the app (preload_app) happens after this file is read: no collection until the fork.
gc.disable()


def pre_fork(server: Any, worker: Any) -> None:
    """In the master, right before a worker forks: freeze what the workers will share."""
    from accord.api.api import api

    api.get_openapi_schema()  # built once here rather than by each worker's first docs visit
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """In the new worker: collect the garbage of its own requests again."""
    gc.enable()


# The database task backend needs a worker process beside the web workers (long imports run
# there). The master starts it when ready, restarts it whenever it exits, and stops it on exit
# (accord/core/supervisor.py); ACCORD_TASK_WORKER=0 leaves it to the operator (`accord worker`).
_task_worker: Any = None


def when_ready(server: Any) -> None:
    global _task_worker
    from accord.core.supervisor import start_task_worker

    _task_worker = start_task_worker(server.log)


def on_exit(server: Any) -> None:
    if _task_worker is not None:
        _task_worker.stop()
