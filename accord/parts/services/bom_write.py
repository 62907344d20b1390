"""Importing a BOM file: everything expensive first and read-only, then one short write.

`prepare_bom_import` parses the file, matches it against the catalogue and diffs it against the
previous revision without writing (and without taking the database's write lock).
`write_bom_import` loads the planned rows into temporary tables (no lock on the main database
either) and publishes them in one transaction of set-based INSERT ... SELECT statements joined
on the natural keys: manufacturer key, (manufacturer, MPN key), (owner, part number). What
exists by then is used as it is, so a concurrent import of the same parts cannot make the
publication fail half-way; everything or nothing of the import is written.

Measured with benchmarks/import.py (SQLite, 2 cores): a 20,000-line BOM used to hold the write
lock for its whole import (15 s); now for its publication only (under a second).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.core.choices import Classification
from accord.core.db import TempTable, insert_select, temp_tables
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.faults import pause_point
from accord.core.gcpause import cyclic_gc_paused
from accord.core.numbers import plain_number
from accord.orgs.models import Person, Program
from accord.parts.bom_import.matching import (
    UNKNOWN_MANUFACTURER,
    UNKNOWN_MANUFACTURER_KEY,
    assembly_line_problem,
    resolve_manufacturers,
)
from accord.parts.bom_import.preview import ImportPreview
from accord.parts.bom_import.problems import Problem
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.bom_import.sub_assemblies import lines_containing_the_assembly
from accord.parts.choices import MaterialResponsibility, SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomLine,
    Category,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.services.boms import create_bom_row
from accord.parts.services.catalogue import refresh_part_rollups
from accord.parts.value_keys import part_value_keys, value_keys_list

Progress = Callable[[str], None]

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


@dataclass
class PreparedBomImport:
    """A BOM file read, matched and checked: what write_bom_import will publish."""

    program: Program
    assembly_number: str
    assembly_description: str
    revision: str
    filename: str
    preview: ImportPreview
    overrides: dict[int, str | None] | None

    @property
    def lines(self) -> int:
        return len(self.preview.plan.lines) if self.preview.plan else 0


def _field(model: type[Any], name: str) -> Any:
    return model._meta.get_field(name)


def prepare_bom_import(*, actor: Person, request: BomImportRequest) -> PreparedBomImport:
    """Parse, match and diff the file (reads only); InvalidInput with every problem, by file,
    sheet, row and column, when it cannot be imported as it is."""
    from accord.orgs.services import require_not_archived
    from accord.parts.bom_import.inputs import (
        clean_description,
        clean_names,
        rejection_error,
    )
    from accord.parts.bom_import.preview import preview_import

    program = request.program
    if actor.organisation_id != program.owner_id:
        raise Forbidden("Only people of the program's owner can import its BOMs.")
    require_not_archived(program)
    assembly_number, revision = clean_names(request.assembly_number, request.revision)
    request = replace(
        request,
        assembly_number=assembly_number,
        revision=revision,
        assembly_description=clean_description(request.assembly_description),
    )
    preview = preview_import(request)
    if preview.parsed is None:
        raise rejection_error(preview.problems)
    if not preview.can_commit or preview.plan is None:
        raise _problems_to_fix(preview.errors)
    return PreparedBomImport(
        program=program,
        assembly_number=assembly_number,
        assembly_description=request.assembly_description,
        revision=revision,
        filename=request.filename,
        preview=preview,
        overrides=request.overrides,
    )


def _problems_to_fix(errors: list[Problem]) -> InvalidInput:
    """The refusal of a file with problems: each by file, sheet, row and column."""
    from accord.parts.bom_import.inputs import problem_dict

    return InvalidInput(
        f"The file has {len(errors)} problem(s) to fix before it can be imported.",
        code="import_invalid",
        detail=[
            {k: v for k, v in problem_dict(p).items() if k not in {"severity", "code"}}
            for p in errors
        ],
    )


# The temporary tables of one BOM import, typed like the columns they feed.
_MAKERS = TempTable(
    "accord_bom_makers",
    [("key", _field(Manufacturer, "key")), ("name", _field(Manufacturer, "name"))],
)
_MPS = TempTable(
    "accord_bom_mps",
    [
        ("seq", "integer"),
        ("maker_id", "bigint"),
        ("maker_key", _field(Manufacturer, "key")),
        ("mpn_key", _field(ManufacturerPart, "mpn_key")),
        ("mpn", _field(ManufacturerPart, "mpn")),
    ],
)
_PARTS = TempTable(
    "accord_bom_parts",
    [
        ("number", _field(Part, "number")),
        ("description", _field(Part, "description")),
        ("value", _field(Part, "value")),
        ("package", _field(Part, "package")),
        ("category_slug", _field(Category, "slug")),
        ("value_keys", _field(Part, "value_keys")),
    ],
)
_PARAMS = TempTable(
    "accord_bom_params",
    [
        ("part_number", _field(Part, "number")),
        ("name", _field(PartParameter, "name")),
        ("value_text", _field(PartParameter, "value_text")),
        ("value_number", _field(PartParameter, "value_number")),
    ],
)
_SOURCES = TempTable(
    "accord_bom_sources",
    [
        ("seq", "integer"),
        ("part_id", "bigint"),
        ("part_number", _field(Part, "number")),
        ("mp_id", "bigint"),
        ("maker_id", "bigint"),
        ("maker_key", _field(Manufacturer, "key")),
        ("mpn_key", _field(ManufacturerPart, "mpn_key")),
        ("rank", _field(ApprovedSource, "rank")),
        ("status", _field(ApprovedSource, "status")),
        ("approved_by", "bigint"),
        ("approved_at", _field(ApprovedSource, "approved_at")),
    ],
)
_LINES = TempTable(
    "accord_bom_lines",
    [
        ("position", _field(BomLine, "position")),
        ("part_id", "bigint"),
        ("part_number", _field(Part, "number")),
        ("quantity", _field(BomLine, "quantity")),
        ("designators", _field(BomLine, "designators")),
        ("designator_count", _field(BomLine, "designator_count")),
        ("dnp", _field(BomLine, "dnp")),
        ("dnp_designators", _field(BomLine, "dnp_designators")),
        ("dnp_designator_count", _field(BomLine, "dnp_designator_count")),
        ("value", _field(BomLine, "value")),
        ("footprint", _field(BomLine, "footprint")),
        ("notes", _field(BomLine, "notes")),
    ],
)
TABLES = (_MAKERS, _MPS, _PARTS, _PARAMS, _SOURCES, _LINES)


@cyclic_gc_paused()
def write_bom_import(
    prepared: PreparedBomImport,
    *,
    actor: Person,
    classification: str = Classification.RESTRICTED,
    remember_mapping: bool = True,
    inside: Callable[[Bom], None] | None = None,
    on_progress: Progress | None = None,
) -> Bom:
    """Publish a prepared import in one short transaction; `inside` runs in that transaction
    too (the staging row's new state), so that both are written or neither."""

    plan = prepared.preview.plan
    assert plan is not None  # prepare_bom_import refuses a file without a plan
    owner_id = prepared.program.owner_id
    number_limit = _field(Part, "number").max_length
    # Manufacturers and manufacturer parts the catalogue does not know yet.
    unknown = [s for line in plan.lines for s in line.sources if s.manufacturer_part_id is None]
    names = {_maker_key(s.manufacturer): _maker_name(s.manufacturer) for s in unknown}
    known = resolve_manufacturers(names.values())
    mps: dict[tuple[Any, str], tuple[Any, ...]] = {}
    for s in unknown:
        key = _maker_key(s.manufacturer)
        maker = known.get(key)
        mpn = mpn_key(s.mpn)
        mps[(maker or key, mpn)] = (maker, key, mpn[:120], s.mpn.strip()[:120])
    # New parts (the last line naming a number describes it), with their parameters.
    new_lines = {
        line.part_number[:number_limit]: line for line in plan.lines if line.part_id is None
    }
    categories = {number: _category_for(line.designators) for number, line in new_lines.items()}
    slugs = {name: _category_slug(name) for name in set(categories.values())}
    # Every new part's value keys at once, from its text as stored.
    keys = value_keys_list(
        [line.value[:120] for line in new_lines.values()],
        [line.description[:500] for line in new_lines.values()],
        list(categories.values()),
    )
    now = timezone.now()
    sources = [
        (
            line.part_id,
            line.part_number[:number_limit],
            s.manufacturer_part_id,
            known.get(_maker_key(s.manufacturer)),
            _maker_key(s.manufacturer),
            mpn_key(s.mpn)[:120],
            s.rank,
            s.status,
            actor.pk if s.status == SourceStatus.APPROVED else None,
            now if s.status == SourceStatus.APPROVED else None,
        )
        for line in plan.lines
        for s in line.sources
        if not s.already_listed
    ]
    if on_progress:
        on_progress(f"Preparing {len(plan.lines):,} lines")
    with temp_tables(*TABLES):
        _MAKERS.load((key, name[:200]) for key, name in names.items() if key not in known)
        _MPS.load((seq, *row) for seq, row in enumerate(mps.values()))
        _PARTS.load(
            (
                number,
                line.description[:500],
                line.value[:120],
                line.package[:120],
                slugs[categories[number]],
                line_keys,
            )
            for (number, line), line_keys in zip(new_lines.items(), keys, strict=True)
        )
        _PARAMS.load(
            (
                number,
                name[:60],
                (plain_number(value) if isinstance(value, Decimal) else str(value))[:120],
                value if isinstance(value, Decimal) and _fits(value) else None,
            )
            for number, line in new_lines.items()
            for name, value in line.parameters.items()
        )
        _SOURCES.load((seq, *row) for seq, row in enumerate(sources))
        _LINES.load(
            (
                line.position,
                line.part_id,
                line.part_number[:number_limit],
                line.quantity,
                ", ".join(line.designators),
                len(line.designators),
                line.dnp,
                ", ".join(line.dnp_designators),
                len(line.dnp_designators),
                line.value[:120],
                line.footprint[:200],
                line.notes[:500],
            )
            for line in plan.lines
        )
        if on_progress:
            on_progress(f"Writing {len(plan.lines):,} lines")
        try:
            with transaction.atomic():
                bom, new_parts = _publish(
                    prepared,
                    actor=actor,
                    owner_id=owner_id,
                    categories=set(categories.values()),
                    classification=classification,
                )
                if remember_mapping and prepared.overrides and prepared.preview.parsed:
                    from accord.parts.services.imports import remember_column_mapping

                    remember_column_mapping(
                        actor=actor,
                        header_signature=prepared.preview.parsed.header_signature,
                        overrides=prepared.overrides,
                    )
                record_event(
                    actor=actor,
                    verb="imported BOM",
                    obj=bom,
                    program=prepared.program,
                    classification=classification,
                    changes={
                        "file": prepared.filename,
                        "lines": len(plan.lines),
                        "new_parts": new_parts,
                        "matches": plan.match_counts,
                    },
                )
                if inside is not None:
                    inside(bom)
        except IntegrityError as error:
            # The plan was checked against the catalogue as it was; someone wrote the same
            # numbers or sources since. Nothing of this import was written.
            raise Conflict(
                "The catalogue changed while this BOM was being imported (another import or "
                "edit wrote the same parts); nothing was written. Import the file again.",
                code="import_conflict",
            ) from error
    return bom


def _publish(
    prepared: PreparedBomImport,
    *,
    actor: Person,
    owner_id: int,
    categories: set[str],
    classification: str,
) -> tuple[Bom, int]:
    """The write itself: a fixed number of set-based statements, whatever the file's length."""
    q = connection.ops.quote_name
    maker_t, mp_t = q(Manufacturer._meta.db_table), q(ManufacturerPart._meta.db_table)
    part_t, cat_t = q(Part._meta.db_table), q(Category._meta.db_table)
    with connection.cursor() as cursor:
        insert_select(
            Manufacturer, ["name", "key"], "t.name, t.key", f"FROM {_MAKERS.quoted} t WHERE true"
        )
        for table in (_MPS, _SOURCES):
            cursor.execute(
                f"UPDATE {table.quoted} SET maker_id = "  # noqa: S608 (names quoted, no input)
                f"(SELECT m.id FROM {maker_t} m WHERE m.{q('key')} = {table.quoted}.maker_key) "
                "WHERE maker_id IS NULL"
            )
        insert_select(
            ManufacturerPart,
            ["manufacturer", "mpn", "mpn_key"],
            "t.maker_id, t.mpn, t.mpn_key",
            f"FROM {_MPS.quoted} t WHERE t.maker_id IS NOT NULL ORDER BY t.seq",
        )
        cursor.execute(
            f"UPDATE {_SOURCES.quoted} SET mp_id = (SELECT mp.id FROM {mp_t} mp "  # noqa: S608
            f"WHERE mp.manufacturer_id = {_SOURCES.quoted}.maker_id "
            f"AND mp.mpn_key = {_SOURCES.quoted}.mpn_key) WHERE mp_id IS NULL"
        )
        for name in sorted(categories):
            Category.objects.get_or_create(slug=_category_slug(name), defaults={"name": name[:120]})
        new_parts = insert_select(
            Part,
            ["owner", "number", "description", "value", "package", "category", "value_keys"],
            "%s, t.number, t.description, t.value, t.package, "  # noqa: S608
            f"(SELECT c.id FROM {cat_t} c WHERE c.slug = t.category_slug), t.value_keys",
            f"FROM {_PARTS.quoted} t WHERE true",
            select_params=[owner_id],
        )
        pause_point("bom-import-write")
        for table in (_SOURCES, _LINES):
            cursor.execute(
                f"UPDATE {table.quoted} SET part_id = (SELECT p.id FROM {part_t} p "  # noqa: S608
                f"WHERE p.owner_id = %s AND p.number = {table.quoted}.part_number) "
                "WHERE part_id IS NULL",
                [owner_id],
            )
        # The dry run's matches are checked again: a part deleted since is a refusal with its
        # reason, not a foreign-key error at COMMIT (SQLite checks those only then).
        cursor.execute(
            f"SELECT MIN(t.position) FROM {_LINES.quoted} t WHERE t.part_id IS NULL "  # noqa: S608
            f"OR NOT EXISTS (SELECT 1 FROM {part_t} p WHERE p.id = t.part_id)"
        )
        (vanished,) = cursor.fetchone()
        if vanished is not None:
            raise Conflict(
                f"Line {vanished}: its part was deleted or renumbered since the file was "
                "checked; nothing was written. Import the file again.",
                code="import_conflict",
                detail={"line": vanished},
            )
        insert_select(
            PartParameter,
            ["part", "name", "value_text", "value_number"],
            "p.id, t.name, t.value_text, t.value_number",
            f"FROM {_PARAMS.quoted} t JOIN {part_t} p ON p.owner_id = %s "
            "AND p.number = t.part_number WHERE true",
            rest_params=[owner_id],
        )
        insert_select(
            ApprovedSource,
            ["part", "manufacturer_part", "rank", "status", "approved_by", "approved_at"],
            "t.part_id, t.mp_id, t.rank, t.status, t.approved_by, t.approved_at",
            f"FROM {_SOURCES.quoted} t WHERE t.part_id IS NOT NULL AND t.mp_id IS NOT NULL "
            "ORDER BY t.seq",
        )
        assembly = _assembly(prepared, owner_id)
        cursor.execute(
            f"SELECT MIN(position) FROM {_LINES.quoted} WHERE part_id = %s",  # noqa: S608
            [assembly.pk],
        )
        (itself,) = cursor.fetchone()
        if itself is not None:
            raise _contains_itself(prepared, itself)
        cursor.execute(f"SELECT position, part_id FROM {_LINES.quoted}")  # noqa: S608
        _refuse_a_loop(prepared, owner_id, assembly.pk, dict(cursor.fetchall()))
        bom = create_bom_row(
            actor=actor,
            program=prepared.program,
            assembly=assembly,
            revision=prepared.revision,
            classification=classification,
            source_filename=prepared.filename[:255],
            lines=prepared.lines,
        )
        insert_select(
            BomLine,
            [
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
            ],
            "%s, t.position, t.part_id, t.quantity, t.designators, t.designator_count, t.dnp, "
            "t.dnp_designators, t.dnp_designator_count, %s, t.value, t.footprint, t.notes",
            f"FROM {_LINES.quoted} t WHERE true ORDER BY t.position",
            select_params=[bom.pk, MaterialResponsibility.TURNKEY],
            ignore_conflicts=False,
        )
        # Only parts that are new or gained a source need their roll-ups computed again.
        cursor.execute(
            f"SELECT part_id FROM {_SOURCES.quoted} WHERE part_id IS NOT NULL "  # noqa: S608
            f"UNION SELECT p.id FROM {part_t} p JOIN {_PARTS.quoted} t "
            "ON p.owner_id = %s AND p.number = t.number",
            [owner_id],
        )
        touched = {row[0] for row in cursor.fetchall()} | {assembly.pk}
    refresh_part_rollups(sorted(touched))
    return bom, new_parts


def _contains_itself(prepared: PreparedBomImport, position: int) -> InvalidInput:
    """The refusal of a line whose part turned out to be the assembly (the catalogue changed
    since the dry run): the dry run's problem, by file, sheet, row and column."""
    plan, parsed = prepared.preview.plan, prepared.preview.parsed
    assert plan is not None and parsed is not None  # a prepared import has both
    index = position - 1  # positions are the plan's lines, in order, from 1
    problem = assembly_line_problem(
        plan.lines[index],
        parsed.lines[index],
        prepared.assembly_number,
        file=prepared.filename,
        sheet=parsed.sheet,
        labels=parsed.column_labels,
    )
    return _problems_to_fix([problem])


def _refuse_a_loop(
    prepared: PreparedBomImport, owner_id: int, assembly_id: int, part_of: dict[int, int]
) -> None:
    """The dry run's check of sub-assemblies, again, on the parts the lines were written to
    (`part_of`: position -> part): a BOM written since (another import of the program) may
    contain this assembly below one of them, a part new to the dry run among them."""
    plan, parsed = prepared.preview.plan, prepared.preview.parsed
    assert plan is not None and parsed is not None  # a prepared import has both
    problems = lines_containing_the_assembly(
        plan.lines,
        parsed.lines,
        prepared.assembly_number,
        owner_id=owner_id,
        program_id=prepared.program.pk,
        file=prepared.filename,
        sheet=parsed.sheet,
        labels=parsed.column_labels,
        assembly_id=assembly_id,
        part_ids=[part_of.get(line.position) for line in plan.lines],
    )
    if problems:
        raise _problems_to_fix(problems)


def _assembly(prepared: PreparedBomImport, owner_id: int) -> Part:
    from accord.parts.services.catalogue import get_or_create_category

    assembly = Part.objects.filter(owner_id=owner_id, number=prepared.assembly_number).first()
    if assembly is None:
        if Bom.objects.filter(
            program=prepared.program,
            assembly__owner_id=owner_id,
            assembly__number=prepared.assembly_number,
        ).exists():  # pragma: no cover (a BOM's assembly is a part of the owner)
            raise Conflict("The assembly changed while importing; nothing was written.")
        description = prepared.assembly_description or f"Assembly from {prepared.filename}"
        assembly = Part.objects.create(
            owner_id=owner_id,
            number=prepared.assembly_number,
            description=description,
            is_assembly=True,
            classification=Classification.RESTRICTED,
            category=get_or_create_category("Assemblies"),
            value_keys=part_value_keys("", description, "Assemblies"),
        )
    return assembly


@cyclic_gc_paused()  # one pause for both steps: none between them walks the prepared import
def import_bom(
    *,
    actor: Person,
    request: BomImportRequest,
    classification: str = Classification.RESTRICTED,
    remember_mapping: bool = True,
) -> Bom:
    """Import a BOM file in one go: prepare (reads only), then publish (one short write)."""
    prepared = prepare_bom_import(actor=actor, request=request)
    return write_bom_import(
        prepared, actor=actor, classification=classification, remember_mapping=remember_mapping
    )


def _maker_key(name: str) -> str:
    return manufacturer_key(name) or UNKNOWN_MANUFACTURER_KEY


def _maker_name(name: str) -> str:
    return name.strip() if manufacturer_key(name) else UNKNOWN_MANUFACTURER


def _category_for(designators: Sequence[str]) -> str:
    if not designators:
        return "Other"
    prefix = "".join(c for c in designators[0] if c.isalpha()).upper()
    return CATEGORY_BY_PREFIX.get(prefix) or CATEGORY_BY_PREFIX.get(prefix[:1], "Other")


def _category_slug(name: str) -> str:
    return slugify(name)[:120] or "other"


def _fits(value: Decimal) -> bool:
    """PartParameter.value_number holds 15 digits before and 15 after the point."""
    return value.is_finite() and abs(value) < Decimal("1e15")
