"""A supplier's card of its customers from the forecasts they shared and the orders they sent,
computed by hand: forecast accuracy 4, 8 and 12 weeks out and stability inside the frozen
window (customer_metrics.py states the definitions).

Customer 1 (program 100) shared three forecasts and ordered part 7; customer 2 (program 200)
shared one; customer 3 never shared a forecast and ordered all the same."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from accord.scorecards.customer_metrics import (
    forecast_share_stability,
    ordered_against_forecast,
)

D, T = dt.date, dt.datetime
SEP, OCT, NOV = D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)
AS_OF = D(2026, 11, 15)  # a Sunday: the weeks of Mondays up to 11-09 have begun

SHARES = pl.DataFrame(
    [
        # share, customer, program, shared at, week 0 (a Monday), horizon in weeks
        (1, 1, 100, T(2026, 8, 3, 10), D(2026, 8, 3), 12),  # reaches 10-19
        (2, 1, 100, T(2026, 9, 7, 9), D(2026, 9, 7), 8),  # reaches 10-26
        (3, 1, 100, T(2026, 9, 28, 12), D(2026, 9, 28), 4),  # reaches 10-19
        (4, 2, 200, T(2026, 6, 1, 8), D(2026, 6, 1), 22),  # reaches 10-26
    ],
    schema={
        "share_id": pl.Int64,
        "rated_id": pl.Int64,
        "program_id": pl.Int64,
        "shared_at": pl.Datetime("us"),
        "week_start": pl.Date,
        "horizon": pl.Int64,
    },
    orient="row",
)
LINES = pl.DataFrame(
    [
        # Share 1, weeks 08-03 .. 10-19: 100 in each of 10-05, 10-12, 10-19.
        (1, 7, [0.0] * 9 + [100.0, 100.0, 100.0]),
        # Share 2, weeks 09-07 .. 10-26.
        (2, 7, [0.0, 0.0, 0.0, 0.0, 120.0, 100.0, 80.0, 50.0]),
        (2, 6, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 30.0, 0.0]),  # part 6 only here
        # Share 3, weeks 09-28 .. 10-19; figures past its horizon (10-26 .. 11-09) are not
        # part of what it said.
        (3, 7, [0.0, 120.0, 150.0, 80.0, 999.0, 999.0, 999.0]),
        # Share 4, weeks 06-01 .. 10-26: 40 a week in October.
        (4, 8, [0.0] * 18 + [40.0] * 4),
    ],
    schema={"share_id": pl.Int64, "part_id": pl.Int64, "quantities": pl.List(pl.Float64)},
    orient="row",
)
ORDERS = pl.DataFrame(
    [
        # customer, program, part, requested, quantity
        (1, 100, 7, D(2026, 10, 7), 120.0),  # week 10-05
        (1, 100, 7, D(2026, 10, 14), 150.0),  # week 10-12
        (1, 100, 7, D(2026, 10, 20), 60.0),  # week 10-19 ...
        (1, 100, 7, D(2026, 10, 22), 20.0),  # ... 80 in all
        (1, 100, 7, D(2026, 11, 11), 25.0),  # week 11-09: no forecast reaches it
        (1, 101, 7, D(2026, 10, 14), 1000.0),  # program 101: never forecast, not judged
        (1, 100, 7, D(2026, 11, 18), 70.0),  # week 11-16 has not begun
        (2, 200, 8, D(2026, 10, 5), 40.0),
        (2, 200, 8, D(2026, 10, 12), 40.0),
        (2, 200, 8, D(2026, 10, 19), 30.0),
        (2, 200, 8, D(2026, 10, 30), 50.0),  # a Friday: week 10-26
        (3, 300, 9, D(2026, 10, 12), 500.0),  # customer 3 never shared a forecast
    ],
    schema={
        "rated_id": pl.Int64,
        "program_id": pl.Int64,
        "part_id": pl.Int64,
        "requested": pl.Date,
        "quantity": pl.Float64,
    },
    orient="row",
)


def by_month(frame: pl.DataFrame) -> dict[tuple[int, dt.date], tuple[float, float, float]]:
    return {
        (r["rated_id"], r["month"]): (r["numerator"], r["denominator"], r["value"])
        for r in frame.iter_rows(named=True)
    }


def accuracy(weeks: int) -> dict[tuple[int, dt.date], tuple[float, float, float]]:
    return by_month(ordered_against_forecast(SHARES, LINES, ORDERS, weeks, AS_OF))


def test_forecast_accuracy_4_weeks_out_takes_the_latest_share_before_the_cut():
    found = accuracy(4)
    # Customer 1, part 7, October; the cut is the Monday 4 weeks before the week's Monday:
    #   10-05: cut 09-07 00:00, share 2 came at 09:00: share 1 said 100, ordered 120: 20
    #   10-12: cut 09-14, share 2 said 100, ordered 150: 50
    #   10-19: cut 09-21, share 2 said 80, ordered 60 + 20 = 80: 0
    #   10-26: cut 09-28 00:00, share 2 said 50, nothing ordered: 50
    # Part 6, 10-19: share 2 said 30, nothing ordered: 30.
    # Sum |forecast - ordered| = 20 + 50 + 0 + 50 + 30 = 150; ordered 120 + 150 + 80 = 350.
    assert found[(1, OCT)] == (150.0, 350.0, pytest.approx(100 * (1 - 150 / 350)))
    # November, week 11-09: the share in force (3, of 09-28) does not reach it: forecast 0,
    # ordered 25: 100 x (1 - 25 / 25) = 0. Week 11-16 has not begun: its 70 are not judged.
    assert found[(1, NOV)] == (25.0, 25.0, 0.0)
    # Customer 2: share 4 said 40 a week; ordered 40, 40, 30, 50: 0 + 0 + 10 + 10 = 20 of 160.
    assert found[(2, OCT)] == (20.0, 160.0, pytest.approx(87.5))
    # Customer 3 never shared a forecast: no data (not 0). Program 101's 1000 are not judged
    # (customer 1 never shared a forecast of it); September had nothing ordered or forecast.
    assert {key for key in found if key[0] == 3} == set()
    assert (1, SEP) not in found and (2, NOV) not in found
    assert set(found) == {(1, OCT), (1, NOV), (2, OCT)}


def test_forecast_accuracy_8_and_12_weeks_out():
    found = accuracy(8)
    # Customer 1, 8 weeks out the cuts are 08-10, 08-17, 08-24 and 08-31: share 1 in force.
    #   10-05: 100 vs 120: 20; 10-12: 100 vs 150: 50; 10-19: 100 vs 80: 20;
    #   10-26: share 1 does not reach it, nothing ordered: not counted. Part 6: share 1 does
    #   not list it: 0 vs 0. Sum 90 of 350.
    assert found[(1, OCT)] == (90.0, 350.0, pytest.approx(100 * (1 - 90 / 350)))
    assert found[(2, OCT)] == (20.0, 160.0, pytest.approx(87.5))
    found = accuracy(12)
    # 12 weeks before October's weeks (07-13 .. 08-03 00:00) customer 1 had shared nothing of
    # program 100: no data. Week 11-09 (cut 08-17): share 1 in force, does not reach it: 0.
    assert (1, OCT) not in found
    assert found[(1, NOV)] == (25.0, 25.0, 0.0)
    # Customer 2's share of 06-01 is before every cut (07-13 .. 08-03): the same as 4 weeks.
    assert found[(2, OCT)] == (20.0, 160.0, pytest.approx(87.5))


def test_forecast_accuracy_never_below_zero():
    # Customer 2 orders ten times the forecast in week 10-05: |40 - 400| = 360, and the other
    # weeks 40 - 0 = 40 each (nothing ordered): 360 + 120 = 480 of 400 ordered: 1 - 1.2 < 0.
    orders = pl.DataFrame([(2, 200, 8, D(2026, 10, 5), 400.0)], schema=ORDERS.schema, orient="row")
    found = by_month(ordered_against_forecast(SHARES, LINES, orders, 4, AS_OF))
    assert found[(2, OCT)] == (480.0, 400.0, 0.0)


def test_forecast_stability_counts_changes_between_shares_inside_the_frozen_window():
    found = by_month(forecast_share_stability(SHARES, LINES, 4, AS_OF))
    # Customer 1's forecast items of October (said more than 0 by a share before the week):
    #   part 7, 10-05: 100 (share 1), then 120 by share 2 on 09-07 09:00, after the fence
    #     09-07 00:00: changed;
    #   part 7, 10-12: 100, 100, then 150 by share 3 on 09-28 (fence 09-14): changed;
    #   part 7, 10-19: 100, 80 by share 2 on 09-07 (before the fence 09-21), 80: unchanged;
    #   part 7, 10-26: only share 2 reaches it (share 3's 999 is past its horizon): its first
    #     forecast, no change;
    #   part 6, 10-19: 0 (share 1 reaches the week without it), 30 (share 2, before the
    #     fence), then share 3 leaves it out (0) on 09-28, after the fence 09-21: changed.
    # 3 of 5 items.
    assert found[(1, OCT)] == (3.0, 5.0, pytest.approx(60.0))
    # Customer 2 shared once: 4 items (40 in each October week), none changed.
    assert found[(2, OCT)] == (0.0, 4.0, 0.0)
    # No forecast said more than 0 for September or November: no data; customer 3 none.
    assert set(found) == {(1, OCT), (2, OCT)}


def test_no_forecast_shared_no_data():
    none = SHARES.clear()
    assert ordered_against_forecast(none, LINES.clear(), ORDERS, 4, AS_OF).is_empty()
    assert forecast_share_stability(none, LINES.clear(), 4, AS_OF).is_empty()
