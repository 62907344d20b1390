"""A customer's metrics on a schedule computed by hand: forecast accuracy 4, 8 and 12 weeks out,
stability inside the frozen window, BOM revisions after release."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from accord.scorecards.customer_metrics import (
    forecast_accuracy,
    forecast_stability,
    revisions_after_release,
)

D, T = dt.date, dt.datetime
OCT, NOV, SEP = D(2026, 10, 1), D(2026, 11, 1), D(2026, 9, 1)
AS_OF = D(2026, 11, 15)

VERSIONS = pl.DataFrame(
    [
        # build, customer, version, quantity, due, retired, changed at, by the customer
        (10, 1, 1, 100.0, D(2026, 10, 20), False, T(2026, 7, 1), True),
        (10, 1, 2, 120.0, D(2026, 10, 20), False, T(2026, 8, 25, 10), True),
        (10, 1, 3, 150.0, D(2026, 10, 20), False, T(2026, 10, 10), True),  # inside 4 weeks
        (11, 1, 1, 50.0, D(2026, 10, 5), False, T(2026, 9, 20), True),  # scheduled late
        (12, 1, 1, 80.0, D(2026, 10, 28), False, T(2026, 6, 1), True),
        (12, 1, 2, 80.0, D(2026, 10, 28), True, T(2026, 10, 20), False),  # retired by the EMS
        (13, 1, 1, 10.0, D(2026, 11, 30), False, T(2026, 8, 1), True),  # not due yet
    ],
    schema={
        "build_id": pl.Int64,
        "rated_id": pl.Int64,
        "version": pl.Int64,
        "quantity": pl.Float64,
        "due": pl.Date,
        "retired": pl.Boolean,
        "changed_at": pl.Datetime("us"),
        "changed_by_customer": pl.Boolean,
    },
    orient="row",
)


def by_month(frame: pl.DataFrame) -> dict[tuple[int, dt.date], tuple[float, float, float]]:
    return {
        (r["rated_id"], r["month"]): (r["numerator"], r["denominator"], r["value"])
        for r in frame.iter_rows(named=True)
    }


def test_forecast_accuracy_weeks_out():
    # Built in October: build 10 150 (its last version), 11 50, 12 0 (retired): 200.
    # 4 weeks out (10-20 - 4 w = 09-22; 10-05 - 4 w = 09-07; 10-28 - 4 w = 09-30):
    #   10 said 120 (v2), 11 nothing yet, 12 said 80: |120-150| + |0-50| + |80-0| = 160.
    assert by_month(forecast_accuracy(VERSIONS, 4, AS_OF)) == {
        (1, OCT): (160.0, 200.0, pytest.approx(20.0))  # 100 x (1 - 160 / 200)
    }
    # 8 weeks out (08-25 00:00: v2 came ten hours later): 10 said 100: 50 + 50 + 80 = 180.
    assert by_month(forecast_accuracy(VERSIONS, 8, AS_OF))[(1, OCT)] == (
        180.0,
        200.0,
        pytest.approx(10.0),
    )
    # 12 weeks out the same: 10 said 100 (v1 of 07-01), 11 nothing, 12 said 80.
    assert by_month(forecast_accuracy(VERSIONS, 12, AS_OF))[(1, OCT)][:2] == (180.0, 200.0)
    # Build 13 is due on 11-30, after the 15th: not judged yet.
    assert (1, NOV) not in by_month(forecast_accuracy(VERSIONS, 4, AS_OF))


def test_forecast_stability_counts_the_customers_changes_inside_the_frozen_window():
    found = by_month(forecast_stability(VERSIONS, 4, AS_OF))
    # October: build 10 changed on 10-10, inside 09-22..10-20; its 08-25 change was outside.
    # Build 11 never changed; build 12 was retired by the EMS, not the customer: 1 of 3.
    assert found[(1, OCT)] == (1.0, 3.0, pytest.approx(100 / 3))
    # November: build 13 (due 11-30) never changed: 0 of 1.
    assert found[(1, NOV)] == (0.0, 1.0, 0.0)


def test_bom_revisions_after_release():
    boms = pl.DataFrame(
        [
            (1, 1, 5, T(2026, 9, 1), True),  # rev A of assembly 5, released
            (1, 1, 5, T(2026, 10, 3), False),  # rev B after a release: counts
            (1, 1, 6, T(2026, 10, 10), False),  # assembly 6 rev A, a draft
            (1, 1, 6, T(2026, 10, 12), False),  # rev B: A was never released
        ],
        schema=["rated_id", "program_id", "assembly_id", "created_at", "released"],
        orient="row",
    )
    found = by_month(revisions_after_release(boms))
    assert found[(1, SEP)] == (0.0, 1.0, 0.0)
    assert found[(1, OCT)] == (1.0, 3.0, 1.0)
