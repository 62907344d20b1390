"""Load a parts catalogue (manufacturer, MPN, lifecycle, parameters) in bulk, idempotently.

The file is parsed into a Polars frame; the frame is compared with what the database holds
in one query per table, and only new or changed rows are written, in batches. Importing the
same file twice therefore writes nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import chunked, insert_rows
from accord.core.errors import Forbidden, InvalidInput
from accord.core.events import record_event
from accord.orgs.models import Person
from accord.parts.catalogue_parse import CatalogueFormatError, parse_catalogue
from accord.parts.choices import SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Category,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.services.catalogue import refresh_part_rollups

PART_COLUMNS = [
    "owner",
    "number",
    "description",
    "value",
    "package",
    "category",
    "classification",
    "created_at",
    "updated_at",
]
MP_FIELDS = ("mpn", "description", "lifecycle", "rohs", "reach", "datasheet", "package")
PART_NUMBER_LIMIT = 80
UNKNOWN_VALUES = ("", "unknown", None)


@dataclass
class CatalogueImportResult:
    kind: str
    rows: int
    manufacturers_created: int = 0
    manufacturer_parts_created: int = 0
    manufacturer_parts_updated: int = 0
    parts_created: int = 0
    sources_created: int = 0
    parameters_created: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.manufacturers_created,
                self.manufacturer_parts_created,
                self.manufacturer_parts_updated,
                self.parts_created,
                self.sources_created,
                self.parameters_created,
            )
        )


def _text(value: Any, limit: int) -> str:
    return (value or "")[:limit]


def import_catalogue(
    *, actor: Person, data: bytes, filename: str, create_parts: bool = True
) -> CatalogueImportResult:
    """Add the file's manufacturer parts to the catalogue and, optionally, to the actor's
    organisation as its own parts (grouped alternates become one part with ranked sources)."""
    if actor.organisation_id is None:
        raise Forbidden("Only people of an organisation can import a catalogue.")
    try:
        parsed = parse_catalogue(data, filename)
    except CatalogueFormatError as error:
        raise InvalidInput(str(error), code="catalogue_invalid") from None
    frame = parsed.frame
    result = CatalogueImportResult(kind=parsed.kind, rows=frame.height, problems=parsed.problems)
    if frame.height == 0:
        raise InvalidInput("No parts were found in the file.", code="catalogue_empty")
    with transaction.atomic():
        maker_ids = _upsert_manufacturers(frame, result)
        frame = frame.with_columns(
            manufacturer_id=pl.col("manufacturer_key").replace_strict(
                maker_ids, return_dtype=pl.Int64
            )
        )
        mp_ids = _upsert_manufacturer_parts(frame, result)
        ids = pl.DataFrame(
            {
                "manufacturer_id": [k[0] for k in mp_ids],
                "mpn_key": [k[1] for k in mp_ids],
                "manufacturer_part_id": list(mp_ids.values()),
            },
            schema={
                "manufacturer_id": pl.Int64,
                "mpn_key": pl.Utf8,
                "manufacturer_part_id": pl.Int64,
            },
        )
        frame = frame.join(ids, on=["manufacturer_id", "mpn_key"], how="left")
        if create_parts:
            part_ids = _upsert_parts(actor, frame, result)
            if part_ids:
                refresh_part_rollups(part_ids)
        record_event(
            actor=actor,
            verb="imported catalogue",
            obj=actor.organisation,  # type: ignore[arg-type]
            classification=Classification.INTERNAL,
            changes={
                "file": filename,
                "kind": result.kind,
                "rows": result.rows,
                "manufacturer_parts_created": result.manufacturer_parts_created,
                "manufacturer_parts_updated": result.manufacturer_parts_updated,
                "parts_created": result.parts_created,
            },
        )
    return result


def _upsert_manufacturers(frame: pl.DataFrame, result: CatalogueImportResult) -> dict[str, int]:
    wanted = frame.group_by("manufacturer_key").agg(pl.col("manufacturer").first())
    keys = wanted["manufacturer_key"].to_list()
    existing: dict[str, int] = {}
    for batch in chunked(keys, 5000):
        existing.update(Manufacturer.objects.filter(key__in=batch).values_list("key", "pk"))
    missing = [
        Manufacturer(name=_text(name, 200), key=key)
        for key, name in wanted.iter_rows()
        if key not in existing
    ]
    Manufacturer.objects.bulk_create(missing, batch_size=1000)
    result.manufacturers_created = len(missing)
    for batch in chunked([m.key for m in missing], 5000):
        existing.update(Manufacturer.objects.filter(key__in=batch).values_list("key", "pk"))
    return existing


def _upsert_manufacturer_parts(
    frame: pl.DataFrame, result: CatalogueImportResult
) -> dict[tuple[int, str], int]:
    rows = frame.select("manufacturer_id", "mpn_key", *MP_FIELDS, "parameters").unique(
        subset=["manufacturer_id", "mpn_key"], keep="first", maintain_order=True
    )
    current: dict[tuple[int, str], tuple[Any, ...]] = {}
    ids: dict[tuple[int, str], int] = {}
    for batch in chunked(rows["mpn_key"].unique().to_list(), 5000):
        for pk, maker_id, key, *values in ManufacturerPart.objects.filter(
            mpn_key__in=batch
        ).values_list("pk", "manufacturer_id", "mpn_key", *MP_FIELDS, "parameters"):
            current[(maker_id, key)] = tuple(values)
            ids[(maker_id, key)] = pk
    to_create: list[tuple[Any, ...]] = []
    to_update: list[ManufacturerPart] = []
    now = timezone.now()
    for record in rows.iter_rows(named=True):
        key = (record["manufacturer_id"], record["mpn_key"])
        values = {
            "mpn": _text(record["mpn"], 120),
            "description": _text(record["description"], 500),
            "lifecycle": record["lifecycle"] or "unknown",
            "rohs": record["rohs"] or "unknown",
            "reach": record["reach"] or "unknown",
            "datasheet": _text(record["datasheet"], 500),
            "package": _text(record["package"], 120),
            "parameters": json.loads(record["parameters"] or "{}"),
        }
        if key not in current:
            to_create.append((key[0], key[1][:120], *values.values(), now, now))
            continue
        # A file that does not know a fact leaves the one we have: an empty description or an
        # "unknown" lifecycle never overwrites what another catalogue or a notice recorded.
        known = dict(zip([*MP_FIELDS, "parameters"], current[key], strict=True))
        merged = {
            name: value if value not in UNKNOWN_VALUES else known[name]
            for name, value in values.items()
        }
        if merged["parameters"] == {} or merged["parameters"] is None:
            merged["parameters"] = known["parameters"]
        if tuple(merged.values()) != current[key]:
            to_update.append(ManufacturerPart(pk=ids[key], **merged))
    insert_rows(
        ManufacturerPart,
        ["manufacturer", "mpn_key", *MP_FIELDS, "parameters", "created_at", "updated_at"],
        to_create,
    )
    ManufacturerPart.objects.bulk_update(to_update, [*MP_FIELDS, "parameters"], batch_size=1000)
    result.manufacturer_parts_created = len(to_create)
    result.manufacturer_parts_updated = len(to_update)
    if to_update:
        # Parts anywhere that use a changed manufacturer part show its new lifecycle at once.
        users = ApprovedSource.objects.filter(
            manufacturer_part_id__in=[mp.pk for mp in to_update]
        ).values_list("part_id", flat=True)
        refresh_part_rollups(list(users))
    for batch in chunked([row[1] for row in to_create], 5000):
        for pk, maker_id, key in ManufacturerPart.objects.filter(mpn_key__in=batch).values_list(
            "pk", "manufacturer_id", "mpn_key"
        ):
            ids[(maker_id, key)] = pk
    return ids


def _part_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """One part per group of alternates, else one per MPN (made unique across makers)."""
    base = pl.coalesce(pl.col("group_key"), pl.col("mpn")).str.slice(0, PART_NUMBER_LIMIT - 8)
    frame = frame.with_columns(_base=base)
    clashes = (
        frame.filter(pl.col("group_key").is_null())
        .group_by("_base")
        .agg(pl.col("manufacturer_key").n_unique().alias("_makers"))
        .filter(pl.col("_makers") > 1)
    )
    return frame.join(clashes.select("_base", "_makers"), on="_base", how="left").with_columns(
        part_number=pl.when(pl.col("_makers").is_not_null())
        .then(pl.col("_base") + "-" + pl.col("manufacturer_key").str.slice(0, 6).str.to_uppercase())
        .otherwise(pl.col("_base"))
    )


def _upsert_parts(actor: Person, frame: pl.DataFrame, result: CatalogueImportResult) -> list[int]:
    owner_id = actor.organisation_id
    frame = _part_numbers(frame)
    parts = frame.sort("alt_rank").unique(subset=["part_number"], keep="first", maintain_order=True)
    categories = _categories(parts["category"].drop_nulls().unique().to_list())
    numbers = parts["part_number"].to_list()
    existing: dict[str, int] = {}
    for batch in chunked(numbers, 5000):
        existing.update(
            Part.objects.filter(owner_id=owner_id, number__in=batch).values_list("number", "pk")
        )
    now = timezone.now()
    new = [
        (
            owner_id,
            record["part_number"],
            _text(record["description"], 500),
            _text(record["value"], 120),
            _text(record["package"], 120),
            categories.get(record["category"] or ""),
            Classification.PROGRAM,
            now,
            now,
        )
        for record in parts.iter_rows(named=True)
        if record["part_number"] not in existing
    ]
    insert_rows(Part, PART_COLUMNS, new)
    result.parts_created = len(new)
    for batch in chunked([row[1] for row in new], 5000):
        existing.update(
            Part.objects.filter(owner_id=owner_id, number__in=batch).values_list("number", "pk")
        )
    frame = frame.with_columns(
        part_id=pl.col("part_number").replace_strict(existing, return_dtype=pl.Int64)
    )
    result.sources_created = _insert_sources(frame)
    result.parameters_created = _insert_parameters(
        frame.unique(subset=["part_id"], keep="first", maintain_order=True)
    )
    return frame["part_id"].unique().to_list()


def _categories(names: list[str]) -> dict[str, int]:
    from django.utils.text import slugify

    known = dict(Category.objects.filter(name__in=names).values_list("name", "pk"))
    for name in names:
        if name not in known:
            category, _ = Category.objects.get_or_create(
                slug=slugify(name)[:120] or "other", defaults={"name": name[:120]}
            )
            known[name] = category.pk
    return known


def _insert_sources(frame: pl.DataFrame) -> int:
    pairs = frame.select("part_id", "manufacturer_part_id", "alt_rank")
    existing: set[tuple[int, int]] = set()
    for batch in chunked(pairs["part_id"].unique().to_list(), 5000):
        existing.update(
            ApprovedSource.objects.filter(part_id__in=batch).values_list(
                "part_id", "manufacturer_part_id"
            )
        )
    new: dict[tuple[int, int], tuple[Any, ...]] = {}
    for part_id, mp_id, rank in pairs.iter_rows():
        if (part_id, mp_id) not in existing:
            new.setdefault((part_id, mp_id), (part_id, mp_id, rank or 1, SourceStatus.APPROVED, ""))
    insert_rows(
        ApprovedSource,
        ["part", "manufacturer_part", "rank", "status", "supplier_part_number"],
        new.values(),
    )
    return len(new)


def _insert_parameters(frame: pl.DataFrame) -> int:
    """Explode each part's parameter JSON into rows (name, text, number), set-based."""
    with_params = frame.filter(
        pl.col("parameters").is_not_null() & (pl.col("parameters") != "{}")
    ).select("part_id", "parameters")
    if with_params.height == 0:
        return 0
    # The JSON is flat {"name": "text"}: its keys, found once, give the decoder its schema.
    names = (
        with_params["parameters"]
        .str.extract_all(r'"([^"\\]+)":')
        .explode()
        .str.strip_chars('":')
        .drop_nulls()
        .unique()
        .sort()
        .to_list()
    )
    schema = pl.Struct([pl.Field(name, pl.Utf8) for name in names])
    long = (
        with_params.with_columns(pl.col("parameters").str.json_decode(schema))
        .unnest("parameters")
        .unpivot(index="part_id", variable_name="name", value_name="value")
        .drop_nulls("value")
    )
    existing: set[tuple[int, str]] = set()
    for batch in chunked(long["part_id"].unique().to_list(), 5000):
        existing.update(
            PartParameter.objects.filter(part_id__in=batch).values_list("part_id", "name")
        )
    new = [
        (part_id, name[:60], value[:120], _decimal_or_none(value), "")
        for part_id, name, value in long.iter_rows()
        if (part_id, name) not in existing
    ]
    insert_rows(PartParameter, ["part", "name", "value_text", "value_number", "unit"], new)
    return len(new)


def _decimal_or_none(text: str) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        return None
    return number.quantize(Decimal("1e-15")) if number.as_tuple().exponent < -15 else number  # type: ignore[operator]
