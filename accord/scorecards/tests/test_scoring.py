"""Scores, weights, bands and the overall score, on values chosen so the arithmetic is plain."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from accord.core.errors import InvalidInput
from accord.scorecards.scoring import (
    Band,
    MetricSetting,
    check_settings,
    grade_of,
    metric_scores,
    monthly_scores,
    overall_scores,
)

SETTINGS = {
    "on_time": MetricSetting(weight=50, target=98, floor=80),
    "dppm": MetricSetting(weight=30, target=100, floor=1000),  # lower is better
    "cost": MetricSetting(weight=20, target=0, floor=5),  # lower is better
}
BANDS = [
    Band(90, "A", "none"),
    Band(75, "B", "none"),
    Band(60, "C", "warn"),
    Band(0, "D", "block"),
]
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def values(rows: list[tuple[int, dt.date, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"rated_id": pl.Int64, "month": pl.Date, "metric": pl.String, "value": pl.Float64},
        orient="row",
    )


def test_a_month_is_the_weighted_mean_of_the_metrics_with_data():
    scored = metric_scores(
        values(
            [
                (1, OCT, "on_time", 89.0),  # (89 - 80) / (98 - 80) = 0.5 -> 50
                (1, OCT, "dppm", 550.0),  # (550 - 1000) / (100 - 1000) = 0.5 -> 50
                (1, OCT, "cost", -1.25),  # (-1.25 - 5) / (0 - 5) = 1.25, clipped -> 100
                (1, NOV, "on_time", 80.0),  # at the floor -> 0
                (1, NOV, "dppm", None),  # no receipts: no data
                (1, NOV, "response_hours", 3.0),  # not weighed by this template: dropped
            ]
        ),
        SETTINGS,
    )
    months = {
        r["month"]: (r["score"], r["grade"], r["action"])
        for r in monthly_scores(scored, BANDS).iter_rows(named=True)
    }
    # October: (50 x 50 + 30 x 50 + 20 x 100) / 100 = 60, the lower edge of C (half-open).
    assert months[OCT] == (pytest.approx(60.0), "C", "warn")
    # November: only on-time has data; its 0 stands alone (were missing metrics scored 100 it
    # would be (0 x 50 + 100 x 50) / 100 = 50).
    assert months[NOV] == (0.0, "D", "block")


def test_bands_are_half_open_and_the_top_one_holds_100():
    assert grade_of(100.0, BANDS).grade == "A"
    assert grade_of(90.0, BANDS).grade == "A"
    assert grade_of(89.999, BANDS).grade == "B"
    assert grade_of(0.0, BANDS).grade == "D"
    assert grade_of(None, BANDS) is None


def test_the_overall_score_is_the_mean_of_the_last_twelve_months():
    months = pl.DataFrame(
        {
            "rated_id": [7] * 13,
            "month": pl.date_range(dt.date(2025, 10, 1), dt.date(2026, 10, 1), "1mo", eager=True),
            "score": [0.0] + [90.0] * 11 + [78.0],
        }
    )
    [row] = overall_scores(months, BANDS).iter_rows(named=True)
    # The oldest (0) falls out: (11 x 90 + 78) / 12 = 89.
    assert (row["months"], row["score"], row["grade"]) == (12, pytest.approx(89.0), "B")


def test_settings_are_checked():
    check_settings(SETTINGS, BANDS)
    with pytest.raises(InvalidInput, match="sum to 100"):
        check_settings({**SETTINGS, "cost": MetricSetting(10, 0, 5)}, BANDS)
    with pytest.raises(InvalidInput, match="target and the floor"):
        check_settings({**SETTINGS, "cost": MetricSetting(20, 5, 5)}, BANDS)
    with pytest.raises(InvalidInput, match="bands"):
        check_settings(SETTINGS, [Band(10, "A", "none")])
    with pytest.raises(InvalidInput, match="bands"):
        check_settings(SETTINGS, [Band(0, "A", "none"), Band(50, "A", "none")])
