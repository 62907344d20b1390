"""BOM uploads: staged until their uploader confirms, then imported within the request or,
when long, by the task worker. The import itself is services/bom_write.py."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.core.background import enqueue_with
from accord.core.choices import Classification
from accord.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from accord.core.events import diff_fields, record_event
from accord.core.gcpause import cyclic_gc_paused
from accord.core.text import checked_text
from accord.orgs.models import Person, Program
from accord.parts.bom_import.request import BomImportRequest, ImportOptions
from accord.parts.choices import BomImportStatus
from accord.parts.models import Bom, BomImport
from accord.parts.services import jobs
from accord.parts.services.bom_write import import_bom, prepare_bom_import, write_bom_import

__all__ = [
    "SYNC_IMPORT_MAX_LINES",
    "confirm_bom_import",
    "discard_bom_import",
    "import_bom",
    "prune_import_uploads",
    "queue_bom_import",
    "remember_column_mapping",
    "run_queued_bom_import",
    "stage_bom_import",
    "update_bom_import",
]


def remember_column_mapping(
    *, actor: Person, header_signature: str, overrides: dict[int, str | None]
) -> None:
    """Keep the organisation's choice for the next file with the same header layout."""
    from accord.parts.models import ColumnMappingMemory

    if not overrides or actor.organisation_id is None:
        return
    ColumnMappingMemory.objects.update_or_create(
        organisation_id=actor.organisation_id,
        header_signature=header_signature,
        defaults={"overrides": {str(k): v for k, v in overrides.items()}, "updated_by": actor},
    )


# Staged imports: the uploaded file waits on a BomImport row until the person confirms. ------

# Up to this many lines the page's confirm imports the BOM within the request; a longer file is
# imported by the task worker while the page polls its progress (views/imports.py). Either way
# the write lock is held only for the short publication (services/bom_write.py); the threshold
# keeps the request short: measured with benchmarks/import.py on SQLite, reading and matching
# 1,500 lines takes 0.2 s and 5,000 lines 0.8 s, and it grows linearly up to the reader's
# 100,000 rows, which would outlast a web worker's timeout (60 s). Every shared sample BOM is
# under 150 lines.
SYNC_IMPORT_MAX_LINES = 1000


def _check_importer(actor: Person, program: Program) -> None:
    if actor.organisation_id != program.owner_id:
        raise Forbidden("Only people of the program's owner can import its BOMs.")


def stage_bom_import(*, actor: Person, request: BomImportRequest) -> BomImport:
    """Keep an uploaded BOM file until its uploader confirms it: the only write before the
    confirmation, and not catalogue or BOM data."""
    from accord.parts.bom_import.inputs import clean_description, clean_names

    program = request.program
    _check_importer(actor, program)
    assembly_number, revision = clean_names(request.assembly_number, request.revision)
    assembly_description = clean_description(request.assembly_description)
    data, filename = request.data, request.filename
    with transaction.atomic():
        staged = BomImport.objects.create(
            person=actor,
            program=program,
            assembly_number=assembly_number,
            assembly_description=assembly_description,
            revision=revision,
            filename=filename[:255],
            data=data,
            options={**request.options.as_json(), "mapping_chosen": False},
        )
        record_event(
            actor=actor,
            verb="uploaded BOM file",
            obj=staged,
            program=program,
            classification=Classification.INTERNAL,
            changes={
                "file": staged.filename,
                "assembly": assembly_number,
                "revision": revision,
                "bytes": len(data),
            },
        )
    return staged


def _lock_open(staged: BomImport, actor: Person) -> BomImport:
    """The staging row, locked, while it may still change; Conflict once confirmed/discarded,
    InvalidInput (410) once expired."""
    locked = BomImport.objects.select_for_update().get(pk=staged.pk)
    check_open(locked, actor)
    return locked


def preview_expiry() -> dt.timedelta:
    return dt.timedelta(days=settings.IMPORT_PREVIEW_DAYS)


def is_expired(staged: BomImport | object) -> bool:
    """An upload nobody confirmed within IMPORT_PREVIEW_DAYS is not resumed (the sweep
    `accord prune-import-uploads` discards it; until it runs, it is refused here)."""
    created = getattr(staged, "created_at", None)
    status = getattr(staged, "status", "")
    return (
        created is not None
        and status in BomImportStatus.open()
        and timezone.now() - created > preview_expiry()
    )


def check_open(staged: object, actor: Person) -> None:
    """Refuse a change to an upload that is not its uploader's (404), not open any more (409)
    or expired (410)."""
    if getattr(staged, "person_id", None) != actor.pk:
        raise NotFound()
    status = getattr(staged, "status", "")
    if status not in BomImportStatus.open():
        display = getattr(staged, "get_status_display")().lower()  # noqa: B009
        raise Conflict(f"This upload is already {display}; nothing was changed.")
    if is_expired(staged):
        days = settings.IMPORT_PREVIEW_DAYS
        raise InvalidInput(
            f"This upload is more than {days} days old and has expired; nothing was imported. "
            "Upload the file again.",
            code="upload_expired",
            http_status=410,
        )


def update_bom_import(
    *,
    actor: Person,
    staged: BomImport,
    sheet: str | None,
    overrides: dict[int, str | None] | None,
    options: ImportOptions,
) -> BomImport:
    """The person's choices on the preview: another sheet (which resets the column choices),
    column mapping overrides, the import options (alternates approved, strict designators,
    quantities counted from designators)."""
    from accord.parts.bom_import.inputs import overrides_to_json

    with transaction.atomic():
        locked = _lock_open(staged, actor)
        before = {
            "sheet": locked.sheet,
            "overrides": locked.overrides,
            **ImportOptions.from_json(locked.options).as_json(),
        }
        stored = dict(locked.options)
        sheet = checked_text((sheet or "").strip(), field="sheet")[:120]
        if sheet != locked.sheet:
            locked.sheet = sheet
            locked.overrides = {}
            stored["mapping_chosen"] = False
        elif overrides is not None:
            locked.overrides = overrides_to_json(overrides)
            stored["mapping_chosen"] = True
        stored.update(options.as_json())
        locked.options = stored
        locked.status = BomImportStatus.PREVIEWED
        locked.error = None
        locked.save()
        after = {
            "sheet": locked.sheet,
            "overrides": locked.overrides,
            **options.as_json(),
        }
        record_event(
            actor=actor,
            verb="changed BOM import options",
            obj=locked,
            program=locked.program,
            classification=Classification.INTERNAL,
            changes=diff_fields(before, after),
        )
    return locked


def discard_bom_import(*, actor: Person, staged: BomImport) -> BomImport:
    """Drop an upload without importing it; the file itself is deleted."""
    with transaction.atomic():
        locked = _lock_open(staged, actor)
        locked.status = BomImportStatus.DISCARDED
        locked.data = b""
        locked.save(update_fields=["status", "data", "updated_at"])
        record_event(
            actor=actor,
            verb="discarded BOM file",
            obj=locked,
            program=locked.program,
            classification=Classification.INTERNAL,
            changes={"file": locked.filename},
        )
    return locked


@cyclic_gc_paused()
def confirm_bom_import(*, actor: Person, staged: BomImport) -> Bom:
    """Import the staged file now: read and match it without holding the write lock, then
    write the BOM and the staging row's new state in one short transaction."""
    from accord.parts.bom_import.inputs import request_from_staged

    check_open(staged, actor)
    prepared = prepare_bom_import(actor=actor, request=request_from_staged(staged))

    def close(bom: Bom) -> None:
        locked = _lock_open(staged, actor)  # nobody discarded or confirmed it meanwhile
        locked.status = BomImportStatus.COMMITTED
        locked.bom = bom
        locked.error = None
        locked.save(update_fields=["status", "bom", "error", "updated_at"])

    return write_bom_import(prepared, actor=actor, inside=close)


def queue_bom_import(*, actor: Person, staged: BomImport, lines: int = 0) -> BomImport:
    """Hand a long import to the task worker; the page polls the staging row's status."""
    from accord.parts.tasks import commit_staged_bom_import

    with transaction.atomic():
        locked = _lock_open(staged, actor)
        locked.status = BomImportStatus.QUEUED
        locked.error = None
        locked.started_at = None
        locked.attempts = 0
        locked.progress = ""
        locked.options = {**locked.options, "lines": lines}
        locked.save(
            update_fields=[
                "status",
                "error",
                "started_at",
                "attempts",
                "progress",
                "options",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            verb="queued BOM import",
            obj=locked,
            program=locked.program,
            classification=Classification.INTERNAL,
            changes={"file": locked.filename, "lines": lines},
        )
        enqueue_with(commit_staged_bom_import, locked.pk)
    return locked


@cyclic_gc_paused()
def run_queued_bom_import(staged_id: int) -> Bom | None:
    """The task worker's job: mark the row running (the polling page sees it at once), read
    and match the file, write it in one short transaction that also closes the row. A refusal
    or a failure is kept on the row for the page; nothing of the import is written then."""
    from accord.parts.bom_import.inputs import request_from_staged

    staged = jobs.claim(
        BomImport,
        staged_id,
        waiting=BomImportStatus.QUEUED,
        running=BomImportStatus.RUNNING,
        doing="importing",
    )
    if staged is None:  # discarded, already run, or given up
        return None
    staged = BomImport.objects.select_related("person__organisation", "program").get(pk=staged.pk)

    def progress(text: str) -> None:
        jobs.report_progress(BomImport, staged_id, text)

    def close(bom: Bom) -> None:
        BomImport.objects.filter(pk=staged_id).update(
            status=BomImportStatus.COMMITTED,
            bom=bom,
            error=None,
            progress="",
            updated_at=timezone.now(),
        )

    try:
        progress("Reading the file and matching it against the catalogue")
        prepared = prepare_bom_import(actor=staged.person, request=request_from_staged(staged))
        bom = write_bom_import(prepared, actor=staged.person, inside=close, on_progress=progress)
    except DomainError as error:
        jobs.fail(BomImport, staged_id, error.as_dict())
        return None
    except Exception as error:
        jobs.fail(BomImport, staged_id, jobs.unexpected_error(error))
        raise
    return bom


def prune_import_uploads(*, actor: Person | None, older_than: dt.timedelta | None = None) -> int:
    """Discard the uploads nobody confirmed within the expiry (BOM files and parts lists,
    previewed or failed), deleting their files; safe to run again any time (a periodic sweep:
    `accord prune-import-uploads`). Uploads queued for or run by the worker are left alone."""
    from accord.parts.models import CatalogueImport

    older_than = older_than if older_than is not None else preview_expiry()
    if older_than < dt.timedelta(hours=1):
        raise InvalidInput("Keep uploads for at least an hour.")
    cutoff = timezone.now() - older_than
    discarded = {}
    with transaction.atomic():
        for model in (BomImport, CatalogueImport):
            discarded[model.__name__] = model.objects.filter(
                status__in=BomImportStatus.open(), created_at__lt=cutoff
            ).update(status=BomImportStatus.DISCARDED, data=b"", updated_at=timezone.now())
        total = sum(discarded.values())
        if total:
            record_event(
                actor=actor,
                verb="discarded expired uploads",
                obj=BomImport,
                classification=Classification.INTERNAL,
                changes={
                    "bom_files": discarded["BomImport"],
                    "parts_lists": discarded["CatalogueImport"],
                    "before": cutoff.isoformat(),
                },
            )
    return total
