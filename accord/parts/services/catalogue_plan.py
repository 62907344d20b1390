"""What importing a parts list would change, computed without writing: the plan.

The file is parsed into a Polars frame and compared with what the database holds, one query
per table and batch (no query per row). The plan lists the rows to create and the manufacturer
parts to update; its counts are the dry run's answer, and catalogue_import.py publishes it.
Importing the same file twice plans nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.utils.text import slugify

from accord.core.db import chunked
from accord.core.errors import Forbidden, InvalidInput
from accord.orgs.models import Person
from accord.parts.catalogue_parse import CatalogueFormatError, parse_catalogue
from accord.parts.models import (
    ApprovedSource,
    Category,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.value_keys import value_keys_frame

MP_FIELDS = ("mpn", "description", "lifecycle", "rohs", "reach", "datasheet", "package")
PART_NUMBER_LIMIT = 80
# A file that does not know a fact leaves the one the catalogue has.
UNKNOWN_VALUES = ("", "unknown", None)
BATCH = 5000

Progress = Callable[[str], None]


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


@dataclass
class CataloguePlan:
    """Rows to write, keyed by natural keys (ids are resolved when publishing)."""

    filename: str
    result: CatalogueImportResult
    makers: list[tuple[str, str]] = field(default_factory=list)  # key, name
    new_mps: list[tuple[Any, ...]] = field(default_factory=list)  # maker key, mpn key, fields
    changed_mps: list[tuple[Any, ...]] = field(default_factory=list)  # id, fields (None: keep)
    categories: dict[str, str] = field(default_factory=dict)  # name -> slug
    new_parts: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)  # part number, keys, rank
    parameters: list[tuple[Any, ...]] = field(default_factory=list)


def _text(value: Any, limit: int) -> str:
    return (value or "")[:limit]


def _known(value: Any) -> Any:
    return None if value in UNKNOWN_VALUES else value


def plan_catalogue_import(
    *,
    actor: Person,
    data: bytes,
    filename: str,
    create_parts: bool = True,
    on_progress: Progress | None = None,
) -> CataloguePlan:
    """Read the file and compare it with the catalogue; writes nothing."""
    if actor.organisation_id is None:
        raise Forbidden("Only people of an organisation can import a catalogue.")
    if on_progress:
        on_progress("Reading the file")
    try:
        parsed = parse_catalogue(data, filename)
    except CatalogueFormatError as error:
        raise InvalidInput(str(error), code="catalogue_invalid") from None
    frame = parsed.frame
    if frame.height == 0:
        raise InvalidInput("No parts were found in the file.", code="catalogue_empty")
    plan = CataloguePlan(
        filename=filename,
        result=CatalogueImportResult(kind=parsed.kind, rows=frame.height, problems=parsed.problems),
    )
    if on_progress:
        on_progress(f"Comparing {frame.height:,} parts with the catalogue")
    _plan_manufacturers(frame, plan)
    _plan_manufacturer_parts(frame, plan)
    if create_parts:
        _plan_parts(actor.organisation_id, frame, plan)
    return plan


def _plan_manufacturers(frame: pl.DataFrame, plan: CataloguePlan) -> None:
    wanted = frame.group_by("manufacturer_key", maintain_order=True).agg(
        pl.col("manufacturer").first()
    )
    existing: set[str] = set()
    for batch in chunked(wanted["manufacturer_key"].to_list(), BATCH):
        existing.update(
            Manufacturer.objects.filter(key__in=batch).order_by().values_list("key", flat=True)
        )
    plan.makers = [
        (key, _text(name, 200)) for key, name in wanted.iter_rows() if key not in existing
    ]
    plan.result.manufacturers_created = len(plan.makers)


def _plan_manufacturer_parts(frame: pl.DataFrame, plan: CataloguePlan) -> None:
    rows = frame.select("manufacturer_key", "mpn_key", *MP_FIELDS, "parameters").unique(
        subset=["manufacturer_key", "mpn_key"], keep="first", maintain_order=True
    )
    current: dict[tuple[str, str], tuple[Any, ...]] = {}
    for batch in chunked(rows["mpn_key"].unique().to_list(), BATCH):
        for pk, maker_key, key, *values in (
            ManufacturerPart.objects.filter(mpn_key__in=batch)
            .order_by()
            .values_list("pk", "manufacturer__key", "mpn_key", *MP_FIELDS, "parameters")
        ):
            current[(maker_key, key)] = (pk, *values)
    for record in rows.iter_rows(named=True):
        key = (record["manufacturer_key"], record["mpn_key"])
        parameters = json.loads(record["parameters"] or "{}")
        values = {
            "mpn": _text(record["mpn"], 120),
            "description": _text(record["description"], 500),
            "lifecycle": record["lifecycle"] or "unknown",
            "rohs": record["rohs"] or "unknown",
            "reach": record["reach"] or "unknown",
            "datasheet": _text(record["datasheet"], 500),
            "package": _text(record["package"], 120),
        }
        if key not in current:
            plan.new_mps.append((key[0], key[1][:120], *values.values(), parameters))
            continue
        pk, *known_values = current[key]
        known = dict(zip([*MP_FIELDS, "parameters"], known_values, strict=True))
        given = {name: _known(value) for name, value in values.items()}
        given["parameters"] = parameters or None
        merged = {name: known[name] if value is None else value for name, value in given.items()}
        if merged != known:
            plan.changed_mps.append((pk, *given.values()))
    plan.result.manufacturer_parts_created = len(plan.new_mps)
    plan.result.manufacturer_parts_updated = len(plan.changed_mps)


def part_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """One part per group of alternates, else one per MPN (made unique across makers)."""
    base = pl.coalesce(pl.col("group_key"), pl.col("mpn")).str.slice(0, PART_NUMBER_LIMIT - 8)
    frame = frame.with_columns(_base=base)
    clashes = (
        frame.filter(pl.col("group_key").is_null())
        .group_by("_base")
        .agg(pl.col("manufacturer_key").n_unique().alias("_makers"))
        .filter(pl.col("_makers") > 1)
    )
    return frame.join(
        clashes.select("_base", "_makers"), on="_base", how="left", maintain_order="left"
    ).with_columns(
        part_number=pl.when(pl.col("_makers").is_not_null())
        .then(pl.col("_base") + "-" + pl.col("manufacturer_key").str.slice(0, 6).str.to_uppercase())
        .otherwise(pl.col("_base"))
    )


def _plan_parts(owner_id: int, frame: pl.DataFrame, plan: CataloguePlan) -> None:
    frame = part_numbers(frame)
    parts = frame.sort("alt_rank", maintain_order=True).unique(
        subset=["part_number"], keep="first", maintain_order=True
    )
    # The keys of the text as stored (truncated to the fields' lengths), for every part at once.
    parts = value_keys_frame(
        parts.lazy().with_columns(
            pl.col("description").str.slice(0, 500), pl.col("value").str.slice(0, 120)
        )
    ).collect()
    numbers = parts["part_number"].to_list()
    existing: set[str] = set()
    for batch in chunked(numbers, BATCH):
        existing.update(
            Part.objects.filter(owner_id=owner_id, number__in=batch)
            .order_by()
            .values_list("number", flat=True)
        )
    names = parts["category"].drop_nulls().unique().to_list()
    plan.categories = {name: slugify(name)[:120] or "other" for name in names}
    known_categories = set(
        Category.objects.filter(name__in=names).order_by().values_list("name", flat=True)
    )
    plan.categories = {n: s for n, s in plan.categories.items() if n not in known_categories}
    plan.new_parts = [
        (
            record["part_number"],
            _text(record["description"], 500),
            _text(record["value"], 120),
            _text(record["package"], 120),
            record["category"],
            slugify(record["category"])[:120] or "other" if record["category"] else None,
            record["value_keys"],
        )
        for record in parts.iter_rows(named=True)
        if record["part_number"] not in existing
    ]
    plan.result.parts_created = len(plan.new_parts)
    _plan_sources(owner_id, frame, plan, existing)
    _plan_parameters(
        owner_id,
        frame.unique(subset=["part_number"], keep="first", maintain_order=True),
        plan,
        existing,
    )


def _plan_sources(
    owner_id: int, frame: pl.DataFrame, plan: CataloguePlan, existing_parts: set[str]
) -> None:
    listed: set[tuple[str, str, str]] = set()
    for batch in chunked(sorted(existing_parts), BATCH):
        listed.update(
            ApprovedSource.objects.filter(part__owner_id=owner_id, part__number__in=batch)
            .order_by()
            .values_list(
                "part__number", "manufacturer_part__manufacturer__key", "manufacturer_part__mpn_key"
            )
        )
    new: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    for number, maker_key, key, rank in frame.select(
        "part_number", "manufacturer_key", "mpn_key", "alt_rank"
    ).iter_rows():
        pair = (number, maker_key, key[:120])
        if pair not in listed:
            new.setdefault(pair, (*pair, rank or 1))
    plan.sources = list(new.values())
    plan.result.sources_created = len(plan.sources)


def _plan_parameters(
    owner_id: int, frame: pl.DataFrame, plan: CataloguePlan, existing_parts: set[str]
) -> None:
    """Explode each part's parameter JSON into rows (name, text, number), set-based."""
    with_params = frame.filter(
        pl.col("parameters").is_not_null() & (pl.col("parameters") != "{}")
    ).select("part_number", "parameters")
    if with_params.height == 0:
        return
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
        .unpivot(index="part_number", variable_name="name", value_name="value")
        .drop_nulls("value")
    )
    existing: set[tuple[str, str]] = set()
    wanted = set(long["part_number"].unique().to_list()) & existing_parts
    for batch in chunked(sorted(wanted), BATCH):
        existing.update(
            PartParameter.objects.filter(part__owner_id=owner_id, part__number__in=batch)
            .order_by()
            .values_list("part__number", "name")
        )
    plan.parameters = [
        (number, name[:60], value[:120], _decimal_or_none(value))
        for number, name, value in long.iter_rows()
        if (number, name) not in existing
    ]
    plan.result.parameters_created = len(plan.parameters)


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -15:
        return number.quantize(Decimal("1e-15"))
    return number
