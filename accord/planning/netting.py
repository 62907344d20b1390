"""Material netting and clear-to-build over weekly buckets: a pure, vectorised engine.

NumPy and scipy.sparse only, no Django: callers map their parts to indices 0..n-1 and their
dates to week numbers, and read arrays back.

Conventions
-----------
Weeks are buckets 0..H-1: week 0 is the current week, H the horizon (1..104). Demand and
scheduled receipts dated before week 0 are overdue and count in week 0; those dated week H or
later are outside the horizon and ignored. A part with at least one BOM edge below it is an
*assembly*, any other part is *purchased*. Duplicate (parent, child) edges add up; the BOM must
be acyclic. The low-level code of a part is the length of the longest BOM path reaching it from
a top part (a part without parents), so every part comes after all of its parents.

Quantities are float64 and nothing is rounded. Comparisons allow ``QUANTITY_TOLERANCE`` (1e-9)
so that float noise of decimal quantities does not invent a shortage or a planned order.

Netting (`net`), one low-level code at a time from 0 down, ``tol`` = ``QUANTITY_TOLERANCE``:
  G[p, t]   gross requirement: independent demand plus dependent demand from parents.
  P[p, t]   on_hand[p] + sum over k <= t of (receipts[p, k] - G[p, k]).
  An assembly is planned lot for lot to stay at its safety stock SS:
    deficit[t] = SS - P[p, t], counted as 0 when it is at most tol;
    C[t] = max(0, max over k <= t of deficit[k])    (cumulative planned quantity);
    planned_orders[p, t] = C[t] - C[t-1], with C[-1] = 0;
    projected[p, t] = P[p, t] + C[t].
  A planned order due in week t needs its components in week t - lead_time_weeks[p] (in week 0
  when that is earlier): G[c, max(0, t - L)] += qty_per(p, c) * planned_orders[p, t].
  A purchased part gets no planned orders: projected = P, which may go negative (short).
  Per part:
    first_shortage_week  the first t with projected < -tol, else -1;
    quantity_short       -min over t of projected when there is a shortage week, else 0:
                         what it takes to stay at zero over the whole horizon;
    below_safety_week    the first t with projected < safety_stock - tol, else -1;
    weeks_of_cover       first_shortage_week when there is one, else H.

Clear to build (`clear_to_build`): each demand row inside the horizon is a build of Q units of
its part, due in week w = max(0, demand_week).
  Requirement: the flattened BOM down to purchased parts. per_unit(c) is the sum, over every BOM
  path from the demanded part to purchased part c, of the product of qty_per along the path
  (a purchased part demanded directly requires itself, 1 per unit); required(c) = Q * per_unit(c).
  Parts with per_unit 0 are not required. Stock and receipts of the demanded part and of its
  sub-assemblies are NOT netted here (they are in `net`): clear to build tells whether the
  purchased parts are there to build the whole quantity from scratch.
  Availability of purchased part c for a build due in week w: on_hand[c] plus its scheduled
  receipts in weeks 0..w. Safety stock is not held back.
  First come first served: builds are ordered by (due week, demand row index); every build takes
    allocated(c) = min(required(c), max(0, available(c, w) - required(c) of the builds before it)),
  earlier builds taking their whole requirement even when they cannot all be built.
  units(c) = Q when allocated(c) = required(c), else floor(allocated(c) / per_unit(c) + 1e-9);
  buildable = min(Q, min over required c of units(c)) (Q when nothing is required);
  limiting parts, when buildable < Q: the c with units(c) = buildable, in part order, each with
  its shortfall required(c) - allocated(c).
  Rows outside the horizon: buildable is NaN, no limiting parts, and they allocate nothing.
  Most (build, part) pairs are settled a whole (part, week) at a time: see `clear_to_build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from accord.planning.allocation import (
    CHUNK,
    allocate_open_entries,
    classify_cells,
    concatenated_ranges,
    find_entries,
    fraction_bits,
    limiting_entries,
    offsets,
    running_sum_over_weeks,
)
from accord.planning.allocation import UNITS_EPSILON as UNITS_EPSILON

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MAX_HORIZON_WEEKS = 104
QUANTITY_TOLERANCE = 1e-9


def _read_only_ints(name: str, values: Any) -> IntArray:
    array = np.asarray(values)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, not {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    copied = np.array(array, dtype=np.int64)
    copied.setflags(write=False)
    return copied


def _read_only_floats(name: str, values: Any, *, non_negative: bool = False) -> FloatArray:
    copied = np.array(values, dtype=np.float64)
    if copied.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if not np.isfinite(copied).all():
        raise ValueError(f"{name} must be finite")
    if non_negative and (copied < 0).any():
        raise ValueError(f"{name} must not be negative")
    copied.setflags(write=False)
    return copied


@dataclass(frozen=True, eq=False)
class PlanningInput:
    """Parts 0..n-1 (n = len(on_hand)), their BOM, build schedule, stock and open receipts.

    lead_time_weeks (n,): an assembly's own build lead time (kept for purchased parts, unused).
    bom_parent, bom_child, bom_qty_per (m,): child quantity per one parent.
    demand_part, demand_week, demand_qty (m_d,): the build schedule (independent demand).
    on_hand (n,): usable stock, possibly negative; safety_stock (n,).
    receipt_part, receipt_week, receipt_qty: open purchase-order lines and work orders.
    horizon: H, 1..104 weeks.

    Indices and weeks are integers; quantities finite, and qty_per, demand and receipts not
    negative. The arrays are copied, checked and made read-only on construction.
    """

    lead_time_weeks: IntArray
    bom_parent: IntArray
    bom_child: IntArray
    bom_qty_per: FloatArray
    demand_part: IntArray
    demand_week: IntArray
    demand_qty: FloatArray
    on_hand: FloatArray
    safety_stock: FloatArray
    receipt_part: IntArray
    receipt_week: IntArray
    receipt_qty: FloatArray
    horizon: int

    def __post_init__(self) -> None:
        def store(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        integer_fields = ("lead_time_weeks", "bom_parent", "bom_child", "demand_part")
        for name in (*integer_fields, "demand_week", "receipt_part", "receipt_week"):
            store(name, _read_only_ints(name, getattr(self, name)))
        for name in ("bom_qty_per", "demand_qty", "receipt_qty"):
            store(name, _read_only_floats(name, getattr(self, name), non_negative=True))
        for name in ("on_hand", "safety_stock"):
            store(name, _read_only_floats(name, getattr(self, name)))
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int | np.integer):
            raise ValueError("horizon must be an integer number of weeks")
        if not 1 <= self.horizon <= MAX_HORIZON_WEEKS:
            raise ValueError(f"horizon must be 1..{MAX_HORIZON_WEEKS} weeks, not {self.horizon}")
        store("horizon", int(self.horizon))
        self._check_shapes()

    def _check_shapes(self) -> None:
        n = self.part_count
        for name in ("lead_time_weeks", "safety_stock"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} must have one entry per part ({n})")
        if (self.lead_time_weeks < 0).any():
            raise ValueError("lead_time_weeks must not be negative")
        for group in (
            ("bom_parent", "bom_child", "bom_qty_per"),
            ("demand_part", "demand_week", "demand_qty"),
            ("receipt_part", "receipt_week", "receipt_qty"),
        ):
            if len({len(getattr(self, name)) for name in group}) != 1:
                raise ValueError(f"{', '.join(group)} must have the same length")
        for name in ("bom_parent", "bom_child", "demand_part", "receipt_part"):
            indices = getattr(self, name)
            if indices.size and (indices.min() < 0 or indices.max() >= n):
                raise ValueError(f"{name} must hold part indices 0..{n - 1}")

    @property
    def part_count(self) -> int:
        return len(self.on_hand)


@dataclass(frozen=True, eq=False)
class NettingResult:
    """Weekly (n, H) plans and per-part (n,) figures; see the module docstring."""

    gross: FloatArray
    receipts: FloatArray
    projected: FloatArray
    planned_orders: FloatArray
    low_level_code: IntArray
    first_shortage_week: IntArray
    quantity_short: FloatArray
    below_safety_week: IntArray
    weeks_of_cover: IntArray


@dataclass(frozen=True, eq=False)
class ClearToBuild:
    """Per demand row: buildable units; its limiting parts in CSR form.

    The limiting parts of row r are ``limiting_parts[limiting_offsets[r]:limiting_offsets[r+1]]``,
    each with the ``shortfall`` at the same position.
    """

    buildable: FloatArray
    limiting_offsets: IntArray
    limiting_parts: IntArray
    shortfall: FloatArray


def _first_true_per_row(mask: BoolArray) -> IntArray:
    first = np.argmax(mask, axis=1).astype(np.int64)
    return np.where(mask.any(axis=1), first, -1)


def _weekly_buckets(
    part: IntArray, week: IntArray, quantity: FloatArray, part_count: int, horizon: int
) -> FloatArray:
    inside = week < horizon
    cells = part[inside] * horizon + np.maximum(week[inside], 0)
    totals = np.bincount(cells, weights=quantity[inside], minlength=part_count * horizon)
    return totals.astype(np.float64, copy=False).reshape(part_count, horizon)


def _part_on_a_cycle(part_count: int, parent: IntArray, child: IntArray, left: BoolArray) -> int:
    """A part on a BOM cycle, given the parts Kahn's layering could not place.

    Each part left has a parent that is also left, so following one such parent from any of
    them for n steps ends on a cycle; pointer doubling takes those steps all at once.
    """
    one_parent = np.arange(part_count, dtype=np.int64)
    among_left = left[parent] & left[child]
    one_parent[child[among_left]] = parent[among_left]
    for _ in range(max(1, int(np.ceil(np.log2(part_count)))) + 1):
        one_parent = one_parent[one_parent]
    return int(one_parent[np.flatnonzero(left)[0]])


def _low_level_codes(part_count: int, parent: IntArray, child: IntArray) -> IntArray:
    """Longest-path depth of every part, layer by layer (Kahn); ValueError on a cycle.

    A part joins a layer once all of its parent edges are gone, which is one layer below its
    deepest parent: exactly the longest path from a top part.
    """
    # Building the CSR structure is a linear counting sort of the edges by parent.
    structure = sparse.csr_array(
        (np.ones(parent.size), (parent, child)), shape=(part_count, part_count)
    )
    child_offsets = structure.indptr.astype(np.int64)
    parent_edges_left = np.bincount(structure.indices, minlength=part_count)
    codes = np.full(part_count, -1, dtype=np.int64)
    layer = np.flatnonzero(parent_edges_left == 0)
    depth = 0
    while layer.size:
        codes[layer] = depth
        starts = child_offsets[layer]
        reached = structure.indices[concatenated_ranges(starts, child_offsets[layer + 1] - starts)]
        parent_edges_left -= np.bincount(reached, minlength=part_count)
        candidates = np.flatnonzero(np.bincount(reached, minlength=part_count))
        layer = candidates[parent_edges_left[candidates] == 0]
        depth += 1
    unplaced = codes < 0
    if unplaced.any():
        part = _part_on_a_cycle(part_count, parent, child, unplaced)
        raise ValueError(f"the BOM has a cycle through part {part}")
    return codes


def net(inp: PlanningInput) -> NettingResult:
    """Level-by-level MRP netting with lot-for-lot planned orders for assemblies."""
    part_count, horizon = inp.part_count, inp.horizon
    low_level_code = _low_level_codes(part_count, inp.bom_parent, inp.bom_child)
    is_assembly = np.bincount(inp.bom_parent, minlength=part_count) > 0
    gross = _weekly_buckets(inp.demand_part, inp.demand_week, inp.demand_qty, part_count, horizon)
    receipts = _weekly_buckets(
        inp.receipt_part, inp.receipt_week, inp.receipt_qty, part_count, horizon
    )
    projected = np.empty((part_count, horizon))
    planned_orders = np.zeros((part_count, horizon))

    # Only assemblies need the level order: a purchased part's plan is known once all of its
    # parents have passed on their dependent demand, i.e. after the last level.
    assemblies_all = np.flatnonzero(is_assembly)
    assembly_levels = low_level_code[assemblies_all]
    parent_levels = low_level_code[inp.bom_parent]
    level_count = int(assembly_levels.max()) + 1 if assemblies_all.size else 0
    position_in_level = np.zeros(part_count, dtype=np.int64)
    weeks = np.arange(horizon, dtype=np.int64)
    for level in range(level_count):
        assemblies = assemblies_all[assembly_levels == level]
        balance = np.cumsum(receipts[assemblies] - gross[assemblies], axis=1)
        balance += inp.on_hand[assemblies, None]
        deficit = np.subtract(inp.safety_stock[assemblies, None], balance, out=balance)
        deficit[deficit <= QUANTITY_TOLERANCE] = 0.0
        cumulative_planned = np.maximum.accumulate(deficit, axis=1, out=deficit)
        # Kept cumulative until the end, where the projection adds it and it becomes weekly.
        planned_orders[assemblies] = cumulative_planned

        # Components needed by week t cover every planned order due by t + lead time; the
        # cumulative form clips orders whose start falls before week 0 into week 0.
        due_by = np.minimum(weeks[None, :] + inp.lead_time_weeks[assemblies, None], horizon - 1)
        cumulative_need = np.take_along_axis(cumulative_planned, due_by, axis=1)
        need_per_parent = np.diff(cumulative_need, axis=1, prepend=0.0)

        edges = np.flatnonzero(parent_levels == level)
        edge_children = inp.bom_child[edges]
        children = np.flatnonzero(np.bincount(edge_children, minlength=part_count))
        position_in_level[children] = np.arange(children.size)
        child_rows = position_in_level[edge_children]
        position_in_level[assemblies] = np.arange(assemblies.size)
        parent_columns = position_in_level[inp.bom_parent[edges]]
        usage = sparse.csr_array(
            (inp.bom_qty_per[edges], (child_rows, parent_columns)),
            shape=(children.size, assemblies.size),
        )
        # A block of children at a time: no (children, H) temporaries, which at the last level
        # are as large as the plan.
        block = max(1, CHUNK // horizon)
        for start in range(0, children.size, block):
            gross[children[start : start + block]] += usage[start : start + block] @ need_per_parent

    np.subtract(receipts, gross, out=projected)
    running_sum_over_weeks(projected)
    projected += inp.on_hand[:, None]
    cumulative_planned = planned_orders[assemblies_all]
    projected[assemblies_all] += cumulative_planned
    planned_orders[assemblies_all] = np.diff(cumulative_planned, axis=1, prepend=0.0)

    first_shortage_week = _first_true_per_row(projected < -QUANTITY_TOLERANCE)
    lowest = projected.min(axis=1)
    has_shortage = first_shortage_week >= 0
    below_safety = projected < inp.safety_stock[:, None] - QUANTITY_TOLERANCE
    result = NettingResult(
        gross=gross,
        receipts=receipts,
        projected=projected,
        planned_orders=planned_orders,
        low_level_code=low_level_code,
        first_shortage_week=first_shortage_week,
        quantity_short=np.where(has_shortage, -lowest, 0.0),
        below_safety_week=_first_true_per_row(below_safety),
        weeks_of_cover=np.where(has_shortage, first_shortage_week, horizon).astype(np.int64),
    )
    for array in vars(result).values():
        array.setflags(write=False)
    return result


def _only_entries(matrix: sparse.csr_array, kept: BoolArray) -> sparse.csr_array:
    """The entries of ``matrix`` where ``kept`` (one per stored entry) is true, in their order."""
    if kept.all():
        return matrix
    kept_before = offsets(kept.astype(np.int64))
    return sparse.csr_array(
        (matrix.data[kept], matrix.indices[kept], kept_before[matrix.indptr]), shape=matrix.shape
    )


def _only_columns(matrix: sparse.csr_array, keep: BoolArray) -> sparse.csr_array:
    """The entries of ``matrix`` in the columns where ``keep`` is true, in their order."""
    return _only_entries(matrix, keep[matrix.indices])


def _flattened_purchased_requirements(
    inp: PlanningInput, parts: IntArray, depth: int
) -> tuple[sparse.csr_array, sparse.csr_array]:
    """Row i: purchased-part quantity per one unit of ``parts[i]``, summed over all BOM paths;
    and its transpose. Both with sorted indices.

    As defined, the paths of each length are summed first (each product with the BOM walks
    one more edge down every path; after ``depth``, the deepest low-level code, none is left),
    then the lengths, shortest first. When every product and sum is exact, any order gives the
    same bits, and the cheaper one is taken: the few assemblies reached are summed first, then
    walked down their last edge all at once. BOM quantities that are multiples of 2**-b make
    every path product and sum a multiple of 2**-(b * depth), exact while below
    2**(53 - b * depth): checked, with a margin of two, on the largest of them.
    """
    part_count = inp.part_count
    bom = sparse.csr_array(
        (inp.bom_qty_per, (inp.bom_parent, inp.bom_child)), shape=(part_count, part_count)
    )
    is_assembly = np.bincount(inp.bom_parent, minlength=part_count) > 0
    rows = np.arange(parts.size)
    start = sparse.csr_array((np.ones(parts.size), (rows, parts)), shape=(parts.size, part_count))
    # reached: each part itself and the assemblies below it, per unit; a purchased part's last
    # edge is to itself.
    walk = _only_columns(bom, is_assembly)
    reached = start
    frontier = _only_columns(start, is_assembly)
    for _ in range(depth):
        frontier = frontier @ walk
        if frontier.nnz == 0:
            break
        reached = reached + frontier
    purchased = np.flatnonzero(~is_assembly)
    themselves = sparse.csr_array(
        (np.ones(purchased.size), (purchased, purchased)), shape=(part_count, part_count)
    )
    flattened = reached @ (_only_columns(bom, ~is_assembly) + themselves)
    limit = 2.0 ** (52 - int(fraction_bits(inp.bom_qty_per).max(initial=0)) * max(depth, 1))
    if not all(m.nnz == 0 or m.data.max() < limit for m in (bom, reached, flattened)):
        total = frontier = start
        for _ in range(depth):
            frontier = frontier @ bom
            if frontier.nnz == 0:
                break
            total = total + frontier
        flattened = _only_columns(total, ~is_assembly)
    flattened = _only_entries(flattened, flattened.data != 0)
    # Each conversion is a counting sort: the second leaves both with sorted indices.
    by_part = flattened.T.tocsr()
    return by_part.T.tocsr(), by_part


def clear_to_build(inp: PlanningInput, result: NettingResult) -> ClearToBuild:
    """Buildable quantity and limiting parts of every demand row; see the module docstring.

    Most (build, purchased part) pairs need no working out. For part p, let R(w) be the whole
    requirement of p of the builds due in weeks 0..w, and A(w) what is available by week w
    (on_hand + receipts of weeks 0..w). First come first served serves a build due in week w
    after every build of an earlier week and before every build of a later one, so the builds
    before it took at least R(w - 1) and at most R(w) minus its own requirement:
      R(w) <= A(w): every build due in week w gets all of p, which never limits it (covered);
      R(w - 1) >= A(w): every one gets none of p: 0 units, so the build's buildable is 0 and
        p is among its limiting parts, short of the whole requirement (starved).
    The pairs in the other (open) cells, few, are allocated one by one in their order; the
    pairs of covered cells are never made, and parts with covered cells only are dropped from
    the flattened BOM before it is expanded build by build. R comes from one sparse product:
    the flattened BOM, transposed, times the cumulative quantity due of each demanded part by
    week. Float rounding and the exact sums this relies on: see `accord.planning.allocation`.
    """
    part_count, horizon = inp.part_count, inp.horizon
    if result.receipts.shape != (part_count, horizon):
        raise ValueError("result does not come from netting this input")
    row_count = len(inp.demand_part)
    rows = np.flatnonzero(inp.demand_week < horizon)
    due_week = np.maximum(inp.demand_week[rows], 0)
    build_qty = inp.demand_qty[rows]
    demanded, top_of_build = np.unique(inp.demand_part[rows], return_inverse=True)
    top_of_build = top_of_build.astype(np.int64).ravel()
    depth = int(result.low_level_code.max()) if part_count else 0
    per_top, by_part = _flattened_purchased_requirements(inp, demanded.astype(np.int64), depth)

    due_by_week = (
        np.bincount(
            top_of_build * horizon + due_week, weights=build_qty, minlength=demanded.size * horizon
        )
        .astype(np.float64, copy=False)
        .reshape(demanded.size, horizon)
    )
    np.cumsum(due_by_week, axis=1, out=due_by_week)
    cells = classify_cells(per_top, by_part, due_by_week, result.receipts, inp.on_hand, build_qty)
    del due_by_week, by_part
    per_top = _only_columns(per_top, cells.limiting)

    # Builds of a quantity, in row order; the others are buildable in full, limited by nothing.
    building = np.flatnonzero(build_qty > 0)
    qty, weeks = build_qty[building], due_week[building]
    found = find_entries(per_top, cells.states, top_of_build[building], weeks)
    allocated, units = allocate_open_entries(cells, per_top, found, qty, weeks)
    buildable_of, counts, limiting_parts, shortfall = limiting_entries(
        per_top, found, qty, allocated, units
    )

    row_counts = np.zeros(row_count, dtype=np.int64)
    row_counts[rows[building]] = counts
    buildable = np.full(row_count, np.nan)
    buildable[rows] = build_qty
    buildable[rows[building]] = buildable_of
    return ClearToBuild(
        buildable=buildable,
        limiting_offsets=offsets(row_counts),
        limiting_parts=limiting_parts,
        shortfall=shortfall,
    )
