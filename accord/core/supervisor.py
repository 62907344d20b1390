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

The child is started with posix_spawn, not subprocess.Popen: Popen waits on a pipe until the
child has exec'd, and a gunicorn worker forked by the master's main thread in that moment
inherits the pipe's write end and never closes it (it never execs), so the supervisor thread
waited forever (seen with `accord serve`). The gunicorn master also reaps every child it has,
ours included: a child reaped by someone else counts as exited, its exit code unknown.

Only the standard library here: the gunicorn master imports it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
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


class Child:
    """A process started with posix_spawn in a new session (see the module's docstring)."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None) -> None:
        environment = dict(os.environ if env is None else env)
        self.pid = os.posix_spawn(argv[0], list(argv), environment, setsid=True)
        self.returncode: int | None = None
        self.known_code = True

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped by someone else (the gunicorn master)
                self.returncode, self.known_code = 0, False
            else:
                if pid == self.pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode  # type: ignore[return-value]

    def describe_exit(self) -> str:
        return f"with code {self.returncode}" if self.known_code else "(exit code not known)"


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
        stop_timeout: float = STOP_TIMEOUT,
        log: Any = None,
    ) -> None:
        self.argv = list(argv)
        self.stop_timeout = stop_timeout
        self.name = name
        self.env = env
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.healthy_after = healthy_after
        self.log = log or logger
        self.starts = 0
        self._child: Child | None = None
        self._stopping = threading.Event()
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
        """Start the child and restart it whenever it exits, until asked to stop; then stop
        the child."""
        backoff = self.min_backoff
        try:
            while not self._stopping.is_set():
                child = self._spawn()
                if child is None:
                    self._stopping.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                started = time.monotonic()
                while child.poll() is None and not self._stopping.wait(0.5):
                    pass
                if self._stopping.is_set():
                    break
                ran = time.monotonic() - started
                backoff = self.min_backoff if ran >= self.healthy_after else backoff
                self.log.warning(
                    "The %s (pid %s) exited %s after %.0f s; starting it again in %.0f s",
                    self.name,
                    child.pid,
                    child.describe_exit(),
                    ran,
                    backoff,
                )
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
        finally:
            self._stop_child()

    def _spawn(self) -> Child | None:
        try:
            child = Child(self.argv, self.env)
        except OSError as error:
            self.log.error("Could not start the %s: %s", self.name, error)
            return None
        self._child = child
        self.starts += 1
        self.log.info("Started the %s (pid %s)", self.name, child.pid)
        return child

    def request_stop(self) -> None:
        """Ask run() to stop the child and return (safe from a signal handler)."""
        self._stopping.set()

    def stop(self) -> None:
        """Stop supervising and stop the child (from another thread than run()'s)."""
        self.request_stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.stop_timeout + 10)
        else:
            self._stop_child()

    def _stop_child(self) -> None:
        """SIGTERM (the worker finishes its task), then SIGKILL after stop_timeout."""
        child = self._child
        if child is None or child.poll() is not None:
            return
        child.signal(signal.SIGTERM)
        try:
            child.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            child.signal(signal.SIGKILL)
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.log.error("The %s (pid %s) did not stop", self.name, child.pid)


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
