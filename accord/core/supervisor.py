"""Keep a child process running: start it, and when it exits, start it again after a backoff.

Used by the gunicorn master (accord/gunicorn_conf.py) for the task worker of `accord serve` and
`accord demo`, from a thread of the master, and by `accord worker`, in its main thread. The
backoff doubles from MIN_BACKOFF up to MAX_BACKOFF while the child keeps dying soon after its
start, and starts small again once a child has run for HEALTHY_AFTER seconds: a worker that
crashes on start-up (database unreachable) does not spin, and a crash after hours of work is
followed by a quick restart.

The child runs in a session of its own, so a Ctrl-C in the terminal reaches only the
supervisor, which then stops the child (SIGTERM: it finishes its current task first). The child
is told the supervisor's pid and stops by itself if the supervisor is gone (killed with
SIGKILL), so no orphaned worker is left behind.

Only the standard library here: the gunicorn master imports it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger("accord.supervisor")

MIN_BACKOFF = 1.0
MAX_BACKOFF = 60.0
HEALTHY_AFTER = 30.0
STOP_TIMEOUT = 15.0


class Supervisor:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str = "background task worker",
        env: dict[str, str] | None = None,
        min_backoff: float = MIN_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
        healthy_after: float = HEALTHY_AFTER,
        log: Any = None,
    ) -> None:
        self.argv = list(argv)
        self.name = name
        self.env = env
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.healthy_after = healthy_after
        self.log = log or logger
        self.starts = 0
        self._child: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def start(self) -> Supervisor:
        """Supervise from a daemon thread (the gunicorn master's case)."""
        self._thread = threading.Thread(target=self.run, name="accord-supervisor", daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        """Start the child and restart it whenever it exits, until stop()."""
        backoff = self.min_backoff
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    break
                self._child = self._spawn()
            started = time.monotonic()
            while self._child.poll() is None and not self._stopping.wait(0.5):
                pass
            if self._stopping.is_set():
                break
            ran = time.monotonic() - started
            backoff = self.min_backoff if ran >= self.healthy_after else backoff
            self.log.warning(
                "The %s (pid %s) exited with code %s after %.0f s; starting it again in %.0f s",
                self.name,
                self._child.pid,
                self._child.returncode,
                ran,
                backoff,
            )
            self._stopping.wait(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    def _spawn(self) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            self.argv, env=self.env, start_new_session=True
        )
        self.starts += 1
        self.log.info("Started the %s (pid %s)", self.name, child.pid)
        return child

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop supervising and stop the child: SIGTERM, then SIGKILL after `timeout`."""
        with self._lock:
            self._stopping.set()
            child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=5)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def task_worker_argv(extra: Sequence[str] = ()) -> list[str]:
    """The bare worker, told who supervises it (it stops if that process is gone)."""
    return [
        sys.executable,
        "-m",
        "django",
        "worker",
        "--no-supervise",
        "--parent-pid",
        str(os.getpid()),
        *extra,
    ]


def start_task_worker(log: Any = None) -> Supervisor | None:
    """For `accord serve` / `accord demo`: a supervised task worker beside the web workers,
    unless ACCORD_TASK_WORKER=0 (the operator runs `accord worker` elsewhere) or the task
    backend does not keep tasks in the database."""
    if os.environ.get("ACCORD_TASK_WORKER", "1") == "0":
        return None
    if os.environ.get("ACCORD_TASK_BACKEND", "database") != "database":
        return None
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    return Supervisor(task_worker_argv(), env=env, log=log).start()
