"""Every write to parts, manufacturer parts, approved sources and BOMs."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Forbidden, InvalidInput
from accord.core.events import record_event
from accord.orgs.models import Person, Program
from accord.parts.choices import SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Bom,
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
    from accord.parts.bom_import.matching import resolve_manufacturers
    from accord.parts.bom_import.preview import preview_import
    from accord.parts.models import PartParameter

    if actor.organisation_id != program.owner_id:
        raise Forbidden("Only people of the program's owner can import its BOMs.")
    assembly_number = assembly_number.strip()
    if not assembly_number:
        raise InvalidInput("Name the assembly this BOM builds.", detail={"field": "assembly"})
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
        if not preview.can_commit or preview.plan is None or preview.parsed is None:
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
        ManufacturerPart.objects.bulk_create(
            [
                ManufacturerPart(manufacturer_id=maker_id, mpn=mpn[:120], mpn_key=key[:120])
                for (maker_id, key), mpn in mp_wanted.items()
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        mp_ids: dict[tuple[int, str], int] = {}
        for pk, maker_id, key in ManufacturerPart.objects.filter(
            mpn_key__in={k for _, k in mp_wanted}
        ).values_list("pk", "manufacturer_id", "mpn_key"):
            mp_ids[(maker_id, key)] = pk
        for s in sources:
            if s.manufacturer_part_id is None:
                s.manufacturer_part_id = mp_ids[
                    (makers[manufacturer_key(s.manufacturer)], mpn_key(s.mpn))
                ]
        # New parts, with their parsed parameters.
        new_lines = {line.part_number: line for line in plan.lines if line.part_id is None}
        categories = {
            line.part_number: get_or_create_category(_category_for(line.designators))
            for line in new_lines.values()
        }
        Part.objects.bulk_create(
            [
                Part(
                    owner_id=owner_id,
                    number=number,
                    description=line.description[:500],
                    value=line.value[:120],
                    package=line.package[:120],
                    category=categories[number],
                )
                for number, line in new_lines.items()
            ],
            batch_size=1000,
        )
        part_ids = dict(
            Part.objects.filter(owner_id=owner_id, number__in=new_lines).values_list("number", "pk")
        )
        PartParameter.objects.bulk_create(
            [
                PartParameter(
                    part_id=part_ids[number],
                    name=name[:60],
                    value_text=str(value)[:120],
                    value_number=value if isinstance(value, Decimal) else None,
                )
                for number, line in new_lines.items()
                for name, value in line.parameters.items()
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        for line in plan.lines:
            if line.part_id is None:
                line.part_id = part_ids[line.part_number]
        # Approved sources; the primary source is approved, alternates as the user chose.
        now = timezone.now()
        ApprovedSource.objects.bulk_create(
            [
                ApprovedSource(
                    part_id=line.part_id,
                    manufacturer_part_id=s.manufacturer_part_id,
                    rank=s.rank,
                    status=s.status,
                    approved_by=actor if s.status == SourceStatus.APPROVED else None,
                    approved_at=now if s.status == SourceStatus.APPROVED else None,
                )
                for line in plan.lines
                for s in line.sources
                if not s.already_listed
            ],
            ignore_conflicts=True,
            batch_size=1000,
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
