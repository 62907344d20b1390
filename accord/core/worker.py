"""Accord's background task worker (`accord worker`): runs the tasks that django-tasks-db keeps
in the database, and keeps running whatever happens to one of them or to the database.

Why not django-tasks-db's own `db_worker`: its loop re-raises any database error that is not a
lock (and takes the lock outside its try), and recording a task's outcome can raise too; either
ends the process, and nothing said so (seen in testing: a 20 s import in a request locked the
database, the worker died, and imports waited for it for good). Here:

* a task that raises is recorded as failed with its reason, and the worker goes on;
* a database error while polling or recording (locked, unreachable, restarted) is logged and
  retried with exponential backoff; the outcome of a task is kept until it could be recorded;
* a thread writes a heartbeat (WorkerHeartbeat) every WORKER_HEARTBEAT_SECONDS, also while a
  long task runs, and the row is deleted when the worker stops;
* the jobs of dead workers are recovered: a task left running by a worker whose heartbeat is
  older than WORKER_STALE_SECONDS is queued again (its write was one transaction, so nothing
  of it was written); after WORKER_TASK_MAX_RUNS runs it is failed instead. The import tasks
  give up themselves after their second lost run, saying why (parts/services/jobs.py).

Something must restart the worker if the process itself dies: the gunicorn master does for
`accord serve` and `accord demo`, and `accord worker` runs its worker as a child that it
restarts (accord/core/supervisor.py); `accord worker --no-supervise` is the bare worker.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from traceback import format_exception
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from accord.core.models import WorkerHeartbeat

logger = logging.getLogger("accord.worker")

DEFAULT_QUEUE = "default"
MAX_BACKOFF_SECONDS = 30.0


class WorkerLost(Exception):
    """Recorded as the failure of a task whose runs all ended with their worker's death."""


def new_worker_id() -> str:
    host = socket.gethostname()[:40]
    return f"{host}-{os.getpid()}-{get_random_string(6)}"


class Heartbeat:
    """A thread that keeps this worker's WorkerHeartbeat row fresh, with its own connection."""

    def __init__(self, worker_id: str, every: float) -> None:
        self.worker_id = worker_id
        self.every = every
        self.task = ""
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="accord-heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()  # before the first task is claimed: pages see the worker at once
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.every + 5)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                self.beat()
        finally:
            connection.close()  # this thread's own connection

    def beat(self) -> bool:
        now = timezone.now()
        try:
            updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                last_seen_at=now, task=self.task[:200]
            )
            if not updated:
                WorkerHeartbeat.objects.create(
                    worker_id=self.worker_id,
                    host=socket.gethostname()[:255],
                    pid=os.getpid(),
                    started_at=self.started_at,
                    last_seen_at=now,
                    task=self.task[:200],
                )
        except DatabaseError as error:
            logger.warning("heartbeat of %s not written: %s", self.worker_id, error)
            connection.close()  # a broken connection is opened afresh next time
            return False
        return True

    def remove(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError as error:
            logger.warning("heartbeat of %s not removed: %s", self.worker_id, error)


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queues: tuple[str, ...] = (DEFAULT_QUEUE,),
        interval: float = 1.0,
        backend_name: str = "default",
        max_tasks: int | None = None,
        parent_pid: int | None = None,
    ) -> None:
        self.worker_id = (worker_id or new_worker_id())[:64]
        self.queues = queues
        self.interval = interval
        self.backend_name = backend_name
        self.max_tasks = max_tasks
        self.parent_pid = parent_pid
        self.heartbeat = Heartbeat(self.worker_id, settings.WORKER_HEARTBEAT_SECONDS)
        self.running = True
        self.tasks_run = 0
        self._failures = 0  # consecutive database errors: the backoff grows with them
        self._wake = threading.Event()
        self._running_task = False
        self._unrecorded: list[tuple[Any, str, Any]] = []  # outcomes to record again
        self._next_recovery = 0.0

    # Signals: the first stops after the current task, the second at once. ----------------

    def install_signal_handlers(self) -> None:
        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            logger.warning("%s again: stopping now", signal.strsignal(signum))
            raise SystemExit(1)
        logger.info("%s: stopping after the current task", signal.strsignal(signum))
        self.stop()

    def stop(self) -> None:
        self.running = False
        self._wake.set()

    # The loop. ------------------------------------------------------------------------------

    def run(self) -> None:
        logger.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queues))
        self.heartbeat.start()
        try:
            while self.running:
                if self._parent_gone():
                    logger.warning("worker %s: its supervisor is gone; stopping", self.worker_id)
                    break
                try:
                    self._record_unrecorded()
                    self._recover_if_due()
                    task = self._claim_next()
                except DatabaseError as error:
                    self._back_off(error)
                    continue
                except Exception:  # a bug here must not end the worker either
                    logger.exception("worker %s: unexpected error while polling", self.worker_id)
                    self._back_off(None)
                    continue
                self._failures = 0
                if task is None:
                    self._wake.wait(self.interval)
                    continue
                self.run_task(task)
                if self.max_tasks is not None and self.tasks_run >= self.max_tasks:
                    break
        finally:
            self.heartbeat.stop()
            self._record_unrecorded()
            self.heartbeat.remove()
            logger.info("worker %s stopped after %d task(s)", self.worker_id, self.tasks_run)

    def _parent_gone(self) -> bool:
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def _back_off(self, error: BaseException | None) -> None:
        self._failures += 1
        delay = min(self.interval * 2 ** (self._failures - 1), MAX_BACKOFF_SECONDS)
        logger.warning(
            "worker %s: database error (%s); trying again in %.1f s",
            self.worker_id,
            error if error is not None else "see above",
            delay,
        )
        try:
            close_old_connections()  # a connection with errors is closed and opened afresh
            connection.close()
        except DatabaseError:
            pass
        self._wake.wait(delay)

    def _ready(self) -> Any:
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if "*" not in self.queues:
            ready = ready.filter(queue_name__in=self.queues)
        return ready

    def _claim_next(self) -> Any:
        """The next ready task, marked running by this worker, or None. The lookup is a read;
        only when a task is waiting does the worker take the write lock to claim it."""
        close_old_connections()
        ready = self._ready()
        if not ready.exists():
            return None
        with transaction.atomic():
            task = ready.get_locked()
            if task is not None:
                task.claim(self.worker_id)
        return task

    # Running a task. -------------------------------------------------------------------------

    def run_task(self, db_task: Any) -> None:
        """Run it and record the outcome; never raises (but a second signal still stops)."""
        from django_tasks_db.compat import TaskContext, task_finished, task_started

        self._running_task = True
        self.heartbeat.task = f"{db_task.task_path} {db_task.id}"
        started = time.monotonic()
        outcome: tuple[str, Any]
        try:
            task = db_task.task
            task_result = db_task.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            args, kwargs = task_result.args, task_result.kwargs
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
            outcome = ("successful", value)
        except Exception as error:  # the task's failure, not the worker's
            logger.warning("task %s %s failed: %r", db_task.task_path, db_task.id, error)
            outcome = ("failed", error)
        finally:
            self._running_task = False
            self.heartbeat.task = ""
            self.tasks_run += 1
        logger.info(
            "task %s %s %s in %.1f s",
            db_task.task_path,
            db_task.id,
            outcome[0],
            time.monotonic() - started,
        )
        try:
            close_old_connections()  # the task may have broken its connection
        except DatabaseError:
            connection.close()
        self._record(db_task, *outcome)
        try:
            backend = type(db_task.task.get_backend())
            task_finished.send(sender=backend, task_result=db_task.task_result)
        except Exception:
            logger.exception("task_finished receivers failed for %s", db_task.id)

    def _record(self, db_task: Any, status: str, value: Any) -> None:
        """Mark the task successful or failed, retrying with backoff; if the database still
        refuses, keep the outcome and record it from the loop later."""
        for attempt in range(4):
            try:
                if status == "successful":
                    db_task.set_successful(value)
                else:
                    db_task.set_failed(value)
                return
            except DatabaseError as error:
                logger.warning("could not record task %s (%s)", db_task.id, error)
                connection.close()
                time.sleep(min(0.5 * 2**attempt, 4))
            except Exception as error:  # e.g. a return value that is not JSON
                logger.warning("task %s: its outcome cannot be stored (%r)", db_task.id, error)
                status, value = "failed", error
        self._unrecorded.append((db_task, status, value))

    def _record_unrecorded(self) -> None:
        pending, self._unrecorded = self._unrecorded, []
        for db_task, status, value in pending:
            try:
                if status == "successful":
                    db_task.set_successful(value)
                else:
                    db_task.set_failed(value)
            except DatabaseError:
                self._unrecorded.append((db_task, status, value))
        if self._unrecorded:
            raise DatabaseError(f"{len(self._unrecorded)} task outcome(s) still unrecorded")

    # Recovering the jobs of dead workers. ------------------------------------------------------

    def _recover_if_due(self) -> None:
        now = time.monotonic()
        if now < self._next_recovery:
            return
        self._next_recovery = now + max(1.0, settings.WORKER_STALE_SECONDS / 4)
        recover_lost_tasks(self.backend_name, exclude_worker=self.worker_id)


def recover_lost_tasks(backend_name: str = "default", *, exclude_worker: str = "") -> int:
    """Queue again (or fail, after WORKER_TASK_MAX_RUNS runs) the tasks left running by
    workers that stopped beating. Returns how many tasks it changed."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale_before = timezone.now() - _stale()
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )
    alive.add(exclude_worker)
    candidates = [
        pk
        for pk, worker_ids in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            backend_name=backend_name,
            started_at__lt=stale_before,
        ).values_list("pk", "worker_ids")
        if not worker_ids or worker_ids[-1] not in alive
    ]
    changed = 0
    for pk in candidates:
        with transaction.atomic():
            task = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if task is None:
                continue
            runs = len(task.worker_ids)
            if runs >= settings.WORKER_TASK_MAX_RUNS:
                error = WorkerLost(
                    f"The background worker stopped while running this task, {runs} times."
                )
                task.status = TaskResultStatus.FAILED
                task.finished_at = timezone.now()
                task.exception_class_path = f"{__name__}.WorkerLost"
                task.traceback = "".join(format_exception(error))
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                logger.warning("task %s failed: its worker died %d times", pk, runs)
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                logger.warning("task %s queued again: its worker %s died", pk, task.worker_ids[-1:])
            changed += 1
    # Heartbeats of workers long gone are only clutter (read first: a DELETE takes SQLite's
    # write lock even when it deletes nothing).
    gone = WorkerHeartbeat.objects.filter(last_seen_at__lt=timezone.now() - 100 * _stale())
    if gone.exists():
        gone.delete()
    return changed


def _stale() -> Any:
    from accord.core.background import stale_after

    return stale_after()
