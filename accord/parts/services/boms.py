"""Every write to parts, manufacturer parts, approved sources and BOMs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from accord.core.choices import Classification
from accord.core.db import insert_rows
from accord.core.errors import Conflict, Forbidden, InvalidInput
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
    "dnp_designators",
    "dnp_designator_count",
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
    # The designators that are not fitted; a DNP line's are all of them.
    dnp_designators: Sequence[str] = ()
    material_responsibility: str = MaterialResponsibility.TURNKEY
    value: str = ""
    footprint: str = ""
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def not_fitted(line: BomLineInput) -> Sequence[str]:
    return line.designators if line.dnp else line.dnp_designators


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
        own = {d.casefold() for d in line.designators}
        strangers = [d for d in line.dnp_designators if d.casefold() not in own]
        if strangers:
            raise InvalidInput(
                f"Line {n}: {', '.join(strangers[:5])} not among the line's designators cannot "
                "be marked not fitted.",
                detail={"line": n, "field": "dnp_designators"},
            )
    from accord.orgs.services import require_not_archived

    require_not_archived(program)
    with transaction.atomic():
        _refuse_a_loop(program, assembly, lines)
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
                    ", ".join(not_fitted(line)),
                    len(not_fitted(line)),
                    line.material_responsibility,
                    line.value[:120],
                    line.footprint[:200],
                    line.notes[:500],
                )
                for n, line in enumerate(lines, start=1)
            ),
        )
    return bom


def _refuse_a_loop(program: Program, assembly: Part, lines: Sequence[BomLineInput]) -> None:
    """A line whose part contains the assembly through its own latest BOM in the program (at
    any depth) would close a loop the planner cannot explode: refused as the import refuses it
    (bom_import/sub_assemblies.py)."""
    from accord.parts.bom_import.sub_assemblies import loops_through

    paths, numbers = loops_through(program.pk, {line.part.pk for line in lines}, assembly.pk)
    for n, line in enumerate(lines, start=1):
        if line.part.pk in paths:
            names = " > ".join(numbers.get(p, "?") for p in paths[line.part.pk])
            raise InvalidInput(
                f"Line {n}: {line.part.number} contains {assembly.number} through its own BOM "
                f"in this program ({names}): an assembly cannot contain itself, even through "
                "its sub-assemblies.",
                detail={"line": n},
            )


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
    from accord.orgs.models import Program as ProgramModel
    from accord.orgs.services import require_not_archived

    with transaction.atomic():
        # Read again here: the program may have been archived since the import was prepared.
        require_not_archived(ProgramModel.objects.get(pk=program.pk))
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


# The life of a BOM revision: draft -> released -> obsolete; a released BOM may go back to
# draft (to correct it before anyone builds from it), by the owner's program manager only.
BOM_TRANSITIONS: dict[tuple[str, str], str] = {
    (BomStatus.DRAFT, BomStatus.RELEASED): "member",
    (BomStatus.RELEASED, BomStatus.OBSOLETE): "member",
    (BomStatus.RELEASED, BomStatus.DRAFT): "manager",
}


def allowed_bom_statuses(bom: Bom, *, is_member: bool, is_manager: bool) -> list[str]:
    """The statuses a person may move this BOM to (for the buttons on its page)."""
    return [
        to
        for (start, to), who in BOM_TRANSITIONS.items()
        if start == bom.status and (is_manager if who == "manager" else is_member or is_manager)
    ]


def set_bom_status(*, actor: Person, bom: Bom, status: str, reason: str = "") -> Bom:
    """Release, obsolete or return to draft. Members of the program from its owner release and
    obsolete; only the owner's program manager takes a released BOM back to draft."""
    from accord.core.text import text_input
    from accord.orgs.choices import MemberRole
    from accord.orgs.models import ProgramMember
    from accord.orgs.services import require_not_archived

    if status not in BomStatus.values:
        raise InvalidInput("Unknown BOM status.", detail={"field": "status"})
    reason = text_input(reason, "reason", max_length=2000, multiline=True)
    with transaction.atomic():
        bom = Bom.objects.select_for_update().select_related("program").get(pk=bom.pk)
        require_not_archived(bom.program)
        if bom.status == status:
            raise Conflict(f"{bom} is {bom.get_status_display().lower()} already.")
        needed = BOM_TRANSITIONS.get((bom.status, status))
        if needed is None:
            raise Conflict(
                f"A {bom.get_status_display().lower()} BOM cannot become "
                f"{BomStatus(status).label.lower()}."
            )
        role = (
            ProgramMember.objects.filter(
                program_id=bom.program_id,
                person_id=actor.pk,
                person__organisation_id=bom.program.owner_id,
            )
            .values_list("role", flat=True)
            .first()
        )
        if role is None:
            raise Forbidden("Only members of the program's owner may change a BOM's status.")
        if needed == "manager" and role != MemberRole.MANAGER:
            raise Forbidden("Only the program's manager can take a released BOM back to draft.")
        before = bom.status
        bom.status = status
        bom.save(update_fields=["status"])
        changes: dict[str, Any] = {"status": [before, status]}
        if reason:
            changes["reason"] = reason
        record_event(
            actor=actor,
            verb="changed BOM status",
            obj=bom,
            program=bom.program,
            classification=bom.classification,
            changes=changes,
        )
    return bom
