"""The background side of an upload (BomImport, CatalogueImport): the task worker claims the
staging row, reports what it is doing, and records how the job ended.

A job is all-or-nothing: its write is one transaction, so a worker that dies (killed, out of
memory, power cut) leaves nothing half-written, only the row in its running state. The
worker's recovery (accord/core/worker.py) queues the task again; the next run finds the row
still running and knows that the run before it was lost. It tries once more, and after a
second loss it gives up and says so, rather than let a file that kills the worker loop forever.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from accord.parts.choices import BomImportStatus

logger = logging.getLogger(__name__)

# Runs of one job before it is failed: the first, and one more after a worker died.
MAX_ATTEMPTS = 2


def worker_lost_error(doing: str, filename: str) -> dict[str, Any]:
    return {
        "code": "worker_lost",
        "message": (
            f"The background worker stopped while {doing} {filename}, twice; nothing was "
            "written. The file may be too large for this server: try it in parts, or ask "
            "your administrator to look at the worker's log."
        ),
        "detail": None,
    }


def claim(
    model: Any,
    staged_id: int,
    *,
    waiting: str,
    running: str,
    doing: str,
    on_lost: Callable[[Any], None] | None = None,
) -> Any:
    """Lock the staging row and mark it running, in a transaction of its own (the polling
    page sees it at once). None when there is nothing to do: the row was discarded or run
    already, or its runs were lost MAX_ATTEMPTS times (then it is failed with the reason, or
    `on_lost` decides). A job whose waiting and running states are one (a background dry run)
    counts its attempts the same way."""
    with transaction.atomic():
        staged = (
            model._default_manager.select_for_update(of=("self",))
            .filter(pk=staged_id, status__in=[waiting, running])
            .first()
        )
        if staged is None:
            return None
        if staged.attempts >= MAX_ATTEMPTS and (staged.status == running or waiting == running):
            if on_lost is not None:
                on_lost(staged)
            else:
                _set_failed(model, staged_id, worker_lost_error(doing, staged.filename))
            logger.warning("%s %s: runs lost with their worker; failed", model.__name__, staged_id)
            return None
        staged.status = running
        staged.started_at = timezone.now()
        staged.attempts += 1
        staged.progress = ""
        staged.save(update_fields=["status", "started_at", "attempts", "progress", "updated_at"])
    return staged


def report_progress(model: Any, staged_id: int, text: str) -> None:
    """What the worker is doing now, for the polling page; never fails the job."""
    try:
        model._default_manager.filter(pk=staged_id).update(
            progress=text[:200], updated_at=timezone.now()
        )
    except DatabaseError:  # the page shows the previous step; the job goes on
        logger.warning("could not record the progress of %s %s", model.__name__, staged_id)


def fail(model: Any, staged_id: int, error: dict[str, Any]) -> None:
    """Record why the job failed. Retried: a busy or briefly unreachable database must not
    leave the row running with nobody working on it."""
    for attempt in range(5):
        try:
            _set_failed(model, staged_id, error)
            return
        except DatabaseError:
            if attempt == 4:
                raise
            time.sleep(0.5 * 2**attempt)


def _set_failed(model: Any, staged_id: int, error: dict[str, Any]) -> None:
    # Only a job still in progress: a run that lost a race with another (a worker wrongly
    # thought dead) must not mark failed an upload that the other run committed.
    model._default_manager.filter(pk=staged_id, status__in=BomImportStatus.in_progress()).update(
        status=BomImportStatus.FAILED, error=error, progress="", updated_at=timezone.now()
    )


def unexpected_error(error: BaseException) -> dict[str, Any]:
    """A failure that is not the file's fault, as the person sees it."""
    from django.db import OperationalError

    if isinstance(error, OperationalError) and "locked" in str(error).lower():
        message = (
            "The database was busy for too long and the import was stopped; nothing was "
            "written. Try again in a moment."
        )
    else:
        message = "Something went wrong on our side; nothing was written."
    return {"code": "server_error", "message": message, "detail": None}
