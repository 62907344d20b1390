"""Read-side computations over parts and BOMs: list filters, multi-level explosion, summary.

Each BOM level is one query for its lines, one for the approved sources of those lines'
parts and one to resolve sub-assemblies, so the number of queries follows the depth of the
structure, never the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accord.parts.choices import BomStatus, Lifecycle, Sourcing
from accord.parts.models import ApprovedSource, Bom, BomLine, Part
from accord.parts.value_keys import SearchWord, search_words

MAX_BOM_DEPTH = 12

# Counts and lifecycle are sorted and filtered as the reader sees them (visible_source_count,
# visible_lifecycle: annotated by access.parts_visible_to; a seller's come from its own lines).
PART_SORTS = {
    "number": "number",
    "-number": "-number",
    "description": "description",
    "-description": "-description",
    "category": "category__name",
    "-category": "-category__name",
    "lifecycle": "visible_lifecycle",
    "-lifecycle": "-visible_lifecycle",
    "sources": "visible_source_count",
    "-sources": "-visible_source_count",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def lifecycle_risk(lookup: str = "manufacturer_part__lifecycle") -> Case:
    """The risk rank of a lifecycle (higher is worse), to order sources worst first."""
    return Case(
        *[When(**{lookup: value}, then=Value(r)) for value, r in Lifecycle.risk_rank().items()],
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PartFilters:
    q: str = ""
    category: str = ""
    lifecycle: str = ""
    sourcing: str = ""
    sort: str = "number"


def search_condition(word: SearchWord, *, text: str = "search_text", keys: str = "value_keys") -> Q:
    """What one word of a search matches, before any rule of who may see what.

    A word matches the text (`text`: number, description, value, package, manufacturers and
    MPNs, lower-cased); a word that is a value ("10k", "0.1µF", "10 kΩ") also matches the parts
    with that value (`keys`, see value_keys.py). PostgreSQL answers both from trigram GIN
    indexes (a bitmap OR of the two); SQLite scans the two columns.
    """
    condition = Q(**{f"{text}__contains": word.text})
    if word.key:
        condition |= Q(**{f"{keys}__contains": word.key})
    return condition


def filter_parts(
    qs: QuerySet[Part], filters: PartFilters, *, word_matches: Callable[[SearchWord], Q]
) -> QuerySet[Part]:
    """Search and filters on an already visible queryset (the caller went through access.py,
    which also says what a search word may match: access.part_word_condition). Every word of
    the search (at most five) must match."""
    conditions = [word_matches(word) for word in search_words(filters.q)]
    if filters.category:
        conditions.append(Q(category__slug=filters.category))
    if filters.lifecycle in Lifecycle.values:
        conditions.append(Q(visible_lifecycle=filters.lifecycle))
    # Assemblies are built, not bought: they have no sources to count.
    if filters.sourcing == Sourcing.NONE:
        conditions.append(Q(visible_source_count=0, is_assembly=False))
    elif filters.sourcing == Sourcing.SINGLE:
        conditions.append(Q(visible_source_count=1, is_assembly=False))
    elif filters.sourcing == Sourcing.MULTI:
        conditions.append(Q(visible_source_count__gte=2))
    if conditions:
        qs = qs.filter(*conditions)
    order = PART_SORTS.get(filters.sort, "number")
    return qs.select_related("category").order_by(order, "pk")


@dataclass(slots=True)
class SourceRow:
    manufacturer: str
    mpn: str
    rank: int
    status: str
    lifecycle: str
    last_time_buy_date: Any
    rohs: str
    reach: str
    supplier: str


@dataclass(slots=True)
class BomRow:
    level: int
    path: str
    line_id: int
    bom_id: int
    part_id: int
    part_number: str
    description: str
    quantity_per: Decimal
    extended_quantity: Decimal
    designators: str
    designator_count: int
    dnp: bool
    dnp_designators: str
    dnp_designator_count: int
    material_responsibility: str
    value: str
    footprint: str
    notes: str
    is_assembly: bool
    approved_sources: int = 0
    lifecycle: str = Lifecycle.UNKNOWN
    child_bom_id: int | None = None
    sources: list[SourceRow] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # How many of the parent assembly this line's BOM is built for (1 at the top level).
    parent_quantity: Decimal = Decimal(1)

    @property
    def partly_fitted(self) -> bool:
        return not self.dnp and self.dnp_designator_count > 0

    @property
    def fitted_quantity_per(self) -> Decimal:
        """Parts fitted per assembly: the file's quantity less the not-fitted designators when
        it counts every designator (a file may count only the fitted ones, then it stays)."""
        if self.dnp:
            return Decimal(0)
        if self.dnp_designator_count and self.quantity_per == self.designator_count:
            return self.quantity_per - self.dnp_designator_count
        return self.quantity_per


@dataclass
class BomSummary:
    lines: int
    top_level_lines: int
    unique_parts: int
    dual_sourced_pct: float
    single_source_lines: int
    no_source_lines: int
    lifecycle_risk_lines: int
    dnp_lines: int
    placements: Decimal
    levels: int
    # Fit status per designator: lines with some designators not fitted, and placements
    # (designators times the assemblies built) not fitted.
    partial_dnp_lines: int = 0
    dnp_placements: Decimal = Decimal(0)


def _sources_by_part(part_ids: set[int]) -> dict[int, list[SourceRow]]:
    rows = (
        ApprovedSource.objects.filter(part_id__in=part_ids)
        .order_by("part_id", "rank", "pk")
        .values_list(
            "part_id",
            "manufacturer_part__manufacturer__name",
            "manufacturer_part__mpn",
            "rank",
            "status",
            "manufacturer_part__lifecycle",
            "manufacturer_part__last_time_buy_date",
            "manufacturer_part__rohs",
            "manufacturer_part__reach",
            "supplier__name",
        )
    )
    out: dict[int, list[SourceRow]] = defaultdict(list)
    for part_id, maker, mpn, rank, status, lifecycle, ltb, rohs, reach, supplier in rows:
        out[part_id].append(
            SourceRow(maker, mpn, rank, status, lifecycle, ltb, rohs, reach, supplier or "")
        )
    return out


def attach_sources(rows: list[BomRow]) -> list[BomRow]:
    """Load the approved sources of these rows' parts (one query), e.g. for the page shown."""
    sources = _sources_by_part({r.part_id for r in rows})
    for row in rows:
        row.sources = sources.get(row.part_id, [])
    return rows


HIDDEN_SUB_BOM_FLAG = "contents_not_visible"


def current_boms(
    program_id: int, assembly_ids: set[int], boms: QuerySet[Bom] | None = None
) -> dict[int, int]:
    """The BOM each sub-assembly uses in this program: released before draft, newest first."""
    if not assembly_ids:
        return {}
    chosen: dict[int, int] = {}
    candidates = (
        (Bom.objects.all() if boms is None else boms)
        .filter(program_id=program_id, assembly_id__in=assembly_ids)
        .exclude(status=BomStatus.OBSOLETE)
        .order_by("assembly_id", "-status", "-created_at", "-pk")  # "released" > "draft"
        .values_list("assembly_id", "pk")
    )
    for assembly_id, bom_id in candidates:
        chosen.setdefault(assembly_id, bom_id)
    return chosen


def not_populated(row: BomRow) -> bool:
    """A DNP line, or a line under a DNP sub-assembly (its extended quantity is zero)."""
    return row.dnp or (row.extended_quantity == 0 and row.quantity_per != 0)


def line_flags(row: BomRow) -> list[str]:
    """From the part's rollups, the same figures the parts list filters on. A line that is not
    populated is bought for no build: it is no sourcing or lifecycle risk."""
    if row.is_assembly or not_populated(row):
        return []
    flags: list[str] = []
    if row.approved_sources == 0:
        flags.append("no_source")
    elif row.approved_sources == 1:
        flags.append("single_source")
    if row.lifecycle in AT_RISK:
        flags.append(row.lifecycle)
    return flags


AT_RISK = frozenset(Lifecycle.at_risk())
LINE_FIELDS = (
    "pk",
    "bom_id",
    "position",
    "part_id",
    "part__number",
    "part__description",
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
    "part__is_assembly",
    "part__approved_source_count",
    "part__lifecycle",
)


def explode_bom(
    bom: Bom, *, visible_boms: QuerySet[Bom], max_depth: int = MAX_BOM_DEPTH
) -> list[BomRow]:
    """The indented multi-level BOM, depth first, with extended quantities and flags.

    Sub-assemblies are expanded only into BOMs in `visible_boms` (the reader's visible set,
    from access.py); a sub-assembly whose current BOM the reader may not see keeps its line,
    flagged, and nothing below it is read.
    """
    rows_by_bom: dict[int, list[BomRow]] = {}
    level_boms: dict[int, tuple[Decimal, str]] = {bom.pk: (Decimal(1), "")}
    seen_assemblies = {bom.assembly_id}
    depth = 0
    while level_boms and depth < max_depth:
        lines = (
            BomLine.objects.filter(bom_id__in=level_boms)
            .order_by("bom_id", "position")
            .values_list(*LINE_FIELDS)
        )
        level_rows: list[BomRow] = []
        for pk, bom_id, position, part_id, number, description, qty, *rest in lines:
            parent_qty, parent_path = level_boms[bom_id]
            row = BomRow(
                depth,
                f"{parent_path}.{position}" if parent_path else str(position),
                pk,
                bom_id,
                part_id,
                number,
                description,
                qty,
                qty * parent_qty,
                *rest,
            )
            row.parent_quantity = parent_qty
            row.flags = line_flags(row)
            rows_by_bom.setdefault(bom_id, []).append(row)
            level_rows.append(row)
        assemblies = {r.part_id for r in level_rows if r.is_assembly} - seen_assemblies
        children = current_boms(bom.program_id, assemblies)
        readable = set(visible_boms.filter(pk__in=children.values()).values_list("pk", flat=True))
        seen_assemblies |= assemblies
        next_level: dict[int, tuple[Decimal, str]] = {}
        for row in level_rows:
            if not row.is_assembly:
                continue
            child = children.get(row.part_id)
            if child is not None and child not in readable:
                row.flags.append(HIDDEN_SUB_BOM_FLAG)
                child = None
            if child is not None and child not in next_level:
                row.child_bom_id = child
                # A DNP sub-assembly contributes nothing to extended quantities below it.
                qty = Decimal(0) if row.dnp else row.extended_quantity
                next_level[child] = (qty, row.path)
        level_boms = next_level
        depth += 1
    return _depth_first(bom.pk, rows_by_bom)


def _depth_first(root: int, rows_by_bom: dict[int, list[BomRow]]) -> list[BomRow]:
    out: list[BomRow] = []
    stack = list(reversed(rows_by_bom.get(root, [])))
    while stack:
        row = stack.pop()
        out.append(row)
        if row.child_bom_id is not None:
            stack.extend(reversed(rows_by_bom.get(row.child_bom_id, [])))
    return out


def summarise_bom(rows: list[BomRow]) -> BomSummary:
    components = [r for r in rows if not r.is_assembly]
    unique = {r.part_id: r for r in components}
    dual = sum(1 for r in unique.values() if r.approved_sources >= 2)
    at_risk = AT_RISK
    return BomSummary(
        lines=len(rows),
        top_level_lines=sum(1 for r in rows if r.level == 0),
        unique_parts=len(unique),
        dual_sourced_pct=round(100.0 * dual / len(unique), 1) if unique else 0.0,
        single_source_lines=sum(1 for r in components if "single_source" in r.flags),
        no_source_lines=sum(1 for r in components if "no_source" in r.flags),
        lifecycle_risk_lines=sum(1 for r in components if at_risk & set(r.flags)),
        dnp_lines=sum(1 for r in rows if r.dnp),
        placements=sum((r.fitted_quantity_per * r.parent_quantity for r in components), Decimal(0)),
        levels=1 + max((r.level for r in rows), default=0),
        partial_dnp_lines=sum(1 for r in rows if r.partly_fitted),
        dnp_placements=sum(
            (r.dnp_designator_count * r.parent_quantity for r in components), Decimal(0)
        ),
    )


def bom_export_table(rows: list[BomRow]) -> tuple[list[str], list[list[Any]]]:
    """Columns an importer understands again: exporting then importing gives the same BOM."""
    width = max((len(r.sources) for r in rows), default=1) or 1
    headers = [
        "Level",
        "Item",
        "Part Number",
        "Description",
        "Quantity",
        "Extended Quantity",
        "Designators",
        "DNP",
        "Not fitted designators",
        "Value",
        "Footprint",
        "Material",
        "Manufacturer",
        "MPN",
    ]
    for n in range(2, width + 1):
        headers += [f"Manufacturer {n}", f"MPN {n}"]
    headers += ["Flags", "Notes"]
    table: list[list[Any]] = []
    for r in rows:
        sources: list[Any] = []
        for s in r.sources[:width]:
            sources += [s.manufacturer, s.mpn]
        sources += [""] * (2 * width - len(sources))
        table.append(
            [
                r.level,
                r.path,
                r.part_number,
                r.description,
                r.quantity_per,
                r.extended_quantity,
                r.designators,
                "DNP" if r.dnp else "",
                r.dnp_designators if r.partly_fitted else "",
                r.value,
                r.footprint,
                r.material_responsibility,
                *sources,
                " ".join(r.flags),
                r.notes,
            ]
        )
    return headers, table
