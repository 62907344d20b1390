"""The metrics on months computed by hand, the arithmetic written out beside each figure."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from accord.scorecards.choices import CountingUnit
from accord.scorecards.metrics import (
    OnTimeRule,
    cost_variance,
    inventory_under_min,
    on_time_delivery,
    quality_dppm,
    responsiveness,
)

D = dt.date
OCT, NOV, SEP = D(2026, 10, 1), D(2026, 11, 1), D(2026, 9, 1)
AS_OF = D(2026, 11, 15)
RULE = dict(days_early=3, days_late=2)

# Supplier 1. Windows run from 3 days before to 2 days after the due date.
LINES = pl.DataFrame(
    [
        # line, order, rated, due, quantity
        (1, 1, 1, D(2026, 10, 10), 100.0),  # all 100 on 10-09, inside 10-07..10-12: on time
        (2, 1, 1, D(2026, 10, 10), 50.0),  # 30 (3 rejected) on 10-10, 20 on 10-14 (late)
        (3, 2, 1, D(2026, 10, 20), 200.0),  # all on 10-15, before 10-17: early, not on time
        (4, 3, 1, D(2026, 10, 31), 10.0),  # received 11-02, inside 10-28..11-02: October, on time
        (5, 3, 1, D(2026, 11, 20), 40.0),  # nothing yet, window open: pending
        (6, 5, 1, D(2026, 11, 5), 60.0),  # all on 11-05: on time
        (7, 4, 1, D(2026, 11, 14), 5.0),  # 2 on 11-14, window open until 11-16: pending
        (8, 6, 2, D(2026, 9, 15), 10.0),  # supplier 2: on time in September
        (9, 7, 2, D(2026, 9, 20), 10.0),  # all 10 in time, 2 rejected and never replaced
    ],
    schema=["line_id", "order_id", "rated_id", "due", "quantity"],
    orient="row",
)
RECEIPTS = pl.DataFrame(
    [
        # line, received on, quantity, rejected
        (1, D(2026, 10, 9), 100.0, 0.0),
        (2, D(2026, 10, 10), 30.0, 3.0),
        (2, D(2026, 10, 14), 20.0, 0.0),
        (3, D(2026, 10, 15), 200.0, 1.0),
        (4, D(2026, 11, 2), 10.0, 0.0),
        (6, D(2026, 11, 5), 60.0, 0.0),
        (7, D(2026, 11, 14), 2.0, 0.0),
        (8, D(2026, 9, 15), 10.0, 0.0),
        (9, D(2026, 9, 20), 10.0, 2.0),
    ],
    schema=["line_id", "received_on", "quantity", "rejected"],
    orient="row",
)


def by_month(frame: pl.DataFrame) -> dict[tuple[int, dt.date], tuple[float, float, float]]:
    return {
        (r["rated_id"], r["month"]): (r["numerator"], r["denominator"], r["value"])
        for r in frame.iter_rows(named=True)
    }


def otd(unit: str) -> dict[tuple[int, dt.date], tuple[float, float, float]]:
    return by_month(on_time_delivery(LINES, RECEIPTS, OnTimeRule(**RULE, unit=unit), AS_OF))


def test_on_time_per_line():
    # October: lines 1 and 4 on time, 2 (partly late) and 3 (early) not: 2 of 4.
    # November: line 6 on time; 5 and 7 are pending (window open, not complete): 1 of 1.
    # Supplier 2 in September: line 8 on time; line 9 came in time but 2 were rejected and
    # never replaced: 8 accepted of 10 is not complete. 1 of 2.
    assert otd(CountingUnit.LINE) == {
        (1, OCT): (2.0, 4.0, 50.0),
        (1, NOV): (1.0, 1.0, 100.0),
        (2, SEP): (1.0, 2.0, 50.0),
    }


def test_on_time_per_delivery_the_lines_of_an_order_due_on_one_date():
    # October deliveries: order 1 on 10-10 (line 2 late: late), order 2 on 10-20 (early: late),
    # order 3 on 10-31 (on time): 1 of 3. November: order 5 on 11-05 on time; order 3 on
    # 11-20 and order 4 on 11-14 are pending: 1 of 1.
    numerator, denominator, value = otd(CountingUnit.DELIVERY)[(1, OCT)]
    assert (numerator, denominator) == (1.0, 3.0)
    assert value == pytest.approx(100 / 3)
    assert otd(CountingUnit.DELIVERY)[(1, NOV)] == (1.0, 1.0, 100.0)


def test_on_time_per_quantity_credits_the_part_received_in_the_window():
    # October: ordered 100 + 50 + 200 + 10 = 360; accepted inside the window
    # 100 + (30 - 3 rejected) + 0 (early) + 10 = 137.
    numerator, denominator, value = otd(CountingUnit.QUANTITY)[(1, OCT)]
    assert (numerator, denominator) == (137.0, 360.0)
    assert value == pytest.approx(137 / 360 * 100)  # 38.06 %
    assert otd(CountingUnit.QUANTITY)[(1, NOV)] == (60.0, 60.0, 100.0)
    # Supplier 2 in September: 10 + 8 accepted of 10 + 10 ordered.
    assert otd(CountingUnit.QUANTITY)[(2, SEP)] == (18.0, 20.0, 90.0)


def test_a_window_that_has_passed_decides_a_line_received_nothing():
    # On 11-23 line 5's window (11-17..11-22) has passed with nothing received: not on time.
    # Line 7's (11-11..11-16) has passed with 2 of 5: not on time. November: 1 of 3 lines.
    later = on_time_delivery(
        LINES, RECEIPTS, OnTimeRule(**RULE, unit=CountingUnit.LINE), D(2026, 11, 23)
    )
    assert by_month(later)[(1, NOV)] == (1.0, 3.0, pytest.approx(100 / 3))


def test_quality_dppm_per_month_of_receipt():
    receipts = RECEIPTS.join(LINES.select("line_id", "rated_id"), on="line_id")
    found = by_month(quality_dppm(receipts))
    # October receipts of supplier 1: 100 + 30 + 20 + 200 = 350, rejected 3 + 1 = 4.
    assert found[(1, OCT)][:2] == (4.0, 350.0)
    assert found[(1, OCT)][2] == pytest.approx(4 / 350 * 1_000_000)  # 11,428.57 DPPM
    # November: 10 + 60 + 2 = 72 received, none rejected: 0 DPPM, not "no data".
    assert found[(1, NOV)] == (0.0, 72.0, 0.0)
    # Supplier 2 received nothing in October or November: no row, no data.
    assert (2, OCT) not in found and (2, NOV) not in found


def test_responsiveness_median_hours_and_share_within_the_sla():
    t = dt.datetime
    requests = pl.DataFrame(
        {
            "rated_id": [1, 1, 1, 1, 1, 1],
            "asked_at": [
                t(2026, 10, 1, 8),
                t(2026, 10, 2, 8),
                t(2026, 10, 3, 0),
                t(2026, 10, 5, 0),  # never answered: 41 days 12 hours by the 15th at noon
                t(2026, 11, 10, 0),
                t(2026, 11, 15, 0),  # unanswered for 12 hours, under the SLA: pending
            ],
            "answered_at": [
                t(2026, 10, 1, 20),  # 12 h
                t(2026, 10, 4, 8),  # 48 h
                t(2026, 10, 3, 6),  # 6 h
                None,
                t(2026, 11, 11, 0),  # 24 h: within a 24-hour SLA
                None,
            ],
        }
    )
    median, within = responsiveness(requests, 24.0, t(2026, 11, 15, 12))
    # October hours: 12, 48, 6 and 996 (41.5 days) -> median (12 + 48) / 2 = 30.
    assert by_month(median)[(1, OCT)] == (30.0, 4.0, 30.0)
    # Within 24 h: 12 and 6 -> 2 of 4.
    assert by_month(within)[(1, OCT)] == (2.0, 4.0, 50.0)
    assert by_month(median)[(1, NOV)] == (24.0, 1.0, 24.0)
    assert by_month(within)[(1, NOV)] == (1.0, 1.0, 100.0)


def test_cost_variance_against_the_reference_price():
    lines = pl.DataFrame(
        {
            "rated_id": [1, 1, 1],
            "issued_on": [D(2026, 10, 2), D(2026, 10, 20), D(2026, 10, 21)],
            "quantity": [100.0, 300.0, 1000.0],
            "unit_price": [1.10, 0.95, 2.0],
            "reference_price": [1.00, 1.00, None],  # no quote: left out
        }
    )
    numerator, denominator, value = by_month(cost_variance(lines))[(1, OCT)]
    # 100 x 1.10 + 300 x 0.95 = 395 paid against 400 quoted: 395 / 400 - 1 = -1.25 %.
    assert (numerator, denominator) == (pytest.approx(395.0), pytest.approx(400.0))
    assert value == pytest.approx(-1.25)


def test_inventory_under_min_at_each_month_end_from_the_ledger():
    t = dt.datetime
    items = pl.DataFrame(
        {"rated_id": [1, 1], "site_id": [1, 1], "part_id": [1, 2], "min_level": [50.0, 10.0]}
    )
    moves = pl.DataFrame(
        {
            "site_id": [1, 1, 1, 1, 1, 1],
            "part_id": [1, 1, 1, 1, 2, 2],
            "stock_id": [11, 11, 11, 12, 21, 21],  # 12: the same part consigned by a customer
            "at": [
                t(2026, 9, 10),
                t(2026, 10, 20),
                t(2026, 11, 3),
                t(2026, 10, 25),
                t(2026, 10, 31, 23),
                t(2026, 11, 1, 0),  # the first moment of November: not October's end
            ],
            "balance_after": [80.0, 40.0, 60.0, 15.0, 5.0, 20.0],
        }
    )
    found = by_month(inventory_under_min(items, moves, SEP, NOV))
    # September's end: part 1 80 >= 50; part 2 no stock yet, 0 < 10: 1 of 2 under.
    assert found[(1, SEP)] == (1.0, 2.0, 50.0)
    # October's end: part 1 40 + 15 (all owners) = 55 >= 50; part 2 5 < 10: 1 of 2.
    assert found[(1, OCT)] == (1.0, 2.0, 50.0)
    # November's end: part 1 60 + 15 = 75; part 2 20: none under.
    assert found[(1, NOV)] == (0.0, 2.0, 0.0)


def test_nothing_in_nothing_out():
    empty = LINES.clear()
    assert on_time_delivery(empty, RECEIPTS.clear(), OnTimeRule(), AS_OF).is_empty()
    assert quality_dppm(RECEIPTS.clear().with_columns(rated_id=pl.lit(1))).is_empty()
