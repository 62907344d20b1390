"""A plain, loop-by-loop reference for accord.planning.netting, for the property tests.

Written from the definitions in that module's docstring, one part, week and BOM line at a time,
without any of the engine's helpers: where the two agree, the vectorised tricks are right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy.typing as npt

from accord.planning.netting import PlanningInput

TOLERANCE = 1e-9
UNITS_EPSILON = 1e-9


@dataclass
class ReferenceNetting:
    gross: list[list[float]]
    receipts: list[list[float]]
    projected: list[list[float]]
    planned_orders: list[list[float]]
    low_level_code: list[int]
    first_shortage_week: list[int]
    quantity_short: list[float]
    below_safety_week: list[int]
    weeks_of_cover: list[int]


@dataclass
class ReferenceClearToBuild:
    buildable: list[float]
    limiting_parts: list[list[int]]
    shortfall: list[list[float]]


def children_of(inp: PlanningInput) -> dict[int, dict[int, float]]:
    children: dict[int, dict[int, float]] = {}
    for parent, child, qty in zip(inp.bom_parent, inp.bom_child, inp.bom_qty_per, strict=True):
        below = children.setdefault(int(parent), {})
        below[int(child)] = below.get(int(child), 0.0) + float(qty)
    return children


def low_level_codes(part_count: int, children: dict[int, dict[int, float]]) -> list[int]:
    parents: dict[int, list[int]] = {part: [] for part in range(part_count)}
    for parent, below in children.items():
        for child in below:
            parents[child].append(parent)
    codes: dict[int, int] = {}
    visiting: set[int] = set()

    def code(part: int) -> int:
        if part in codes:
            return codes[part]
        if part in visiting:
            raise ValueError(f"the BOM has a cycle through part {part}")
        visiting.add(part)
        deepest = -1
        for parent in parents[part]:
            deepest = max(deepest, code(parent))
        visiting.discard(part)
        codes[part] = deepest + 1
        return codes[part]

    return [code(part) for part in range(part_count)]


def weekly(
    parts: npt.NDArray[Any],
    weeks: npt.NDArray[Any],
    quantities: npt.NDArray[Any],
    n: int,
    horizon: int,
) -> list[list[float]]:
    table = [[0.0] * horizon for _ in range(n)]
    for part, week, qty in zip(parts, weeks, quantities, strict=True):
        if week >= horizon:
            continue
        table[int(part)][max(0, int(week))] += float(qty)
    return table


def reference_net(inp: PlanningInput) -> ReferenceNetting:
    n, horizon = inp.part_count, inp.horizon
    children = children_of(inp)
    codes = low_level_codes(n, children)
    gross = weekly(inp.demand_part, inp.demand_week, inp.demand_qty, n, horizon)
    receipts = weekly(inp.receipt_part, inp.receipt_week, inp.receipt_qty, n, horizon)
    projected = [[0.0] * horizon for _ in range(n)]
    planned = [[0.0] * horizon for _ in range(n)]

    for part in sorted(range(n), key=lambda p: (codes[p], p)):
        balance_without_orders = []
        running = 0.0
        for week in range(horizon):
            running += receipts[part][week] - gross[part][week]
            balance_without_orders.append(float(inp.on_hand[part]) + running)
        if part not in children:
            projected[part] = balance_without_orders
            continue
        cumulative = 0.0
        for week in range(horizon):
            deficit = float(inp.safety_stock[part]) - balance_without_orders[week]
            if deficit <= TOLERANCE:
                deficit = 0.0
            previous = cumulative
            cumulative = max(cumulative, deficit)
            planned[part][week] = cumulative - previous
            projected[part][week] = balance_without_orders[week] + cumulative
        lead = int(inp.lead_time_weeks[part])
        for week in range(horizon):
            if planned[part][week] == 0.0:
                continue
            for child, qty in children[part].items():
                gross[child][max(0, week - lead)] += qty * planned[part][week]

    first_shortage, short, below_safety, cover = [], [], [], []
    for part in range(n):
        weeks_short = [w for w in range(horizon) if projected[part][w] < -TOLERANCE]
        first = weeks_short[0] if weeks_short else -1
        first_shortage.append(first)
        short.append(-min(projected[part]) if weeks_short else 0.0)
        safety = float(inp.safety_stock[part])
        weeks_below = [w for w in range(horizon) if projected[part][w] < safety - TOLERANCE]
        below_safety.append(weeks_below[0] if weeks_below else -1)
        cover.append(first if weeks_short else horizon)
    return ReferenceNetting(
        gross, receipts, projected, planned, codes, first_shortage, short, below_safety, cover
    )


def flattened(part: int, children: dict[int, dict[int, float]]) -> dict[int, float]:
    """Purchased parts per one unit of ``part``, path by path."""
    if part not in children:
        return {part: 1.0}
    total: dict[int, float] = {}
    for child, qty in children[part].items():
        for leaf, per_child in flattened(child, children).items():
            total[leaf] = total.get(leaf, 0.0) + qty * per_child
    return total


def reference_clear_to_build(inp: PlanningInput) -> ReferenceClearToBuild:
    n, horizon = inp.part_count, inp.horizon
    children = children_of(inp)
    receipts = weekly(inp.receipt_part, inp.receipt_week, inp.receipt_qty, n, horizon)
    rows = len(inp.demand_part)
    buildable = [math.nan] * rows
    limiting: list[list[int]] = [[] for _ in range(rows)]
    shortfall: list[list[float]] = [[] for _ in range(rows)]
    taken: dict[int, float] = {}

    in_horizon = [row for row in range(rows) if inp.demand_week[row] < horizon]
    for row in sorted(in_horizon, key=lambda r: (max(0, int(inp.demand_week[r])), r)):
        due = max(0, int(inp.demand_week[row]))
        build_qty = float(inp.demand_qty[row])
        per_unit_of = {
            c: q for c, q in flattened(int(inp.demand_part[row]), children).items() if q != 0
        }
        units_of: dict[int, float] = {}
        missing_of: dict[int, float] = {}
        for component in sorted(per_unit_of):
            per_unit = per_unit_of[component]
            required = per_unit * build_qty
            arrived = 0.0
            for week in range(due + 1):
                arrived += receipts[component][week]
            available = float(inp.on_hand[component]) + arrived
            before = taken.get(component, 0.0)
            allocated = min(required, max(0.0, available - before))
            taken[component] = before + required
            if allocated >= required:
                units_of[component] = build_qty
            else:
                units_of[component] = math.floor(allocated / per_unit + UNITS_EPSILON)
            missing_of[component] = required - allocated
        can_build = min([build_qty, *units_of.values()])
        buildable[row] = can_build
        if can_build < build_qty:
            for component in sorted(units_of):
                if units_of[component] == can_build:
                    limiting[row].append(component)
                    shortfall[row].append(missing_of[component])
    return ReferenceClearToBuild(buildable, limiting, shortfall)
