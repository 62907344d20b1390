"""Every write to parts, manufacturer parts, approved sources and BOMs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from accord.core.choices import Classification
from accord.core.db import insert_rows
from accord.core.errors import Conflict, InvalidInput
from accord.core.events import record_event
from accord.orgs.models import Person, Program
from accord.parts.choices import BomStatus, MaterialResponsibility
from accord.parts.models import (
    Bom,
    BomLine,
    Part,
)

BOM_LINE_COLUMNS = [
    "bom",
    "position",
    "part",
    "quantity",
    "designators",
    "designator_count",
    "dnp",
    "material_responsibility",
    "value",
    "footprint",
    "notes",
]


@dataclass
class BomLineInput:
    part: Part
    quantity: Decimal
    designators: Sequence[str] = ()
    dnp: bool = False
    material_responsibility: str = MaterialResponsibility.TURNKEY
    value: str = ""
    footprint: str = ""
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def create_bom(
    *,
    actor: Person,
    program: Program,
    assembly: Part,
    revision: str,
    lines: Sequence[BomLineInput],
    classification: str = Classification.RESTRICTED,
    status: str = BomStatus.DRAFT,
    source_filename: str = "",
    notes: str = "",
) -> Bom:
    if classification not in Classification.values:
        raise InvalidInput("Unknown classification.", detail={"field": "classification"})
    if status not in BomStatus.values:
        raise InvalidInput("Unknown BOM status.", detail={"field": "status"})
    if not revision.strip():
        raise InvalidInput("A BOM needs a revision.", detail={"field": "revision"})
    if assembly.owner_id != program.owner_id:
        raise InvalidInput("The assembly must be a part of the program's owner.")
    for n, line in enumerate(lines, start=1):
        if line.quantity < 0:
            raise InvalidInput(f"Line {n}: the quantity is negative.", detail={"line": n})
        if line.part.pk == assembly.pk:
            raise InvalidInput(f"Line {n}: an assembly cannot contain itself.", detail={"line": n})
    with transaction.atomic():
        bom = create_bom_row(
            actor=actor,
            program=program,
            assembly=assembly,
            revision=revision,
            classification=classification,
            status=status,
            source_filename=source_filename,
            notes=notes,
            lines=len(lines),
        )
        insert_rows(
            BomLine,
            BOM_LINE_COLUMNS,
            (
                (
                    bom.pk,
                    n,
                    line.part.pk,
                    line.quantity,
                    ", ".join(line.designators),
                    len(line.designators),
                    line.dnp,
                    line.material_responsibility,
                    line.value[:120],
                    line.footprint[:200],
                    line.notes[:500],
                )
                for n, line in enumerate(lines, start=1)
            ),
        )
    return bom


def create_bom_row(
    *,
    actor: Person,
    program: Program,
    assembly: Part,
    revision: str,
    lines: int,
    classification: str = Classification.RESTRICTED,
    status: str = BomStatus.DRAFT,
    source_filename: str = "",
    notes: str = "",
) -> Bom:
    """The BOM itself, its event and the assembly flag, without its lines (the caller writes
    them, in the same transaction: create_bom row by row, the import set-based)."""
    with transaction.atomic():
        if Bom.objects.filter(program=program, assembly=assembly, revision=revision).exists():
            raise Conflict(f"{assembly.number} rev {revision} already exists in {program}.")
        bom = Bom.objects.create(
            program=program,
            assembly=assembly,
            revision=revision.strip(),
            classification=classification,
            status=status,
            source_filename=source_filename,
            notes=notes,
            created_by=actor,
        )
        if not assembly.is_assembly:
            Part.objects.filter(pk=assembly.pk).update(is_assembly=True)
        record_event(
            actor=actor,
            verb="created BOM",
            obj=bom,
            program=program,
            classification=classification,
            changes={"lines": lines, "revision": revision, "file": source_filename},
        )
    return bom


def set_bom_status(*, actor: Person, bom: Bom, status: str) -> Bom:
    if status not in BomStatus.values:
        raise InvalidInput("Unknown BOM status.", detail={"field": "status"})
    with transaction.atomic():
        bom = Bom.objects.select_for_update().get(pk=bom.pk)
        before = bom.status
        bom.status = status
        bom.save(update_fields=["status"])
        record_event(
            actor=actor,
            verb="changed BOM status",
            obj=bom,
            program=bom.program,
            classification=bom.classification,
            changes={"status": [before, status]},
        )
    return bom
