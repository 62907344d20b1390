"""The array arithmetic of the metrics (grouping.py, quotes.py, metrics.judge) against plain
Python written from the definitions, on random lines, receipts and offers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from accord.scorecards.choices import CountingUnit
from accord.scorecards.grouping import MonthGroups, days_of, positions
from accord.scorecards.metrics import OnTimeRule, on_time_delivery
from accord.scorecards.quotes import OFFER_BREAK_SCHEMA, reference_prices

DAY0 = dt.date(2025, 11, 20)
days = st.integers(min_value=0, max_value=75).map(lambda n: DAY0 + dt.timedelta(days=n))

offers = st.lists(
    st.tuples(
        st.sampled_from([7, 8, 9]),  # supplier
        st.sampled_from([100, 101]),  # manufacturer part
        st.sampled_from(["USD", "EUR"]),
        days,
        st.lists(
            st.tuples(st.sampled_from([1.0, 10.0, 100.0, 250.0]), st.integers(1, 500)),
            min_size=1,
            max_size=4,
            unique_by=lambda b: b[0],
        ),
    ),
    max_size=8,
)
lines = st.lists(
    st.tuples(
        st.sampled_from([7, 8, 9]),
        st.sampled_from([100, 101, 102]),
        st.sampled_from(["USD", "EUR"]),
        days,
        st.sampled_from([1.0, 5.0, 10.0, 99.0, 100.0, 300.0]),
    ),
    min_size=1,
    max_size=30,
)


def plain_reference(line: tuple, offered: list[tuple]) -> float | None:
    rated, part, currency, issued, quantity = line
    candidates = [
        (seen, offer_id, breaks)
        for offer_id, (s, p, c, seen, breaks) in enumerate(offered)
        if (s, p, c) == (rated, part, currency) and seen <= issued
    ]
    if not candidates:
        return None
    _seen, _id, breaks = max(candidates, key=lambda c: (c[0], c[1]))
    reached = [price for amount, price in sorted(breaks) if amount <= quantity]
    return float(reached[-1]) / 100 if reached else None


@settings(max_examples=150, deadline=None)
@given(offered=offers, ordered=lines)
def test_reference_prices_equal_the_definition(offered, ordered):
    breaks = pl.DataFrame(
        [
            (offer_id, s, p, c, seen, amount, price / 100)
            for offer_id, (s, p, c, seen, tiers) in enumerate(offered)
            for amount, price in tiers
        ],
        schema=OFFER_BREAK_SCHEMA,
        orient="row",
    )
    frame = pl.DataFrame(
        ordered,
        schema={
            "rated_id": pl.Int64,
            "manufacturer_part_id": pl.Int64,
            "currency": pl.String,
            "issued_on": pl.Date,
            "quantity": pl.Float64,
        },
        orient="row",
    )
    got = [None if v != v else round(v, 6) for v in reference_prices(frame, breaks)]
    expected = [plain_reference(line, offered) for line in ordered]
    assert got == [None if e is None else round(e, 6) for e in expected]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([3, 40, 41, 900, 2**40]), days, st.integers(0, 50)),
        min_size=1,
        max_size=40,
    )
)
def test_month_groups_sum_like_a_group_by(rows):
    frame = pl.DataFrame(
        rows, schema={"rated": pl.Int64, "day": pl.Date, "amount": pl.Int64}, orient="row"
    )
    groups = MonthGroups(frame["rated"].to_numpy(), days_of(frame["day"]))
    got = groups.sums({"amount": frame["amount"].to_numpy().astype(float)})
    expected: dict[tuple[int, dt.date], list[float]] = {}
    for rated, day, amount in rows:
        key = (rated, day.replace(day=1))
        expected.setdefault(key, [0.0, 0.0])
        expected[key][0] += 1
        expected[key][1] += amount
    assert {
        (r["rated_id"], r["month"]): [r["rows"], r["amount"]] for r in got.iter_rows(named=True)
    } == expected


# The window's edges, explicitly: received on its last day, the day after, its first day and
# the day before, each completing its line (random draws seldom land exactly on an edge).
@example(
    ordered=[(1, DAY0, 5), (2, DAY0, 5), (3, DAY0, 5), (4, DAY0, 5)],
    received=[(1, 1, 5, 0), (2, 2, 5, 0), (3, -2, 5, 0), (4, -3, 5, 0)],
    unit=CountingUnit.LINE,
    shuffled=False,
)
@example(  # a partial delivery inside the window, the rest after it
    ordered=[(1, DAY0, 10)],
    received=[(1, 0, 6, 1), (1, 3, 5, 0)],
    unit=CountingUnit.QUANTITY,
    shuffled=False,
)
@settings(max_examples=200, deadline=None)
@given(
    ordered=st.lists(
        st.tuples(st.integers(1, 4), days, st.integers(1, 20)), min_size=1, max_size=25
    ),
    received=st.lists(  # line, days from its due date, quantity, rejected
        st.tuples(st.integers(0, 26), st.integers(-4, 4), st.integers(0, 20), st.integers(0, 3)),
        max_size=30,
    ),
    unit=st.sampled_from(list(CountingUnit)),
    shuffled=st.booleans(),
)
def test_on_time_equals_the_definition(ordered, received, unit, shuffled):
    """Lines given in any order; receipts of lines not given count nowhere."""
    as_of = DAY0 + dt.timedelta(days=40)
    rule = OnTimeRule(days_early=2, days_late=1, unit=unit)
    line_rows = [
        (index + 1, order, 50 + order % 2, due, float(quantity))
        for index, (order, due, quantity) in enumerate(ordered)
    ]
    if shuffled:
        line_rows = line_rows[::-1]
    frame = pl.DataFrame(
        line_rows,
        schema={
            "line_id": pl.Int64,
            "order_id": pl.Int64,
            "rated_id": pl.Int64,
            "due": pl.Date,
            "quantity": pl.Float64,
        },
        orient="row",
    )
    due_of = {row[0]: row[3] for row in line_rows}
    received = [
        (line, due_of.get(line, DAY0) + dt.timedelta(days=offset), q, min(r, q))
        for line, offset, q, r in received
    ]
    receipts = pl.DataFrame(
        [(line, on, float(q), float(r)) for line, on, q, r in received],
        schema={
            "line_id": pl.Int64,
            "received_on": pl.Date,
            "quantity": pl.Float64,
            "rejected": pl.Float64,
        },
        orient="row",
    )
    got = {
        (r["rated_id"], r["month"]): (r["numerator"], r["denominator"])
        for r in on_time_delivery(frame, receipts, rule, as_of).iter_rows(named=True)
    }
    judged = {}
    for line_id, order, rated, due, quantity in line_rows:
        accepted = sum(
            q - r
            for line, on, q, r in received
            if line == line_id and due - dt.timedelta(days=2) <= on <= due + dt.timedelta(days=1)
        )
        complete = accepted >= quantity
        passed = due + dt.timedelta(days=1) < as_of
        judged[line_id] = (order, rated, due, quantity, min(accepted, quantity), complete, passed)
    expected: dict[tuple[int, dt.date], list[float]] = {}
    if unit == CountingUnit.DELIVERY:
        deliveries: dict[tuple[int, dt.date], list[tuple]] = {}
        for values in judged.values():
            deliveries.setdefault((values[0], values[2]), []).append(values)
        for (_order, due), members in deliveries.items():
            on_time = all(m[5] for m in members)
            late = any(m[6] and not m[5] for m in members)
            if on_time or late:
                cell = expected.setdefault((members[0][1], due.replace(day=1)), [0.0, 0.0])
                cell[0] += on_time
                cell[1] += 1
    else:
        for _order, rated, due, quantity, on_time_quantity, complete, passed in judged.values():
            if not (complete or passed):
                continue
            cell = expected.setdefault((rated, due.replace(day=1)), [0.0, 0.0])
            if unit == CountingUnit.QUANTITY:
                cell[0] += on_time_quantity
                cell[1] += quantity
            else:
                cell[0] += complete
                cell[1] += 1
    assert got == {key: tuple(cell) for key, cell in expected.items() if cell[1] > 0}


@settings(max_examples=100, deadline=None)
@given(
    known=st.sets(st.one_of(st.integers(0, 60), st.integers(0, 2**40)), max_size=30),
    wanted=st.lists(st.one_of(st.integers(-5, 70), st.integers(0, 2**40)), max_size=30),
)
def test_positions_find_each_id_or_say_it_is_missing(known, wanted):
    ordered = sorted(known)
    index_of = {value: index for index, value in enumerate(ordered)}
    found = positions(np.array(ordered, dtype=np.int64), np.array(wanted, dtype=np.int64))
    assert found.tolist() == [index_of.get(value, -1) for value in wanted]
