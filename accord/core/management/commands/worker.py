"""`accord worker`: the background task worker, restarted whenever it stops.

    accord worker [--interval 1] [--queue-name default] [--worker-id ID] [--max-tasks N]
    accord worker --no-supervise ...     the worker itself, in this process

By default this process supervises: it runs the worker as a child and starts it again, with a
growing backoff, whenever it exits (accord/core/supervisor.py); SIGTERM or Ctrl-C stop both.
Under systemd or another supervisor either form works; the default adds the quick in-process
restart. See accord/core/worker.py for what the worker survives.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accord.core.supervisor import Supervisor, task_worker_argv
from accord.core.worker import DEFAULT_QUEUE, Worker


class Command(BaseCommand):
    help = "Run the background task worker (restarted when it stops, unless --no-supervise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-supervise",
            action="store_true",
            help="run the worker in this process instead of as a restarted child",
        )
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--queue-name", default=DEFAULT_QUEUE, help="queues, comma-separated ('*': all)"
        )
        parser.add_argument("--worker-id", default=None, help="unique id (default: generated)")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after N tasks")
        parser.add_argument("--parent-pid", type=int, default=None, help=_HIDDEN)

    def handle(self, *args: Any, **options: Any) -> None:
        _log_to_stderr(options["verbosity"])
        if options["no_supervise"]:
            worker = Worker(
                worker_id=options["worker_id"],
                queues=tuple(q for q in options["queue_name"].split(",") if q),
                interval=options["interval"],
                max_tasks=options["max_tasks"],
                parent_pid=options["parent_pid"],
            )
            worker.install_signal_handlers()
            worker.run()
            return
        passed = ["--interval", str(options["interval"]), "--queue-name", options["queue_name"]]
        if options["worker_id"]:
            passed += ["--worker-id", options["worker_id"]]
        if options["max_tasks"]:
            passed += ["--max-tasks", str(options["max_tasks"])]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        supervisor = Supervisor(task_worker_argv(passed), env=env)

        def stop(signum: int, frame: FrameType | None) -> None:
            supervisor.request_stop()  # run() then stops the worker and returns

        for name in ("SIGINT", "SIGTERM"):
            signal.signal(getattr(signal, name), stop)
        supervisor.run()


_HIDDEN = "the supervising process: the worker stops when that process is gone"


def _log_to_stderr(verbosity: int) -> None:
    """The worker's own log lines on stderr, whatever the root logger's level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("accord.worker", "accord.supervisor"):
        log = logging.getLogger(name)
        log.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
        if not log.handlers:
            log.addHandler(handler)
        log.propagate = False
