"""From metric values to scores and grades, as the template says, set-based.

A metric's score is where its value lies between the floor (0 points) and the target (100
points), linearly, clipped to 0..100; it works both ways (for DPPM, cost variance and hours
the target is below the floor). A month's score is the weighted mean of the scores of the
metrics that have data that month: a metric without data is left out and its weight with it,
never scored 100; a month where no metric has data has no score. The grade is the band the
score falls in: bands are half-open [lower, next band's lower), the top one includes 100.
The overall score is the mean of the monthly scores of the last 12 months that have one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from accord.core.errors import InvalidInput

OVERALL_MONTHS = 12


@dataclass(frozen=True)
class MetricSetting:
    weight: float
    target: float
    floor: float


@dataclass(frozen=True)
class Band:
    lower: float
    grade: str
    action: str


def check_settings(settings: Mapping[str, MetricSetting], bands: Sequence[Band]) -> None:
    """Weights sum to 100; each target differs from its floor; bands start at 0, rise, end
    at or under 100, and name distinct grades."""
    total = sum(s.weight for s in settings.values())
    if any(s.weight < 0 for s in settings.values()) or abs(total - 100) > 1e-9:
        raise InvalidInput(
            f"weights: they must be zero or more and sum to 100 (they sum to {total:g}).",
            detail={"field": "weights"},
        )
    for metric, s in settings.items():
        if s.target == s.floor:
            raise InvalidInput(
                f"{metric}: the target and the floor must differ.", detail={"field": metric}
            )
    lowers = [b.lower for b in bands]
    if not bands or min(lowers) != 0 or max(lowers) > 100 or len(set(lowers)) != len(lowers):
        raise InvalidInput(
            "bands: the lowest starts at 0, each starts at a different score, none above 100.",
            detail={"field": "bands"},
        )
    if len({b.grade for b in bands}) != len(bands) or any(not b.grade.strip() for b in bands):
        raise InvalidInput("bands: each names a different grade.", detail={"field": "bands"})


def metric_scores(values: pl.DataFrame, settings: Mapping[str, MetricSetting]) -> pl.DataFrame:
    """values: rated_id, month, metric, value (nulls dropped). Adds score (0..100) and weight;
    metrics the template does not weigh are dropped."""
    table = pl.DataFrame(
        {
            "metric": list(settings),
            "weight": [s.weight for s in settings.values()],
            "target": [s.target for s in settings.values()],
            "floor": [s.floor for s in settings.values()],
        },
        schema={
            "metric": pl.String,
            "weight": pl.Float64,
            "target": pl.Float64,
            "floor": pl.Float64,
        },
    )
    return (
        values.drop_nulls("value")
        .join(table.filter(pl.col("weight") > 0), on="metric")
        .with_columns(
            (
                ((pl.col("value") - pl.col("floor")) / (pl.col("target") - pl.col("floor"))).clip(
                    0.0, 1.0
                )
                * 100.0
            ).alias("score")
        )
        .drop("target", "floor")
    )


def monthly_scores(scored: pl.DataFrame, bands: Sequence[Band]) -> pl.DataFrame:
    """scored: as metric_scores answers. One row per rated party and month with data: score
    (the weighted mean), grade and action of its band."""
    months = scored.group_by("rated_id", "month").agg(
        ((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("score")
    )
    return with_grades(months, bands).sort("rated_id", "month")


def with_grades(frame: pl.DataFrame, bands: Sequence[Band], column: str = "score") -> pl.DataFrame:
    """Adds grade and action: the band whose [lower, next lower) holds the score (the top band
    holds 100 too)."""
    ordered = sorted(bands, key=lambda b: b.lower, reverse=True)
    grade = pl.lit(None, dtype=pl.String)
    action = pl.lit(None, dtype=pl.String)
    for band in reversed(ordered):  # the highest band checked first: it wins
        grade = pl.when(pl.col(column) >= band.lower).then(pl.lit(band.grade)).otherwise(grade)
        action = pl.when(pl.col(column) >= band.lower).then(pl.lit(band.action)).otherwise(action)
    return frame.with_columns(grade.alias("grade"), action.alias("action"))


def grade_of(score: float | None, bands: Sequence[Band]) -> Band | None:
    if score is None:
        return None
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if score >= band.lower:
            return band
    return None


def overall_scores(months: pl.DataFrame, bands: Sequence[Band]) -> pl.DataFrame:
    """One row per rated party: the mean of its last OVERALL_MONTHS monthly scores, with the
    grade of that mean."""
    overall = (
        months.sort("month", descending=True)
        .group_by("rated_id", maintain_order=True)
        .head(OVERALL_MONTHS)
        .group_by("rated_id")
        .agg(pl.col("score").mean().alias("score"), pl.len().alias("months"))
    )
    return with_grades(overall, bands).sort("rated_id")
