"""Load a parts catalogue (manufacturer, MPN, lifecycle, parameters) in bulk, idempotently.

The plan (catalogue_plan.py) is computed without writing; here it is loaded into temporary
tables (no lock on the main database) and published in one short transaction of set-based
statements joined on the natural keys: manufacturer key, (manufacturer, MPN key), (owner, part
number). Rows that exist by then are used as they are. Everything or nothing is written.

Measured with benchmarks/import.py on SQLite: the 25,017 parts of the Horizon EDA pool held
the write lock for 5.5 s when the whole import ran in one transaction; see the README's
performance table for the figure now.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import TempTable, insert_select, temp_tables
from accord.core.events import record_event
from accord.core.faults import pause_point
from accord.orgs.models import Person
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Category,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.services.catalogue import refresh_part_rollups
from accord.parts.services.catalogue_plan import (
    MP_FIELDS,
    CatalogueImportResult,
    CataloguePlan,
    Progress,
    plan_catalogue_import,
)

__all__ = ["CatalogueImportResult", "import_catalogue", "write_catalogue_import"]


def _field(model: type[Any], name: str) -> Any:
    return model._meta.get_field(name)


_MP_COLUMNS = [(name, _field(ManufacturerPart, name)) for name in (*MP_FIELDS, "parameters")]
_MAKERS = TempTable(
    "accord_cat_makers",
    [("key", _field(Manufacturer, "key")), ("name", _field(Manufacturer, "name"))],
)
_NEW_MPS = TempTable(
    "accord_cat_new_mps",
    [
        ("seq", "integer"),
        ("maker_key", _field(Manufacturer, "key")),
        ("mpn_key", _field(ManufacturerPart, "mpn_key")),
        *_MP_COLUMNS,
    ],
)
# The file's values for manufacturer parts it changes; NULL where the file does not know.
_CHANGED_MPS = TempTable("accord_cat_changed_mps", [("id", "bigint PRIMARY KEY"), *_MP_COLUMNS])
_PARTS = TempTable(
    "accord_cat_parts",
    [
        ("number", _field(Part, "number")),
        ("description", _field(Part, "description")),
        ("value", _field(Part, "value")),
        ("package", _field(Part, "package")),
        ("category_name", "varchar(500)"),
        ("category_slug", _field(Category, "slug")),
        ("value_keys", _field(Part, "value_keys")),
    ],
)
_SOURCES = TempTable(
    "accord_cat_sources",
    [
        ("seq", "integer"),
        ("part_number", _field(Part, "number")),
        ("maker_key", _field(Manufacturer, "key")),
        ("mpn_key", _field(ManufacturerPart, "mpn_key")),
        ("rank", _field(ApprovedSource, "rank")),
    ],
)
_PARAMS = TempTable(
    "accord_cat_params",
    [
        ("part_number", _field(Part, "number")),
        ("name", _field(PartParameter, "name")),
        ("value_text", _field(PartParameter, "value_text")),
        ("value_number", _field(PartParameter, "value_number")),
    ],
)
TABLES = (_MAKERS, _NEW_MPS, _CHANGED_MPS, _PARTS, _SOURCES, _PARAMS)


def import_catalogue(
    *,
    actor: Person,
    data: bytes,
    filename: str,
    create_parts: bool = True,
    on_progress: Progress | None = None,
) -> CatalogueImportResult:
    """Add the file's manufacturer parts to the catalogue and, optionally, to the actor's
    organisation as its own parts (grouped alternates become one part with ranked sources)."""
    plan = plan_catalogue_import(
        actor=actor,
        data=data,
        filename=filename,
        create_parts=create_parts,
        on_progress=on_progress,
    )
    return write_catalogue_import(plan, actor=actor, on_progress=on_progress)


def write_catalogue_import(
    plan: CataloguePlan,
    *,
    actor: Person,
    on_progress: Progress | None = None,
    inside: Any = None,
) -> CatalogueImportResult:
    """Publish the plan in one short transaction; `inside(result)` runs in it too. The counts
    returned are the rows written (the plan's, unless someone wrote the same rows meanwhile)."""
    if on_progress:
        on_progress(f"Preparing {plan.result.rows:,} parts")
    with temp_tables(*TABLES):
        _MAKERS.load(plan.makers)
        _NEW_MPS.load((seq, *row) for seq, row in enumerate(plan.new_mps))
        _CHANGED_MPS.load(plan.changed_mps)
        _PARTS.load(plan.new_parts)
        _SOURCES.load((seq, *row) for seq, row in enumerate(plan.sources))
        _PARAMS.load(plan.parameters)
        if on_progress:
            on_progress(f"Writing {plan.result.rows:,} parts")
        with transaction.atomic():
            result = _publish(plan, owner_id=actor.organisation_id)  # type: ignore[arg-type]
            record_event(
                actor=actor,
                verb="imported catalogue",
                obj=actor.organisation,  # type: ignore[arg-type]
                classification=Classification.INTERNAL,
                changes={
                    "file": plan.filename,
                    "kind": result.kind,
                    "rows": result.rows,
                    "manufacturer_parts_created": result.manufacturer_parts_created,
                    "manufacturer_parts_updated": result.manufacturer_parts_updated,
                    "parts_created": result.parts_created,
                },
            )
            if inside is not None:
                inside(result)
    return result


def _publish(plan: CataloguePlan, *, owner_id: int) -> CatalogueImportResult:
    q = connection.ops.quote_name
    maker_t, mp_t = q(Manufacturer._meta.db_table), q(ManufacturerPart._meta.db_table)
    part_t, cat_t = q(Part._meta.db_table), q(Category._meta.db_table)
    source_t = q(ApprovedSource._meta.db_table)
    planned = plan.result
    result = CatalogueImportResult(kind=planned.kind, rows=planned.rows, problems=planned.problems)
    result.manufacturers_created = insert_select(
        Manufacturer, ["name", "key"], "t.name, t.key", f"FROM {_MAKERS.quoted} t WHERE true"
    )
    mp_columns = [*MP_FIELDS, "parameters"]
    # One timestamp for every row this publication writes, as the ORM stores it: the parts
    # created here are told apart from those someone else created meanwhile by it.
    now = _field(Part, "created_at").get_db_prep_save(timezone.now(), connection)
    result.manufacturer_parts_created = insert_select(
        ManufacturerPart,
        ["manufacturer", "mpn_key", *mp_columns, "created_at", "updated_at"],
        "m.id, t.mpn_key, " + ", ".join(f"t.{q(c)}" for c in mp_columns) + ", %s, %s",
        f"FROM {_NEW_MPS.quoted} t JOIN {maker_t} m ON m.{q('key')} = t.maker_key "
        "WHERE true ORDER BY t.seq",
        select_params=[now, now],
    )
    pause_point("catalogue-import-write")
    with connection.cursor() as cursor:
        changed = _CHANGED_MPS.quoted
        # What the file does not know (NULL) keeps what the catalogue has.
        assignments = ", ".join(
            f"{q(c)} = COALESCE((SELECT t.{q(c)} FROM {changed} t "  # noqa: S608
            f"WHERE t.id = {mp_t}.id), {q(c)})"
            for c in mp_columns
        )
        cursor.execute(
            f"UPDATE {mp_t} SET {assignments}, updated_at = %s "  # noqa: S608 (names quoted)
            f"WHERE id IN (SELECT id FROM {changed})",
            [now],
        )
        result.manufacturer_parts_updated = max(cursor.rowcount, 0)
        for name, slug in sorted(plan.categories.items()):
            Category.objects.get_or_create(slug=slug, defaults={"name": name[:120]})
        # New parts are written with their roll-ups (ADR 0003), computed from the sources this
        # publication gives them: updating 25,000 rows just written cost as much again
        # (PostgreSQL writes a new version of each, in every index, trigram index included).
        count, worst, text = _rollup_expressions()
        result.parts_created = insert_select(
            Part,
            [
                "owner",
                "number",
                "description",
                "value",
                "package",
                "category",
                "classification",
                "approved_source_count",
                "lifecycle",
                "search_text",
                "value_keys",
                "created_at",
                "updated_at",
            ],
            "%s, t.number, t.description, t.value, t.package, "  # noqa: S608
            f"COALESCE((SELECT c.id FROM {cat_t} c WHERE c.name = t.category_name), "
            f"(SELECT c.id FROM {cat_t} c WHERE c.slug = t.category_slug)), %s, "
            f"COALESCE(r.n, 0), COALESCE(r.worst, %s), "
            "LOWER(t.number || ' ' || t.description || ' ' || t.value || ' ' || "
            "t.package || ' ' || COALESCE(r.text, '')), t.value_keys, %s, %s",
            f"FROM {_PARTS.quoted} t LEFT JOIN (SELECT s.part_number, {count} AS n, "  # noqa: S608
            f"{worst} AS worst, {text} AS text FROM {_SOURCES.quoted} s "
            f"JOIN {maker_t} m ON m.{q('key')} = s.maker_key "
            f"JOIN {mp_t} mp ON mp.manufacturer_id = m.id AND mp.mpn_key = s.mpn_key "
            "GROUP BY s.part_number) r ON r.part_number = t.number WHERE true",
            select_params=[owner_id, Classification.PROGRAM, Lifecycle.UNKNOWN, now, now],
        )
        result.sources_created = insert_select(
            ApprovedSource,
            ["part", "manufacturer_part", "rank", "status", "supplier_part_number"],
            "p.id, mp.id, t.rank, %s, ''",
            f"FROM {_SOURCES.quoted} t "
            f"JOIN {part_t} p ON p.owner_id = %s AND p.number = t.part_number "
            f"JOIN {maker_t} m ON m.{q('key')} = t.maker_key "
            f"JOIN {mp_t} mp ON mp.manufacturer_id = m.id AND mp.mpn_key = t.mpn_key "
            "WHERE true ORDER BY t.seq",
            select_params=[SourceStatus.APPROVED],
            rest_params=[owner_id],
        )
        result.parameters_created = insert_select(
            PartParameter,
            ["part", "name", "value_text", "value_number", "unit"],
            "p.id, t.name, t.value_text, t.value_number, ''",
            f"FROM {_PARAMS.quoted} t "
            f"JOIN {part_t} p ON p.owner_id = %s AND p.number = t.part_number WHERE true",
            rest_params=[owner_id],
        )
        # Roll-ups of the parts not created here that gained a source or use a changed
        # manufacturer part (those created here were written with theirs).
        cursor.execute(
            f"SELECT p.id FROM {part_t} p JOIN {_SOURCES.quoted} t "  # noqa: S608
            "ON p.owner_id = %s AND p.number = t.part_number WHERE p.created_at <> %s "
            f"UNION SELECT p.id FROM {part_t} p JOIN {source_t} s ON s.part_id = p.id "
            f"WHERE s.manufacturer_part_id IN (SELECT id FROM {changed}) "
            "AND p.created_at <> %s",
            [owner_id, now, now],
        )
        touched = sorted(row[0] for row in cursor.fetchall())
    refresh_part_rollups(touched)
    return result


def _rollup_expressions() -> tuple[str, str, str]:
    """SQL aggregates over a part's sources (s, with its manufacturer part mp and manufacturer
    m) giving what refresh_part_rollups computes: the number of approved sources (every
    source a parts list adds is approved), the worst lifecycle, the text of its sources."""
    ranks = Lifecycle.risk_rank()
    rank = " ".join(f"WHEN '{value}' THEN {r}" for value, r in ranks.items())
    back = " ".join(f"WHEN {r} THEN '{value}'" for value, r in ranks.items())
    worst = f"CASE MAX(CASE mp.lifecycle {rank} END) {back} END"
    join = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    text = f"{join}(m.name || ' ' || mp.mpn, ' ')"
    return "COUNT(*)", worst, text
