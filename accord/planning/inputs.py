"""The planning engine's input, read from the database as one person may see it.

Everything comes from the access functions of parts/ and supply/ (a partner's numbers are
computed from what that partner may see, never from totals it may not), then travels as
columns: each query's rows are fetched at once by the database driver (no model instances,
no per-row conversion in Django) and turned into NumPy arrays.

- Demand: the program's scheduled builds (week of their due date).
- BOM: the latest revision of each assembly's BOM in the program, multi-level (a line whose
  part has a BOM of its own in the program is a sub-assembly). A line's quantity counts only
  its fitted designators: a DNP line creates no requirement, a partly fitted line the fitted
  share (issue 7).
- Usable on hand: the stock the person may see, of the holder's own or consigned by the
  program's owner; never another customer's consigned goods.
- Safety stock: the sum over the sites whose levels the person may see.
- Scheduled receipts: open purchase-order lines the person may see, what is still to come, in
  the week of the supplier's confirmed date, else the requested date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Coalesce

from accord.core.db import one_of, rows_of
from accord.orgs.access import reach_of
from accord.orgs.models import Program, ProgramPartner
from accord.parts.access import boms_visible_to
from accord.parts.choices import MaterialResponsibility
from accord.parts.models import BomLine, Part
from accord.planning.netting import PlanningInput
from accord.supply.access import (
    builds_visible_to,
    order_lines_visible_to,
    sites_visible_to,
    stock_visible_to,
)
from accord.supply.choices import BuildStatus, LineStatus
from accord.supply.models import StockLevel

DEFAULT_HORIZON_WEEKS = 26


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's ISO week: week 0 of a plan made that day."""
    return day - dt.timedelta(days=day.weekday())


def _column(rows: list[tuple[Any, ...]], index: int, dtype: Any) -> np.ndarray:
    return np.fromiter((row[index] for row in rows), dtype=dtype, count=len(rows))


def _matrix(rows: list[tuple[Any, ...]], width: int) -> np.ndarray:
    """Rows of numbers as one float array (ids up to 2**53 are exact in a float64)."""
    if not rows:
        return np.zeros((0, width))
    return np.array(rows, dtype=np.float64)


def _dense_index(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(ids, return_inverse=True) without sorting: primary keys are dense enough for
    a table as long as the largest of them (a sort would take most of the time here)."""
    if not len(ids):
        return ids, ids
    largest = int(ids.max())
    if largest > 50 * len(ids) + 1_000_000:
        return np.unique(ids, return_inverse=True)  # sparse keys: sorting is cheaper
    present = np.zeros(largest + 1, dtype=bool)
    present[ids] = True
    position = np.cumsum(present) - 1
    return np.flatnonzero(present), position[ids]


def _weeks(days: np.ndarray, start: dt.date) -> np.ndarray:
    return (days - np.datetime64(start, "D")).astype("timedelta64[D]").astype(np.int64) // 7


def _dates(rows: list[tuple[Any, ...]], index: int) -> np.ndarray:
    return np.array([row[index] for row in rows], dtype="datetime64[D]")


@dataclass(frozen=True)
class PlanningData:
    """The engine's input and what its indices mean."""

    inp: PlanningInput
    start: dt.date  # Monday of week 0
    part_ids: np.ndarray  # part index -> Part.pk
    build_ids: np.ndarray  # demand row -> Build.pk
    consigned: np.ndarray  # part index -> some BOM line expects it from the OEM (consigned)
    purchased: np.ndarray  # part index -> no BOM of its own in the program
    # Another holder's own stock the plan counted (restricted data read under an NDA): holder
    # organisation id -> stock rows, so that each read of the plan is access-logged for it.
    partner_stock_rows: dict[int, int]


def latest_boms(user: Any, program: Program) -> dict[int, int]:
    """Assembly part id -> the id of its latest BOM revision in the program (visible ones)."""
    latest: dict[int, int] = {}
    for bom_id, assembly_id in (
        boms_visible_to(user)
        .filter(program=program)
        .order_by("assembly_id", "created_at", "pk")
        .values_list("pk", "assembly_id")
    ):
        latest[assembly_id] = bom_id
    return latest


def load_planning_data(
    user: Any,
    program: Program,
    *,
    today: dt.date,
    horizon: int = DEFAULT_HORIZON_WEEKS,
) -> PlanningData:
    start = week_start(today)
    boms = latest_boms(user, program)
    builds = rows_of(
        builds_visible_to(user)
        .filter(program=program, status=BuildStatus.SCHEDULED, assembly_id__in=list(boms) or [0])
        .order_by("due_date", "pk")
        .values_list("pk", "assembly_id", "due_date", Cast("quantity", FloatField()))
    )
    # Each fitted line as four numbers (its BOM, its part, its fitted quantity worked out by the
    # database, whether the OEM consigns it), converted to one array in one go.
    fitted = Case(
        When(
            designator_count__gt=0,
            then=Cast("quantity", FloatField())
            * (
                Value(1.0)
                - Cast("dnp_designator_count", FloatField())
                / Cast("designator_count", FloatField())
            ),
        ),
        default=Cast("quantity", FloatField()),
        output_field=FloatField(),
    )
    consigned_flag = Case(
        When(material_responsibility=MaterialResponsibility.CONSIGNED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    chosen = BomLine.objects.filter(bom_id__in=one_of(boms.values(), "bigint"), dnp=False)
    lines = _matrix(
        rows_of(chosen.order_by().values_list("bom_id", "part_id", fitted, consigned_flag)), 4
    )
    assembly_of_bom = {bom_id: assembly_id for assembly_id, bom_id in boms.items()}
    bom_ids = np.array(sorted(assembly_of_bom), dtype=np.int64)
    bom_assemblies = np.array([assembly_of_bom[b] for b in bom_ids.tolist()], dtype=np.int64)
    parent_ids = bom_assemblies[np.searchsorted(bom_ids, lines[:, 0].astype(np.int64))]
    child_ids = lines[:, 1].astype(np.int64)
    qty_per = lines[:, 2]
    consigned_ids = np.unique(child_ids[lines[:, 3] > 0])
    build_assemblies = _column(builds, 1, np.int64)
    part_ids, inverse = _dense_index(np.concatenate([build_assemblies, parent_ids, child_ids]))
    n_builds, n_lines = len(builds), len(parent_ids)
    demand_part = inverse[:n_builds]
    bom_parent = inverse[n_builds : n_builds + n_lines]
    bom_child = inverse[n_builds + n_lines :]
    keep = qty_per > 0
    part_count = len(part_ids)

    def index_of(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in part_ids, and which of the ids are planned parts at all."""
        position = np.searchsorted(part_ids, ids)
        position = np.minimum(position, max(part_count - 1, 0))
        found = part_ids[position] == ids if part_count else np.zeros(len(ids), dtype=bool)
        return position, found

    # Stock, levels, receipts and lead times are read for every part the person may see and
    # kept for the planned parts here: a list of 50,000 ids in the query costs more than
    # the rows it saves.
    stock = rows_of(
        stock_visible_to(user)
        .filter(_usable_owner(program))
        .values_list("part_id", Cast("on_hand", FloatField()), _partner_holder(user))
    )
    on_hand = np.zeros(part_count)
    position, found = index_of(_column(stock, 0, np.int64))
    np.add.at(on_hand, position[found], _column(stock, 1, np.float64)[found])
    holders, holder_rows = np.unique(_column(stock, 2, np.int64)[found], return_counts=True)
    partner_stock_rows = {
        int(holder): int(rows) for holder, rows in zip(holders, holder_rows, strict=True) if holder
    }

    levels = rows_of(
        StockLevel.objects.filter(site__in=sites_visible_to(user))
        .order_by()
        .values_list("part_id", Cast("safety_stock", FloatField()))
    )
    safety = np.zeros(part_count)
    position, found = index_of(_column(levels, 0, np.int64))
    np.add.at(safety, position[found], _column(levels, 1, np.float64)[found])

    receipts = rows_of(
        order_lines_visible_to(user)
        .filter(status__in=LineStatus.expecting())
        .order_by()
        .values_list(
            "part_id",
            Coalesce("confirmed_date", "requested_date"),
            Cast(F("quantity") - F("received_quantity") + F("rejected_quantity"), FloatField()),
        )
    )
    receipt_qty = np.maximum(_column(receipts, 2, np.float64), 0.0)
    receipt_part, found = index_of(_column(receipts, 0, np.int64))
    receipt_week = _weeks(_dates(receipts, 1), start)

    lead = np.zeros(part_count, dtype=np.int64)
    lead_rows = rows_of(
        Part.objects.filter(pk__in=list(boms), lead_time_weeks__isnull=False)
        .order_by()
        .values_list("pk", "lead_time_weeks")
    )
    position, found_lead = index_of(_column(lead_rows, 0, np.int64))
    lead[position[found_lead]] = _column(lead_rows, 1, np.int64)[found_lead]

    consigned = np.zeros(part_count, dtype=bool)
    position, found_consigned = index_of(consigned_ids)
    consigned[position[found_consigned]] = True
    purchased = np.ones(part_count, dtype=bool)
    purchased[bom_parent] = False
    keep_receipts = found & (receipt_qty > 0)
    return PlanningData(
        inp=PlanningInput(
            lead_time_weeks=lead,
            bom_parent=bom_parent[keep],
            bom_child=bom_child[keep],
            bom_qty_per=qty_per[keep],
            demand_part=demand_part,
            demand_week=_weeks(_dates(builds, 2), start),
            demand_qty=_column(builds, 3, np.float64),
            on_hand=on_hand,
            safety_stock=safety,
            receipt_part=receipt_part[keep_receipts],
            receipt_week=receipt_week[keep_receipts],
            receipt_qty=receipt_qty[keep_receipts],
            horizon=horizon,
        ),
        start=start,
        part_ids=part_ids,
        build_ids=_column(builds, 0, np.int64),
        consigned=consigned,
        purchased=purchased,
        partner_stock_rows=partner_stock_rows,
    )


def _partner_holder(user: Any) -> Case:
    """Per stock row: the holder's organisation id when the row is another organisation's own
    stock (a partner's, seen under an NDA), else 0 (the person's own, or goods consigned by
    the person's organisation)."""
    own = reach_of(user).organisation_id or 0
    return Case(
        When(Q(owner_id=F("site__organisation_id")) & ~Q(owner_id=own), then=F("owner_id")),
        default=Value(0),
        output_field=IntegerField(),
    )


def _usable_owner(program: Program) -> Q:
    """Goods a program may use: consigned by its owner, or the holder's own where the holder
    takes part in the program; never another customer's consigned goods."""
    partners = ProgramPartner.objects.filter(program=program)
    holders = [program.owner_id, *partners.values_list("organisation_id", flat=True)]
    return Q(owner_id=program.owner_id) | (
        Q(owner_id=F("site__organisation_id")) & Q(owner_id__in=holders)
    )
