"""Every write to parts, manufacturer parts, approved sources and BOMs."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import insert_rows
from accord.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from accord.core.events import diff_fields, record_event
from accord.core.text import checked_text
from accord.orgs.models import Person, Program
from accord.parts.choices import BomImportStatus, SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomImport,
    Manufacturer,
    ManufacturerPart,
    Part,
)
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.services.boms import BomLineInput, create_bom
from accord.parts.services.catalogue import get_or_create_category, refresh_part_rollups


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


CATEGORY_BY_PREFIX = {
    "C": "Capacitors",
    "R": "Resistors",
    "L": "Inductors",
    "D": "Diodes",
    "LED": "LEDs",
    "Q": "Transistors",
    "U": "ICs",
    "IC": "ICs",
    "Y": "Crystals",
    "X": "Crystals",
    "J": "Connectors",
    "P": "Connectors",
    "CN": "Connectors",
    "F": "Fuses",
    "SW": "Switches",
    "FB": "Ferrite beads",
}


def import_bom(
    *,
    actor: Person,
    program: Program,
    assembly_number: str,
    revision: str,
    data: bytes,
    filename: str,
    assembly_description: str = "",
    sheet: str | None = None,
    overrides: dict[int, str | None] | None = None,
    approve_alternates: bool = False,
    classification: str = Classification.RESTRICTED,
    remember_mapping: bool = True,
) -> Bom:
    """Write everything a previewed import planned, in one transaction, or nothing."""
    from accord.parts.bom_import.inputs import clean_description, clean_names
    from accord.parts.bom_import.matching import resolve_manufacturers
    from accord.parts.bom_import.preview import preview_import
    from accord.parts.models import PartParameter

    if actor.organisation_id != program.owner_id:
        raise Forbidden("Only people of the program's owner can import its BOMs.")
    assembly_number, revision = clean_names(assembly_number, revision)
    assembly_description = clean_description(assembly_description)
    with transaction.atomic():
        preview = preview_import(
            organisation_id=program.owner_id,
            program_id=program.pk,
            assembly_number=assembly_number,
            data=data,
            filename=filename,
            sheet=sheet,
            overrides=overrides,
            approve_alternates=approve_alternates,
        )
        if preview.parsed is None:
            from accord.parts.bom_import.inputs import rejection_error

            raise rejection_error(preview.problems)
        if not preview.can_commit or preview.plan is None:
            errors = preview.errors
            raise InvalidInput(
                f"The file has {len(errors)} problem(s) to fix before it can be imported.",
                code="import_invalid",
                detail=[
                    {
                        "message": p.message,
                        "file": p.file,
                        "sheet": p.sheet,
                        "row": p.row,
                        "column": p.column,
                    }
                    for p in errors
                ],
            )
        plan = preview.plan
        owner_id = program.owner_id
        sources = [s for line in plan.lines for s in line.sources]
        # Manufacturers nobody knows yet.
        wanted = {
            manufacturer_key(s.manufacturer): s.manufacturer.strip()
            for s in sources
            if s.manufacturer_part_id is None
        }
        wanted.pop("", None)
        known = resolve_manufacturers(wanted.values())
        Manufacturer.objects.bulk_create(
            [
                Manufacturer(name=name[:200], key=key)
                for key, name in wanted.items()
                if key not in known
            ],
            ignore_conflicts=True,
        )
        makers = resolve_manufacturers(wanted.values())
        # Manufacturer parts.
        mp_wanted = {
            (makers[manufacturer_key(s.manufacturer)], mpn_key(s.mpn)): s.mpn.strip()
            for s in sources
            if s.manufacturer_part_id is None
        }
        mp_ids: dict[tuple[int, str], int] = {}

        def load_mp_ids() -> None:
            for pk, maker_id, key in ManufacturerPart.objects.filter(
                mpn_key__in={k for _, k in mp_wanted}
            ).values_list("pk", "manufacturer_id", "mpn_key"):
                mp_ids[(maker_id, key)] = pk

        load_mp_ids()
        insert_rows(
            ManufacturerPart,
            ["manufacturer", "mpn", "mpn_key"],
            (
                (maker_id, mpn[:120], key[:120])
                for (maker_id, key), mpn in mp_wanted.items()
                if (maker_id, key) not in mp_ids
            ),
        )
        load_mp_ids()
        for s in sources:
            if s.manufacturer_part_id is None:
                s.manufacturer_part_id = mp_ids[
                    (makers[manufacturer_key(s.manufacturer)], mpn_key(s.mpn))
                ]
        # New parts, with their parsed parameters.
        new_lines = {line.part_number: line for line in plan.lines if line.part_id is None}
        category_names = {
            number: _category_for(line.designators) for number, line in new_lines.items()
        }
        category_ids = {name: get_or_create_category(name) for name in set(category_names.values())}
        categories = {
            number: getattr(category_ids[name], "pk", None)
            for number, name in category_names.items()
        }
        insert_rows(
            Part,
            ["owner", "number", "description", "value", "package", "category"],
            (
                (
                    owner_id,
                    number,
                    line.description[:500],
                    line.value[:120],
                    line.package[:120],
                    categories[number],
                )
                for number, line in new_lines.items()
            ),
        )
        part_ids = dict(
            Part.objects.filter(owner_id=owner_id, number__in=new_lines).values_list("number", "pk")
        )
        insert_rows(
            PartParameter,
            ["part", "name", "value_text", "value_number"],
            (
                (
                    part_ids[number],
                    name[:60],
                    str(value)[:120],
                    value if isinstance(value, Decimal) and _fits(value) else None,
                )
                for number, line in new_lines.items()
                for name, value in line.parameters.items()
            ),
        )
        for line in plan.lines:
            if line.part_id is None:
                line.part_id = part_ids[line.part_number]
        # Approved sources; the primary source is approved, alternates as the user chose.
        now = timezone.now()
        new_sources: dict[tuple[int, int], tuple[Any, ...]] = {}
        for line in plan.lines:
            for s in line.sources:
                if s.already_listed or line.part_id is None or s.manufacturer_part_id is None:
                    continue
                approved = s.status == SourceStatus.APPROVED
                new_sources.setdefault(
                    (line.part_id, s.manufacturer_part_id),
                    (
                        line.part_id,
                        s.manufacturer_part_id,
                        s.rank,
                        s.status,
                        actor.pk if approved else None,
                        now if approved else None,
                    ),
                )
        insert_rows(
            ApprovedSource,
            ["part", "manufacturer_part", "rank", "status", "approved_by", "approved_at"],
            new_sources.values(),
        )
        assembly = Part.objects.filter(owner_id=owner_id, number=assembly_number).first()
        if assembly is None:
            assembly = Part.objects.create(
                owner_id=owner_id,
                number=assembly_number,
                description=assembly_description or f"Assembly from {filename}",
                is_assembly=True,
                classification=Classification.RESTRICTED,
                category=get_or_create_category("Assemblies"),
            )
        touched = {line.part_id for line in plan.lines if line.part_id is not None}
        refresh_part_rollups(touched | {assembly.pk})
        bom = create_bom(
            actor=actor,
            program=program,
            assembly=assembly,
            revision=revision,
            classification=classification,
            source_filename=filename[:255],
            lines=[
                BomLineInput(
                    part=Part(pk=line.part_id, owner_id=owner_id),
                    quantity=line.quantity,
                    designators=line.designators,
                    dnp=line.dnp,
                    value=line.value,
                    footprint=line.footprint,
                    notes=line.notes,
                )
                for line in plan.lines
            ],
        )
        if remember_mapping and overrides:
            remember_column_mapping(
                actor=actor, header_signature=preview.parsed.header_signature, overrides=overrides
            )
        record_event(
            actor=actor,
            verb="imported BOM",
            obj=bom,
            program=program,
            classification=classification,
            changes={
                "file": filename,
                "lines": len(plan.lines),
                "new_parts": len(new_lines),
                "matches": plan.match_counts,
            },
        )
    return bom


def _category_for(designators: Sequence[str]) -> str:
    if not designators:
        return "Other"
    prefix = "".join(c for c in designators[0] if c.isalpha()).upper()
    return CATEGORY_BY_PREFIX.get(prefix) or CATEGORY_BY_PREFIX.get(prefix[:1], "Other")


# Staged imports: the uploaded file waits on a BomImport row until the person confirms. ------

# Up to this many lines the page's confirm writes the BOM within the request; a longer file is
# committed by a django-tasks task while the page polls its progress (views/imports.py).
# Measured with benchmarks/import.py on SQLite: 1,000 lines preview in 0.2 s and commit in
# 0.3 s; 5,000 lines in 2.6 s + 3.6 s; cost grows linearly up to the reader's 100,000 rows,
# which would outlast a web worker's timeout (60 s). Every shared sample BOM is under 150
# lines, so a workspace without a task worker (accord demo) still imports them at once.
SYNC_IMPORT_MAX_LINES = 1000


def _check_importer(actor: Person, program: Program) -> None:
    if actor.organisation_id != program.owner_id:
        raise Forbidden("Only people of the program's owner can import its BOMs.")


def stage_bom_import(
    *,
    actor: Person,
    program: Program,
    assembly_number: str,
    revision: str,
    data: bytes,
    filename: str,
    assembly_description: str = "",
    approve_alternates: bool = False,
) -> BomImport:
    """Keep an uploaded BOM file until its uploader confirms it: the only write before the
    confirmation, and not catalogue or BOM data."""
    from accord.parts.bom_import.inputs import clean_description, clean_names

    _check_importer(actor, program)
    assembly_number, revision = clean_names(assembly_number, revision)
    assembly_description = clean_description(assembly_description)
    with transaction.atomic():
        staged = BomImport.objects.create(
            person=actor,
            program=program,
            assembly_number=assembly_number,
            assembly_description=assembly_description,
            revision=revision,
            filename=filename[:255],
            data=data,
            options={"approve_alternates": bool(approve_alternates), "mapping_chosen": False},
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
    """The staging row, locked, while it may still change; Conflict once confirmed/discarded."""
    locked = BomImport.objects.select_for_update().get(pk=staged.pk)
    if locked.person_id != actor.pk:
        raise NotFound()
    if locked.status not in BomImportStatus.open():
        raise Conflict(
            f"This upload is already {locked.get_status_display().lower()}; nothing was changed."
        )
    return locked


def update_bom_import(
    *,
    actor: Person,
    staged: BomImport,
    sheet: str | None,
    overrides: dict[int, str | None] | None,
    approve_alternates: bool,
) -> BomImport:
    """The person's choices on the preview: another sheet (which resets the column choices),
    column mapping overrides, whether alternates are approved."""
    from accord.parts.bom_import.inputs import overrides_to_json

    with transaction.atomic():
        locked = _lock_open(staged, actor)
        before = {
            "sheet": locked.sheet,
            "overrides": locked.overrides,
            "approve_alternates": locked.options.get("approve_alternates", False),
        }
        options = dict(locked.options)
        sheet = checked_text((sheet or "").strip(), field="sheet")[:120]
        if sheet != locked.sheet:
            locked.sheet = sheet
            locked.overrides = {}
            options["mapping_chosen"] = False
        elif overrides is not None:
            locked.overrides = overrides_to_json(overrides)
            options["mapping_chosen"] = True
        options["approve_alternates"] = bool(approve_alternates)
        locked.options = options
        locked.status = BomImportStatus.PREVIEWED
        locked.error = None
        locked.save()
        after = {
            "sheet": locked.sheet,
            "overrides": locked.overrides,
            "approve_alternates": options["approve_alternates"],
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


def confirm_bom_import(*, actor: Person, staged: BomImport) -> Bom:
    """Import the staged file now: the BOM and the staging row's new state in one transaction."""
    from accord.parts.bom_import.inputs import BomImportRequest

    with transaction.atomic():
        locked = _lock_open(staged, actor)
        bom = import_bom(actor=actor, **BomImportRequest.from_staged(locked).service_kwargs())
        locked.status = BomImportStatus.COMMITTED
        locked.bom = bom
        locked.error = None
        locked.save(update_fields=["status", "bom", "error", "updated_at"])
    return bom


def queue_bom_import(*, actor: Person, staged: BomImport, lines: int = 0) -> BomImport:
    """Hand a long import to the background task; the page polls the staging row's status."""
    from accord.parts.tasks import commit_staged_bom_import

    with transaction.atomic():
        locked = _lock_open(staged, actor)
        locked.status = BomImportStatus.QUEUED
        locked.error = None
        locked.started_at = None
        locked.options = {**locked.options, "lines": lines}
        locked.save(update_fields=["status", "error", "started_at", "options", "updated_at"])
        record_event(
            actor=actor,
            verb="queued BOM import",
            obj=locked,
            program=locked.program,
            classification=Classification.INTERNAL,
            changes={"file": locked.filename, "lines": lines},
        )
        transaction.on_commit(lambda: commit_staged_bom_import.enqueue(locked.pk))
    return locked


def run_queued_bom_import(staged_id: int) -> Bom | None:
    """The background task's work: mark the row running (visible to the polling page at once),
    import in one transaction, then record the outcome. A refusal is kept for the page."""
    from accord.parts.bom_import.inputs import BomImportRequest

    with transaction.atomic():
        staged = (
            BomImport.objects.select_for_update(of=("self",))
            .select_related("person__organisation", "program")
            .filter(pk=staged_id, status=BomImportStatus.QUEUED)
            .first()
        )
        if staged is None:  # discarded, or already run by another worker
            return None
        staged.status = BomImportStatus.RUNNING
        staged.started_at = timezone.now()
        staged.save(update_fields=["status", "started_at", "updated_at"])
    try:
        with transaction.atomic():
            bom = import_bom(
                actor=staged.person, **BomImportRequest.from_staged(staged).service_kwargs()
            )
            BomImport.objects.filter(pk=staged.pk).update(
                status=BomImportStatus.COMMITTED, bom=bom, error=None, updated_at=timezone.now()
            )
    except DomainError as error:
        _fail(staged, error.as_dict())
        return None
    except Exception:
        _fail(
            staged,
            {
                "code": "server_error",
                "message": "Something went wrong on our side.",
                "detail": None,
            },
        )
        raise
    return bom


def _fail(staged: BomImport, error: dict[str, object]) -> None:
    BomImport.objects.filter(pk=staged.pk).update(
        status=BomImportStatus.FAILED, error=error, updated_at=timezone.now()
    )


def _fits(value: Decimal) -> bool:
    """PartParameter.value_number holds 15 digits before and 15 after the point."""
    return value.is_finite() and abs(value) < Decimal("1e15")
