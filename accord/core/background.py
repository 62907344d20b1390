"""Handing work to the background task worker, and whether one is running.

With the database backend (django-tasks-db, the default) a task is a row that the worker
(`accord worker`, accord/core/worker.py) claims. Enqueued inside the caller's transaction, that
row is written with the state it goes with (an upload marked queued) or not at all: no upload
waits for a task that was never queued. The other backends run the task after the commit (RQ)
or at once (`immediate`, the tests), so for them the task is enqueued on commit.

Whether a worker is alive is read from the heartbeats the workers write (WorkerHeartbeat): the
pages tell the person when nobody will pick their job up, instead of "waiting" forever.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accord.core.models import WorkerHeartbeat

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def uses_task_worker() -> bool:
    """True when background tasks wait in the database for `accord worker`."""
    return bool(settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND)


def enqueue_with(task: Any, *args: Any) -> None:
    """Enqueue the task together with the caller's writes (see the module's docstring)."""
    if uses_task_worker():
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)


def live_workers() -> QuerySet[WorkerHeartbeat]:
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=timezone.now() - stale_after())


def worker_missing() -> bool:
    """True when jobs wait for a task worker and none has been seen lately."""
    return uses_task_worker() and not live_workers().exists()


WORKER_MISSING_MESSAGE = (
    "The background worker is not running, so this job waits until it starts again; nothing "
    "has been written. If this lasts, tell your administrator (`accord worker` runs it)."
)
