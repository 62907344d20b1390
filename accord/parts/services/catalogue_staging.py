"""A parts list from upload to catalogue: screened like a BOM file, kept on a CatalogueImport
row until its uploader confirms, previewed by a dry run that writes nothing, imported by the
task worker while the page shows its progress.

The dry run is the import's plan (catalogue_plan.py): computed by reading only, so it never
takes the write lock. A small file is previewed within the request; a larger one by the task
worker (status CHECKING) right after the upload, the page polling until the counts are there.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.background import enqueue_with
from accord.core.choices import Classification
from accord.core.errors import DomainError, NotFound
from accord.core.events import record_event
from accord.orgs.models import Person
from accord.parts.access import check_catalogue_import
from accord.parts.bom_import.inputs import rejection_error
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.readers import read_tables
from accord.parts.choices import BomImportStatus
from accord.parts.models import CatalogueImport
from accord.parts.services import jobs
from accord.parts.services.catalogue_import import import_catalogue, write_catalogue_import
from accord.parts.services.catalogue_plan import CatalogueImportResult, plan_catalogue_import
from accord.parts.services.imports import check_open

# Files up to this size are previewed within the request: reading and comparing the 0.5 MB
# Digi-Key list (1,073 parts) takes about 0.2 s; the 7.6 MB Horizon pool (25,017 parts) 1.5 to
# 2 s (SQLite, benchmarks/import.py), so larger files are previewed by the task worker.
INLINE_PREVIEW_MAX_BYTES = 1_000_000
# Problems kept with a preview computed in the background (the page shows 500 of them).
PROBLEMS_KEPT = 500


def screen_catalogue_file(data: bytes, filename: str) -> None:
    """The BOM reader's hostile-input checks (size, rows, cells, zip bombs, binary junk) before
    the catalogue parser sees the file: 413/422 naming the limits."""
    try:
        read_tables(data, filename)
    except ImportRejected as rejected:
        raise rejection_error(rejected.problems) from None


def dry_run_catalogue(*, actor: Person, data: bytes, filename: str) -> CatalogueImportResult:
    """What importing the file would create and change: the import's own plan, computed by
    reading only (no write, no write lock)."""
    check_catalogue_import(actor)
    screen_catalogue_file(data, filename)
    return plan_catalogue_import(actor=actor, data=data, filename=filename).result


def run_catalogue_import(*, actor: Person, data: bytes, filename: str) -> CatalogueImportResult:
    """Import a parts list at once (the API and the CLI): screened, planned, then published in
    one short transaction."""
    check_catalogue_import(actor)
    screen_catalogue_file(data, filename)
    return import_catalogue(actor=actor, data=data, filename=filename)


def result_dict(result: CatalogueImportResult) -> dict[str, Any]:
    return {**asdict(result), "changed": result.changed}


def stored_preview(result: CatalogueImportResult) -> dict[str, Any]:
    """A dry run as kept on the staging row (the first problems, and how many there were)."""
    data = result_dict(result)
    data["problem_count"] = len(result.problems)
    data["problems"] = result.problems[:PROBLEMS_KEPT]
    data["computed_at"] = timezone.now().isoformat()
    return data


def stage_catalogue_import(*, actor: Person, data: bytes, filename: str) -> CatalogueImport:
    """Keep an uploaded parts list until its uploader confirms it (screened first). A large
    file is handed to the task worker for its dry run at once."""
    from accord.parts.tasks import preview_staged_catalogue_import

    check_catalogue_import(actor)
    organisation = actor.organisation
    if organisation is None:  # pragma: no cover (check_catalogue_import refuses them)
        raise NotFound()
    screen_catalogue_file(data, filename)
    in_background = len(data) > INLINE_PREVIEW_MAX_BYTES
    with transaction.atomic():
        staged = CatalogueImport.objects.create(
            person=actor,
            organisation=organisation,
            filename=filename[:255],
            data=data,
            status=BomImportStatus.CHECKING if in_background else BomImportStatus.PREVIEWED,
        )
        record_event(
            actor=actor,
            verb="uploaded parts list",
            obj=staged,
            classification=Classification.INTERNAL,
            changes={"file": staged.filename, "bytes": len(data)},
        )
        if in_background:
            enqueue_with(preview_staged_catalogue_import, staged.pk)
    return staged


def _lock_open(staged: CatalogueImport, actor: Person) -> CatalogueImport:
    locked = CatalogueImport.objects.select_for_update().get(pk=staged.pk)
    check_open(locked, actor)
    return locked


def queue_catalogue_import(*, actor: Person, staged: CatalogueImport) -> CatalogueImport:
    """Hand the import to the task worker; the page polls the staging row's status."""
    from accord.parts.tasks import commit_staged_catalogue_import

    check_catalogue_import(actor)
    with transaction.atomic():
        locked = _lock_open(staged, actor)
        locked.status = BomImportStatus.QUEUED
        locked.error = None
        locked.started_at = None
        locked.attempts = 0
        locked.progress = ""
        locked.save(
            update_fields=["status", "error", "started_at", "attempts", "progress", "updated_at"]
        )
        record_event(
            actor=actor,
            verb="queued parts list import",
            obj=locked,
            classification=Classification.INTERNAL,
            changes={"file": locked.filename},
        )
        enqueue_with(commit_staged_catalogue_import, locked.pk)
    return locked


def run_queued_catalogue_import(staged_id: int) -> CatalogueImportResult | None:
    """The task worker's job: plan by reading only, then publish in one short transaction that
    also closes the staging row. A refusal or a failure is kept on the row for the page."""
    staged = jobs.claim(
        CatalogueImport,
        staged_id,
        waiting=BomImportStatus.QUEUED,
        running=BomImportStatus.RUNNING,
        doing="importing",
    )
    if staged is None:
        return None
    actor = Person.objects.select_related("organisation").get(pk=staged.person_id)

    def progress(text: str) -> None:
        jobs.report_progress(CatalogueImport, staged_id, text)

    def close(result: CatalogueImportResult) -> None:
        CatalogueImport.objects.filter(pk=staged_id).update(
            status=BomImportStatus.COMMITTED,
            result={k: v for k, v in result_dict(result).items() if k != "problems"},
            data=b"",
            error=None,
            progress="",
            updated_at=timezone.now(),
        )

    try:
        check_catalogue_import(actor)
        plan = plan_catalogue_import(
            actor=actor, data=bytes(staged.data), filename=staged.filename, on_progress=progress
        )
        return write_catalogue_import(plan, actor=actor, on_progress=progress, inside=close)
    except DomainError as error:
        jobs.fail(CatalogueImport, staged_id, error.as_dict())
        return None
    except Exception as error:
        jobs.fail(CatalogueImport, staged_id, jobs.unexpected_error(error))
        raise


def run_catalogue_preview(staged_id: int) -> None:
    """The task worker's dry run of a large parts list: the counts are kept on the row."""

    def lost(staged: CatalogueImport) -> None:
        _finish_preview(staged_id, {"error": jobs.worker_lost_error("checking", staged.filename)})

    staged = jobs.claim(
        CatalogueImport,
        staged_id,
        waiting=BomImportStatus.CHECKING,
        running=BomImportStatus.CHECKING,
        doing="checking",
        on_lost=lost,
    )
    if staged is None:
        return
    actor = Person.objects.select_related("organisation").get(pk=staged.person_id)
    try:
        result = plan_catalogue_import(
            actor=actor,
            data=bytes(staged.data),
            filename=staged.filename,
            on_progress=lambda text: jobs.report_progress(CatalogueImport, staged_id, text),
        ).result
    except DomainError as error:
        _finish_preview(staged_id, {"error": error.as_dict()})
        return
    except Exception as error:
        _finish_preview(staged_id, {"error": jobs.unexpected_error(error)})
        raise
    _finish_preview(staged_id, stored_preview(result))


def _finish_preview(staged_id: int, preview: dict[str, Any]) -> None:
    CatalogueImport.objects.filter(pk=staged_id, status=BomImportStatus.CHECKING).update(
        status=BomImportStatus.PREVIEWED,
        preview=preview,
        attempts=0,
        started_at=None,
        progress="",
        updated_at=timezone.now(),
    )


def discard_catalogue_import(*, actor: Person, staged: CatalogueImport) -> CatalogueImport:
    with transaction.atomic():
        locked = CatalogueImport.objects.select_for_update().get(pk=staged.pk)
        if locked.person_id != actor.pk:
            raise NotFound()
        if locked.status not in BomImportStatus.open() | {BomImportStatus.CHECKING}:
            check_open(locked, actor)  # the Conflict naming its state
        locked.status = BomImportStatus.DISCARDED
        locked.data = b""
        locked.save(update_fields=["status", "data", "updated_at"])
        record_event(
            actor=actor,
            verb="discarded parts list",
            obj=locked,
            classification=Classification.INTERNAL,
            changes={"file": locked.filename},
        )
    return locked
