"""The netting engine: a case worked by hand, the calendar edges, and a plain reference."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from accord.planning import allocation
from accord.planning.netting import (
    ClearToBuild,
    NettingResult,
    PlanningInput,
    _flattened_purchased_requirements,
    clear_to_build,
    net,
)
from accord.planning.tests.netting_reference import reference_clear_to_build, reference_net


def planning_input(
    *,
    lead_time_weeks: list[int],
    bom: Sequence[tuple[int, int, float]] = (),
    demand: Sequence[tuple[int, int, float]] = (),
    receipts: Sequence[tuple[int, int, float]] = (),
    on_hand: list[float] | None = None,
    safety_stock: list[float] | None = None,
    horizon: int,
) -> PlanningInput:
    n = len(lead_time_weeks)

    def columns(rows: Sequence[tuple[int, int, float]]) -> tuple[Any, Any, Any]:
        return (
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.int64),
            np.array([r[2] for r in rows], dtype=np.float64),
        )

    bom_parent, bom_child, bom_qty = columns(bom)
    demand_part, demand_week, demand_qty = columns(demand)
    receipt_part, receipt_week, receipt_qty = columns(receipts)
    return PlanningInput(
        lead_time_weeks=np.array(lead_time_weeks, dtype=np.int64),
        bom_parent=bom_parent,
        bom_child=bom_child,
        bom_qty_per=bom_qty,
        demand_part=demand_part,
        demand_week=demand_week,
        demand_qty=demand_qty,
        on_hand=np.array(on_hand if on_hand is not None else [0.0] * n),
        safety_stock=np.array(safety_stock if safety_stock is not None else [0.0] * n),
        receipt_part=receipt_part,
        receipt_week=receipt_week,
        receipt_qty=receipt_qty,
        horizon=horizon,
    )


def limiting_of(ctb: ClearToBuild, row: int) -> tuple[list[int], list[float]]:
    start, end = ctb.limiting_offsets[row], ctb.limiting_offsets[row + 1]
    return ctb.limiting_parts[start:end].tolist(), ctb.shortfall[start:end].tolist()


A, S, X, Y = 0, 1, 2, 3


def test_a_two_level_plan_worked_by_hand() -> None:
    inp = planning_input(
        # A: top assembly, lead 1; S: sub-assembly, lead 2; X, Y: purchased.
        lead_time_weeks=[1, 2, 0, 0],
        bom=[(A, S, 2.0), (A, X, 1.0), (S, Y, 4.0)],
        demand=[(A, 3, 5.0), (A, 5, 4.0)],
        receipts=[(Y, 1, 12.0)],
        on_hand=[0.0, 3.0, 7.0, 40.0],
        safety_stock=[0.0, 1.0, 3.0, 10.0],
        horizon=7,
    )
    result = net(inp)

    # Low-level codes: A is top (0); S and X sit under A (1); Y under S (2).
    assert result.low_level_code.tolist() == [0, 1, 1, 2]

    # A: G = [0,0,0,5,0,4,0], no stock, no safety stock.
    #    P = 0 - cumsum(G) = [0,0,0,-5,-5,-9,-9]; deficit 0 - P = [0,0,0,5,5,9,9] = C.
    #    planned = diff(C) = [0,0,0,5,0,4,0]; projected = P + C = all 0.
    # A's lead time is 1: its orders of week 3 and 5 need components in weeks 2 and 4.
    #    S gross = 2 x [.., 5 in wk 2, 4 in wk 4] = [0,0,10,0,8,0,0]; X gross = [0,0,5,0,4,0,0].
    # S: on hand 3, SS 1. P = 3 - cumsum(G) = [3,3,-7,-7,-15,-15,-15].
    #    SS - P = [-2,-2,8,8,16,16,16] -> C = [0,0,8,8,16,16,16]; planned = [0,0,8,0,8,0,0].
    #    projected = P + C = [3,3,1,1,1,1,1]: never below its safety stock of 1.
    # S's lead time is 2: its orders of weeks 2 and 4 need Y in weeks 0 and 2.
    #    Y gross = 4 x [8 in wk 0, 8 in wk 2] = [32,0,32,0,0,0,0].
    # X: purchased, on hand 7, SS 3. projected = 7 - cumsum(G) = [7,7,2,2,-2,-2,-2].
    #    below 3 from week 2; short from week 4, by 2 at worst; 4 whole weeks of cover.
    # Y: purchased, on hand 40, SS 10, 12 arriving in week 1.
    #    projected = [40-32, 8+12, 20-32, ...] = [8,20,-12,-12,-12,-12,-12].
    #    below 10 already in week 0; short from week 2 by 12; 2 weeks of cover.
    assert result.gross.tolist() == [
        [0, 0, 0, 5, 0, 4, 0],
        [0, 0, 10, 0, 8, 0, 0],
        [0, 0, 5, 0, 4, 0, 0],
        [32, 0, 32, 0, 0, 0, 0],
    ]
    assert result.receipts.tolist() == [[0] * 7, [0] * 7, [0] * 7, [0, 12, 0, 0, 0, 0, 0]]
    assert result.planned_orders.tolist() == [
        [0, 0, 0, 5, 0, 4, 0],
        [0, 0, 8, 0, 8, 0, 0],
        [0] * 7,
        [0] * 7,
    ]
    assert result.projected.tolist() == [
        [0, 0, 0, 0, 0, 0, 0],
        [3, 3, 1, 1, 1, 1, 1],
        [7, 7, 2, 2, -2, -2, -2],
        [8, 20, -12, -12, -12, -12, -12],
    ]
    assert result.first_shortage_week.tolist() == [-1, -1, 4, 2]
    assert result.quantity_short.tolist() == [0, 0, 2, 12]
    assert result.below_safety_week.tolist() == [-1, -1, 2, 0]
    assert result.weeks_of_cover.tolist() == [7, 7, 4, 2]

    # Clear to build, on the flattened BOM: one A takes 1 X and 2 x 4 = 8 Y. S's own 3 in stock
    # are not netted here (they are in net()).
    # Build 0 (5 A, week 3) comes first: X needs 5 of 7; Y needs 40 of 40 + 12 = 52 by week 3.
    #    Both fully allocated: 5 buildable.
    # Build 1 (4 A, week 5): X needs 4, 7 - 5 = 2 left -> floor(2 / 1) = 2 units;
    #    Y needs 32, 52 - 40 = 12 left -> floor(12 / 8) = 1 unit. Buildable 1, limited by Y,
    #    short by 32 - 12 = 20 (X, at 2 units, is not the limit).
    ctb = clear_to_build(inp, result)
    assert ctb.buildable.tolist() == [5, 1]
    assert ctb.limiting_offsets.tolist() == [0, 0, 1]
    assert limiting_of(ctb, 0) == ([], [])
    assert limiting_of(ctb, 1) == ([Y], [20.0])


def test_overdue_rows_count_in_week_zero_and_rows_past_the_horizon_are_ignored() -> None:
    assembly, component = 0, 1
    inp = planning_input(
        lead_time_weeks=[2, 0],
        bom=[(assembly, component, 1.0)],
        # Overdue build, a build in week 1, and one past the 4-week horizon.
        demand=[(assembly, -3, 5.0), (assembly, 1, 2.0), (assembly, 9, 100.0)],
        # An overdue receipt (expected now) and one due in week 4 = the horizon.
        receipts=[(component, -1, 3.0), (component, 4, 50.0)],
        horizon=4,
    )
    result = net(inp)
    assert result.gross[assembly].tolist() == [5, 2, 0, 0]
    assert result.planned_orders[assembly].tolist() == [5, 2, 0, 0]
    # Lead time 2: the orders of weeks 0 and 1 should have started in weeks -2 and -1: past due.
    assert result.gross[component].tolist() == [7, 0, 0, 0]
    assert result.receipts[component].tolist() == [3, 0, 0, 0]
    assert result.projected[component].tolist() == [-4, -4, -4, -4]
    assert result.first_shortage_week[component] == 0
    assert result.quantity_short[component] == 4
    assert result.weeks_of_cover[component] == 0

    ctb = clear_to_build(inp, result)
    # The overdue build takes the 3 there are; the week-1 build gets nothing; the third is
    # outside the horizon.
    assert ctb.buildable[:2].tolist() == [3, 0]
    assert math.isnan(ctb.buildable[2])
    assert limiting_of(ctb, 0) == ([component], [2.0])
    assert limiting_of(ctb, 1) == ([component], [2.0])
    assert limiting_of(ctb, 2) == ([], [])


def test_float_noise_of_decimal_quantities_is_neither_a_shortage_nor_an_order() -> None:
    assembly, component = 0, 1
    # 0.1 + 0.2 is 0.30000000000000004 in float64: one ulp more than the 0.3 in stock.
    inp = planning_input(
        lead_time_weeks=[0, 0],
        bom=[(assembly, component, 1.0)],
        demand=[(assembly, 0, 0.1), (assembly, 0, 0.2), (component, 1, 0.1), (component, 1, 0.2)],
        on_hand=[0.3, 0.3],
        horizon=2,
    )
    result = net(inp)
    assert result.projected[assembly, 0] < 0
    assert result.planned_orders[assembly].tolist() == [0, 0]
    assert result.first_shortage_week[assembly] == -1
    assert result.quantity_short[assembly] == 0
    assert result.below_safety_week[assembly] == -1
    assert result.weeks_of_cover[assembly] == 2
    # The component's own demand meets the same noise in week 1, and no order of the assembly.
    assert result.gross[component].tolist() == [0, 0.1 + 0.2]
    assert result.projected[component, 1] < 0
    assert result.first_shortage_week[component] == -1
    assert result.quantity_short[component] == 0


@pytest.mark.parametrize(
    ("bom", "on_the_cycle"),
    [
        ([(0, 1, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0)], {1, 2}),
        ([(0, 0, 1.0), (1, 0, 1.0)], {0}),
        ([(3, 2, 1.0), (2, 1, 1.0), (1, 3, 2.0), (0, 3, 1.0)], {1, 2, 3}),
    ],
)
def test_a_bom_cycle_is_refused_naming_a_part_on_it(
    bom: list[tuple[int, int, float]], on_the_cycle: set[int]
) -> None:
    inp = planning_input(lead_time_weeks=[0] * 4, bom=bom, horizon=3)
    with pytest.raises(ValueError, match="cycle through part") as refused:
        net(inp)
    assert int(str(refused.value).rsplit(" ", 1)[1]) in on_the_cycle


@pytest.mark.parametrize(
    "changes",
    [
        {"horizon": 0},
        {"horizon": 105},
        {"bom": [(0, 2, 1.0)]},
        {"bom": [(0, 1, -1.0)]},
        {"demand": [(0, 0, math.inf)]},
        {"lead_time_weeks": [-1, 0]},
    ],
)
def test_malformed_inputs_are_refused(changes: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"lead_time_weeks": [0, 0], "horizon": 2, **changes}
    with pytest.raises(ValueError):
        planning_input(**arguments)


QUANTITIES = st.integers(0, 40).map(lambda half_units: half_units / 2)
QTY_PER = st.sampled_from([0.25, 0.5, 1.0, 1.0, 2.0, 3.0, 0.0])


@st.composite
def planning_inputs(draw: st.DrawFn) -> PlanningInput:
    """Small acyclic BOMs of up to 4 levels, in quantities float64 adds exactly."""
    n = draw(st.integers(1, 12))
    horizon = draw(st.integers(1, 12))
    depth_of = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    downward = [(p, c) for p in range(n) for c in range(n) if depth_of[p] < depth_of[c]]
    links = draw(st.lists(st.sampled_from(downward), max_size=24)) if downward else []
    bom = [(p, c, draw(QTY_PER)) for p, c in links]
    weeks = st.integers(-2, horizon + 1)
    rows = st.tuples(st.integers(0, n - 1), weeks, QUANTITIES)
    return planning_input(
        lead_time_weeks=draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)),
        bom=bom,
        demand=draw(st.lists(rows, max_size=10)),
        receipts=draw(st.lists(rows, max_size=10)),
        on_hand=draw(st.lists(st.integers(-4, 60).map(lambda h: h / 2), min_size=n, max_size=n)),
        safety_stock=draw(
            st.lists(st.integers(0, 12).map(lambda h: h / 2), min_size=n, max_size=n)
        ),
        horizon=horizon,
    )


@settings(max_examples=150, deadline=None)
@given(planning_inputs())
def test_the_engine_agrees_with_the_plain_reference(inp: PlanningInput) -> None:
    result = net(inp)
    expected = reference_net(inp)
    for name in ("gross", "receipts", "projected", "planned_orders", "quantity_short"):
        np.testing.assert_allclose(getattr(result, name), getattr(expected, name), atol=1e-6)
    for name in ("low_level_code", "first_shortage_week", "below_safety_week", "weeks_of_cover"):
        assert getattr(result, name).tolist() == getattr(expected, name), name

    ctb = clear_to_build(inp, result)
    expected_ctb = reference_clear_to_build(inp)
    np.testing.assert_allclose(ctb.buildable, expected_ctb.buildable, atol=1e-6)
    for row in range(len(inp.demand_part)):
        parts, shortfall = limiting_of(ctb, row)
        assert parts == expected_ctb.limiting_parts[row]
        np.testing.assert_allclose(shortfall, expected_ctb.shortfall[row], atol=1e-6)


def test_two_thousand_parts_on_three_levels_give_arrays_of_the_right_shapes() -> None:
    rng = np.random.default_rng(7)
    tops, subs, purchased, horizon = 100, 400, 1500, 26
    n = tops + subs + purchased
    sub_ids = np.arange(tops, tops + subs)
    purchased_ids = np.arange(tops + subs, n)
    bom_parent = np.concatenate([np.repeat(np.arange(tops), 8), np.repeat(sub_ids, 20)])
    bom_child = np.concatenate(
        [rng.choice(sub_ids, tops * 8), rng.choice(purchased_ids, subs * 20)]
    )
    demand_count, receipt_count = 600, 3000
    inp = PlanningInput(
        lead_time_weeks=rng.integers(0, 6, n),
        bom_parent=bom_parent,
        bom_child=bom_child,
        bom_qty_per=rng.integers(1, 5, bom_parent.size).astype(np.float64),
        demand_part=rng.integers(0, tops, demand_count),
        demand_week=rng.integers(-2, horizon + 4, demand_count),
        demand_qty=rng.integers(1, 50, demand_count).astype(np.float64),
        on_hand=rng.integers(0, 2000, n).astype(np.float64),
        safety_stock=rng.integers(0, 50, n).astype(np.float64),
        receipt_part=rng.integers(0, n, receipt_count),
        receipt_week=rng.integers(-1, horizon + 2, receipt_count),
        receipt_qty=rng.integers(1, 500, receipt_count).astype(np.float64),
        horizon=horizon,
    )
    result = net(inp)
    assert isinstance(result, NettingResult)
    for name in ("gross", "receipts", "projected", "planned_orders"):
        assert getattr(result, name).shape == (n, horizon)
    for name in ("low_level_code", "first_shortage_week", "quantity_short", "weeks_of_cover"):
        assert getattr(result, name).shape == (n,)
    assert set(result.low_level_code.tolist()) == {0, 1, 2}
    assert not result.planned_orders[purchased_ids].any()

    ctb = clear_to_build(inp, result)
    inside = inp.demand_week < horizon
    assert ctb.buildable.shape == (demand_count,)
    assert np.isnan(ctb.buildable[~inside]).all()
    assert (ctb.buildable[inside] <= inp.demand_qty[inside]).all()
    assert ctb.limiting_offsets.shape == (demand_count + 1,)
    assert ctb.limiting_parts.shape == ctb.shortfall.shape == (ctb.limiting_offsets[-1],)
    assert np.isin(ctb.limiting_parts, purchased_ids).all()
    assert (ctb.shortfall > 0).all()


def test_long_allocation_queues_agree_with_the_plain_reference() -> None:
    # Hundreds of builds draw on the same purchased parts: the running sums per part span
    # several padded widths, which the small property-test cases never reach.
    rng = np.random.default_rng(11)
    tops, subs, purchased, horizon = 12, 30, 60, 20
    n = tops + subs + purchased
    sub_ids = np.arange(tops, tops + subs)
    purchased_ids = np.arange(tops + subs, n)
    bom_parent = np.concatenate(
        [np.repeat(np.arange(tops), 6), np.repeat(np.arange(tops), 3), np.repeat(sub_ids, 8)]
    )
    bom_child = np.concatenate(
        [
            rng.choice(sub_ids, tops * 6),
            rng.choice(purchased_ids, tops * 3),
            rng.choice(purchased_ids, subs * 8),
        ]
    )
    demand_count, receipt_count = 400, 300
    inp = PlanningInput(
        lead_time_weeks=rng.integers(0, 4, n),
        bom_parent=bom_parent,
        bom_child=bom_child,
        bom_qty_per=rng.choice([0.5, 1.0, 2.0, 3.0], bom_parent.size),
        demand_part=rng.integers(0, tops + subs, demand_count),
        demand_week=rng.integers(-3, horizon + 2, demand_count),
        demand_qty=rng.integers(0, 30, demand_count) / 2,
        on_hand=rng.integers(0, 4000, n).astype(np.float64),
        safety_stock=rng.integers(0, 20, n).astype(np.float64),
        receipt_part=rng.integers(0, n, receipt_count),
        receipt_week=rng.integers(-2, horizon + 2, receipt_count),
        receipt_qty=rng.integers(1, 400, receipt_count).astype(np.float64),
        horizon=horizon,
    )
    result = net(inp)
    expected = reference_net(inp)
    np.testing.assert_allclose(result.projected, expected.projected, atol=1e-6)
    np.testing.assert_allclose(result.planned_orders, expected.planned_orders, atol=1e-6)

    ctb = clear_to_build(inp, result)
    expected_ctb = reference_clear_to_build(inp)
    np.testing.assert_allclose(ctb.buildable, expected_ctb.buildable, atol=1e-6)
    assert 0 < np.count_nonzero(np.diff(ctb.limiting_offsets)) < demand_count
    for row in range(demand_count):
        parts, shortfall = limiting_of(ctb, row)
        assert parts == expected_ctb.limiting_parts[row]
        np.testing.assert_allclose(shortfall, expected_ctb.shortfall[row], atol=1e-6)


def first_come_first_served(
    inp: PlanningInput, result: NettingResult
) -> tuple[list[float], list[list[int]], list[list[float]]]:
    """Clear to build pair by pair, in plain loops, on the engine's own flattened BOM: where the
    engine works out whole (part, week) cells at once, this takes every (build, part) in turn,
    in the order and float operations of the module docstring, so the two agree to the bit."""
    rows = len(inp.demand_part)
    buildable = [math.nan] * rows
    limiting: list[list[int]] = [[] for _ in range(rows)]
    shortfall: list[list[float]] = [[] for _ in range(rows)]
    inside = [row for row in range(rows) if inp.demand_week[row] < inp.horizon]
    demanded = np.unique(inp.demand_part[inside]).astype(np.int64)
    depth = int(result.low_level_code.max())
    per_top, _ = _flattened_purchased_requirements(inp, demanded, depth)
    taken: dict[int, float] = {}
    for row in sorted(inside, key=lambda r: (max(0, int(inp.demand_week[r])), r)):
        due, build_qty = max(0, int(inp.demand_week[row])), float(inp.demand_qty[row])
        top = int(np.searchsorted(demanded, inp.demand_part[row]))
        start, end = per_top.indptr[top], per_top.indptr[top + 1]
        units_of, missing_of = {}, {}
        for part, per_unit in zip(per_top.indices[start:end], per_top.data[start:end], strict=True):
            required = float(per_unit) * build_qty
            arrived = 0.0
            for week in range(due + 1):
                arrived += float(result.receipts[part, week])
            available = arrived + float(inp.on_hand[part])
            before = taken.get(int(part), 0.0)
            allocated = min(required, max(0.0, available - before))
            taken[int(part)] = before + required
            whole = allocated >= required
            units_of[int(part)] = build_qty if whole else math.floor(allocated / per_unit + 1e-9)
            missing_of[int(part)] = required - allocated
        buildable[row] = min([build_qty, *units_of.values()])
        if buildable[row] < build_qty:
            for part, units in units_of.items():
                if units == buildable[row]:
                    limiting[row].append(part)
                    shortfall[row].append(missing_of[part])
    return buildable, limiting, shortfall


def assert_same_clearance(inp: PlanningInput, result: NettingResult) -> None:
    ctb = clear_to_build(inp, result)
    buildable, limiting, shortfall = first_come_first_served(inp, result)
    np.testing.assert_array_equal(ctb.buildable, buildable)
    for row in range(len(inp.demand_part)):
        assert limiting_of(ctb, row) == (limiting[row], shortfall[row]), row


# Tenths are not binary fractions: their sums round, and float noise decides near ties. Huge
# quantities take sums past 2**53, where whole numbers round too.
NUMBERS = st.sampled_from(["halves", "tenths", "huge"])


@st.composite
def planning_inputs_in(draw: st.DrawFn, numbers: str) -> PlanningInput:
    n = draw(st.integers(1, 10))
    horizon = draw(st.integers(1, 8))
    depth_of = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    downward = [(p, c) for p in range(n) for c in range(n) if depth_of[p] < depth_of[c]]
    links = draw(st.lists(st.sampled_from(downward), max_size=20)) if downward else []
    scale = {"halves": 2, "tenths": 10, "huge": 1}[numbers]
    unit = 2.0**52 if numbers == "huge" else 1.0
    quantity = st.integers(0, 30).map(lambda steps: steps / scale * unit)
    qty_per = st.sampled_from([0.5, 1.0, 2.0, 3.0] if numbers == "halves" else [0.1, 0.3, 1.0, 7.0])
    rows = st.tuples(st.integers(0, n - 1), st.integers(-1, horizon), quantity)
    return planning_input(
        lead_time_weeks=[0] * n,
        bom=[(p, c, draw(qty_per)) for p, c in links],
        demand=draw(st.lists(rows, max_size=12)),
        receipts=draw(st.lists(rows, max_size=10)),
        on_hand=draw(st.lists(quantity, min_size=n, max_size=n)),
        horizon=horizon,
    )


@settings(max_examples=150, deadline=None)
@given(st.data(), NUMBERS, st.sampled_from([1, 3, 1 << 18]))
def test_clear_to_build_allocates_exactly_as_pair_by_pair(
    data: st.DataObject, numbers: str, chunk: int
) -> None:
    # Whether the engine may work out a cell at once or must go build by build depends on the
    # float rounding of the sums: the result must be the same to the bit either way, in chunks
    # of any size.
    inp = data.draw(planning_inputs_in(numbers))
    with mock.patch.object(allocation, "CHUNK", chunk):
        assert_same_clearance(inp, net(inp))


def test_a_requirement_too_small_for_a_float_limits_nothing() -> None:
    # 1e-300 per unit times 1e-100 units is 0 in float64: the first build requires nothing, so
    # it is clear although the part is short from the start (no cell may count as starved).
    inp = planning_input(
        lead_time_weeks=[0, 0],
        bom=[(0, 1, 1e-300)],
        demand=[(0, 0, 1e-100), (0, 1, 2.0)],
        on_hand=[0.0, -1.0],
        horizon=2,
    )
    result = net(inp)
    assert_same_clearance(inp, result)
    ctb = clear_to_build(inp, result)
    assert ctb.buildable.tolist() == [1e-100, 0.0]
    assert limiting_of(ctb, 0) == ([], [])
    assert limiting_of(ctb, 1) == ([1], [2e-300])


@pytest.mark.parametrize("chunk", [1, 97, 1 << 18])
def test_many_builds_in_chunks_allocate_exactly_as_pair_by_pair(chunk: int) -> None:
    # Scarce stock, a few hundred builds over three levels: most (part, week) cells are covered
    # or starved, some open, and the work is cut into chunks of builds and blocks of parts.
    rng = np.random.default_rng(5)
    tops, subs, purchased, horizon = 15, 25, 120, 30
    n = tops + subs + purchased
    sub_ids = np.arange(tops, tops + subs)
    purchased_ids = np.arange(tops + subs, n)
    bom = [(int(t), int(s), 1.0) for t in range(tops) for s in rng.choice(sub_ids, 3)]
    bom += [
        (int(t), int(p), float(rng.integers(1, 4)))
        for t in range(tops + subs)
        for p in rng.choice(purchased_ids, 12)
    ]
    demand = [
        (int(rng.integers(0, tops)), int(rng.integers(-2, horizon + 2)), float(rng.integers(0, 40)))
        for _ in range(500)
    ]
    receipts = [
        (
            int(rng.choice(purchased_ids)),
            int(rng.integers(0, horizon)),
            float(rng.integers(50, 400)),
        )
        for _ in range(300)
    ]
    inp = planning_input(
        lead_time_weeks=[1] * (tops + subs) + [0] * purchased,
        bom=bom,
        demand=demand,
        receipts=receipts,
        on_hand=[0.0] * (tops + subs) + rng.integers(0, 1500, purchased).tolist(),
        horizon=horizon,
    )
    result = net(inp)
    with mock.patch.object(allocation, "CHUNK", chunk):
        assert_same_clearance(inp, result)
        ctb = clear_to_build(inp, result)
    inside = inp.demand_week < horizon
    short = ctb.buildable[inside] < inp.demand_qty[inside]
    assert 0 < short.sum() < inside.sum()


def test_float_noise_of_running_sums_decides_as_the_definition_does() -> None:
    # 0.1 + 0.4 in week 0, then 0.3 + 0.4 + 0.1 in week 1, with 1.3 in stock. Served one by
    # one, the builds before the last took 1.2000000000000002 and leave it 0.09999999999999987
    # of the 0.1 it needs: 0 units. The weekly totals (0.5 + 0.8 = 1.3) say the stock just
    # covers week 1, and week 0's total plus the week's running sum says 1.2, which would leave
    # enough: neither may decide.
    inp = planning_input(
        lead_time_weeks=[0, 0],
        bom=[(A, 1, 1.0)],
        demand=[(A, 0, 0.1), (A, 0, 0.4), (A, 1, 0.3), (A, 1, 0.4), (A, 1, 0.1)],
        on_hand=[0.0, 1.3],
        horizon=2,
    )
    result = net(inp)
    assert_same_clearance(inp, result)
    ctb = clear_to_build(inp, result)
    assert ctb.buildable.tolist() == [0.1, 0.4, 0.3, 0.4, 0.0]
    assert limiting_of(ctb, 4) == ([1], [0.1 - (1.3 - 1.2000000000000002)])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(1, 12).map(lambda k: k / 10)),
        min_size=2,
        max_size=6,
    ),
    st.integers(1, 30).map(lambda k: k / 10),
)
def test_near_ties_of_decimal_quantities_are_decided_as_pair_by_pair(
    demand: list[tuple[int, int, float]], on_hand: float
) -> None:
    # Two assemblies sharing a part, builds of tenths and stock of tenths: their running sums
    # often land an ulp either side of the stock.
    inp = planning_input(
        lead_time_weeks=[0, 0, 0],
        bom=[(0, 2, 1.0), (1, 2, 1.0)],
        demand=demand,
        on_hand=[0.0, 0.0, on_hand],
        horizon=3,
    )
    assert_same_clearance(inp, net(inp))


def flattened_level_by_level(inp: PlanningInput, parts: Any, depth: int) -> Any:
    """Per-unit quantities as the engine defines their sums: over all paths of one length,
    then over the lengths (the BOM walked one edge further at a time)."""
    n = inp.part_count
    bom = sparse.csr_array((inp.bom_qty_per, (inp.bom_parent, inp.bom_child)), shape=(n, n))
    total = frontier = sparse.csr_array(
        (np.ones(parts.size), (np.arange(parts.size), parts)), shape=(parts.size, n)
    )
    for _ in range(depth):
        frontier = frontier @ bom
        total = total + frontier
    purchased = np.bincount(inp.bom_parent, minlength=n) == 0
    entries = total.tocoo()
    keep = purchased[entries.col] & (entries.data != 0)
    return sparse.csr_array(
        (entries.data[keep], (entries.row[keep], entries.col[keep])), shape=total.shape
    )


@settings(max_examples=150, deadline=None)
@given(st.data(), NUMBERS)
def test_the_flattened_bom_sums_as_defined_whichever_way_it_is_worked_out(
    data: st.DataObject, numbers: str
) -> None:
    # Whole or binary-fraction quantities are summed in any order (all exact), others level
    # by level: the per-unit quantities must be the same to the bit.
    inp = data.draw(planning_inputs_in(numbers))
    parts = np.arange(inp.part_count)
    depth = int(net(inp).low_level_code.max())
    per_top, by_part = _flattened_purchased_requirements(inp, parts, depth)
    expected = flattened_level_by_level(inp, parts, depth)
    expected.sort_indices()
    for got in (per_top, by_part.T.tocsr()):
        got.sort_indices()
        np.testing.assert_array_equal(got.indptr, expected.indptr)
        np.testing.assert_array_equal(got.indices, expected.indices)
        np.testing.assert_array_equal(got.data, expected.data)


def test_per_unit_quantities_add_up_level_by_level() -> None:
    # Top 0 uses part 2 directly (0.1) and through sub-assembly 1 (0.1 of 1, 0.7 of 2 in each);
    # 2 holds 0.1 of purchased part 3. Paths of two edges, then of three, give
    # 0.1 * 0.1 + (0.1 * 0.7) * 0.1 = 0.017; summing the ways to 2 first would give
    # (0.1 + 0.1 * 0.7) * 0.1 = 0.016999999999999998.
    inp = planning_input(
        lead_time_weeks=[0] * 4,
        bom=[(0, 1, 0.1), (0, 2, 0.1), (1, 2, 0.7), (2, 3, 0.1)],
        horizon=1,
    )
    per_top, _ = _flattened_purchased_requirements(inp, np.array([0]), 3)
    assert per_top.toarray().tolist() == [[0, 0, 0, 0.1 * 0.1 + (0.1 * 0.7) * 0.1]]
