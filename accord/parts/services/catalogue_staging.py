"""A parts list from upload to catalogue: screened like a BOM file, kept on a CatalogueImport
row until its uploader confirms, previewed by a dry run that writes nothing."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction

from accord.core.choices import Classification
from accord.core.errors import Conflict, NotFound
from accord.core.events import record_event
from accord.orgs.models import Person
from accord.parts.access import check_catalogue_import
from accord.parts.bom_import.inputs import rejection_error
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.readers import read_tables
from accord.parts.choices import BomImportStatus
from accord.parts.models import CatalogueImport
from accord.parts.services.catalogue_import import CatalogueImportResult, import_catalogue


def screen_catalogue_file(data: bytes, filename: str) -> None:
    """The BOM reader's hostile-input checks (size, rows, cells, zip bombs, binary junk) before
    the catalogue parser sees the file: 413/422 naming the limits."""
    try:
        read_tables(data, filename)
    except ImportRejected as rejected:
        raise rejection_error(rejected.problems) from None


def dry_run_catalogue(*, actor: Person, data: bytes, filename: str) -> CatalogueImportResult:
    """What importing the file would create and change, computed by the import itself in a
    transaction that is then rolled back: the counts are exact and nothing stays written."""
    check_catalogue_import(actor)
    screen_catalogue_file(data, filename)
    with transaction.atomic():
        result = import_catalogue(actor=actor, data=data, filename=filename)
        transaction.set_rollback(True)
    return result


def run_catalogue_import(*, actor: Person, data: bytes, filename: str) -> CatalogueImportResult:
    """Import a parts list at once (the API and the CLI): screened, then one transaction."""
    check_catalogue_import(actor)
    screen_catalogue_file(data, filename)
    return import_catalogue(actor=actor, data=data, filename=filename)


def result_dict(result: CatalogueImportResult) -> dict[str, Any]:
    return {**asdict(result), "changed": result.changed}


def stage_catalogue_import(*, actor: Person, data: bytes, filename: str) -> CatalogueImport:
    """Keep an uploaded parts list until its uploader confirms it (screened first)."""
    check_catalogue_import(actor)
    organisation = actor.organisation
    if organisation is None:  # pragma: no cover (check_catalogue_import refuses them)
        raise NotFound()
    screen_catalogue_file(data, filename)
    with transaction.atomic():
        staged = CatalogueImport.objects.create(
            person=actor,
            organisation=organisation,
            filename=filename[:255],
            data=data,
        )
        record_event(
            actor=actor,
            verb="uploaded parts list",
            obj=staged,
            classification=Classification.INTERNAL,
            changes={"file": staged.filename, "bytes": len(data)},
        )
    return staged


def _lock_open(staged: CatalogueImport, actor: Person) -> CatalogueImport:
    locked = CatalogueImport.objects.select_for_update().get(pk=staged.pk)
    if locked.person_id != actor.pk:
        raise NotFound()
    if locked.status not in BomImportStatus.open():
        raise Conflict(
            f"This upload is already {locked.get_status_display().lower()}; nothing was changed."
        )
    return locked


def confirm_catalogue_import(*, actor: Person, staged: CatalogueImport) -> CatalogueImportResult:
    """Import the staged parts list and close the staging row, in one transaction."""
    check_catalogue_import(actor)
    with transaction.atomic():
        locked = _lock_open(staged, actor)
        result = import_catalogue(actor=actor, data=bytes(locked.data), filename=locked.filename)
        locked.status = BomImportStatus.COMMITTED
        locked.result = {k: v for k, v in result_dict(result).items() if k != "problems"}
        locked.data = b""
        locked.save(update_fields=["status", "result", "data"])
    return result


def discard_catalogue_import(*, actor: Person, staged: CatalogueImport) -> CatalogueImport:
    with transaction.atomic():
        locked = _lock_open(staged, actor)
        locked.status = BomImportStatus.DISCARDED
        locked.data = b""
        locked.save(update_fields=["status", "data"])
        record_event(
            actor=actor,
            verb="discarded parts list",
            obj=locked,
            classification=Classification.INTERNAL,
            changes={"file": locked.filename},
        )
    return locked
