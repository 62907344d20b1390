"""The metrics of a customer's card, set-based, like metrics.py; the definitions the product
states:

Forecast accuracy L weeks out (percent), for L = 4, 8, 12: for each build due in the month
(its last due date, once passed), the quantity its schedule said L weeks before that date
(the version in force then; nothing if the build was not scheduled yet) against what was
built (its last quantity; nothing if it was retired). 100 x (1 - sum |forecast - built| /
sum built), never below 0; a month whose builds were all retired unforecast has no data.

Forecast stability (percent): of the builds due in the month, the share the customer changed
(quantity, date, firmness or retirement) inside the frozen window: less than `frozen_weeks`
before the earlier of its due dates before and after the change. Changes by others (the EMS
moving a build for its own capacity) do not count against the customer.

BOM revisions after release (count): the new revisions created in the month of assemblies
that already had a released revision, among the month's new revisions (months without a new
revision have no data).

Decision latency: the partner's proposals to the customer (sources proposed for its parts) and
the customer's first decision, as responsiveness measures requests (metrics.responsiveness).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from accord.scorecards.metrics import RESULT_SCHEMA


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT_SCHEMA)


def _last_versions(versions: pl.DataFrame) -> pl.DataFrame:
    return (
        versions.sort("version")
        .group_by("build_id")
        .agg(
            pl.col("rated_id").last(),
            pl.col("due").last().alias("final_due"),
            pl.when(pl.col("retired").last())
            .then(0.0)
            .otherwise(pl.col("quantity").last())
            .alias("built"),
        )
    )


def forecast_accuracy(versions: pl.DataFrame, lag_weeks: int, as_of: dt.date) -> pl.DataFrame:
    """versions: build_id, rated_id, version, quantity, due (Date), retired (bool),
    changed_at (Datetime, naive UTC)."""
    if versions.is_empty():
        return _empty()
    finals = _last_versions(versions).filter(pl.col("final_due") < pl.lit(as_of))
    cutoffs = finals.with_columns(
        (pl.col("final_due") - pl.duration(weeks=lag_weeks)).cast(pl.Datetime("us")).alias("cut")
    ).sort("cut")
    in_force = cutoffs.join_asof(
        versions.with_columns(
            pl.when(pl.col("retired")).then(0.0).otherwise(pl.col("quantity")).alias("said")
        )
        .select("build_id", pl.col("changed_at").cast(pl.Datetime("us")), "said")
        .sort("changed_at"),
        left_on="cut",
        right_on="changed_at",
        by="build_id",
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,
    ).with_columns(pl.col("said").fill_null(0.0))
    counted = (
        in_force.with_columns(pl.col("final_due").dt.truncate("1mo").alias("month"))
        .group_by("rated_id", "month")
        .agg(
            (pl.col("said") - pl.col("built")).abs().sum().alias("numerator"),
            pl.col("built").sum().alias("denominator"),
        )
        .filter((pl.col("denominator") > 0) | (pl.col("numerator") > 0))
    )
    return (
        counted.with_columns(
            pl.when(pl.col("denominator") > 0)
            .then((1.0 - pl.col("numerator") / pl.col("denominator")).clip(lower_bound=0.0) * 100)
            .otherwise(0.0)
            .alias("value")
        )
        .select(list(RESULT_SCHEMA))
        .sort("rated_id", "month")
    )


def forecast_stability(versions: pl.DataFrame, frozen_weeks: int, as_of: dt.date) -> pl.DataFrame:
    """versions as forecast_accuracy takes them, with changed_by_customer (bool)."""
    if versions.is_empty():
        return _empty()
    ordered = versions.sort("build_id", "version").with_columns(
        pl.col("due").shift(1).over("build_id").alias("due_before")
    )
    inside = (
        ordered.filter(pl.col("version") > 1, pl.col("changed_by_customer"))
        .with_columns(
            (
                pl.col("changed_at").cast(pl.Date)
                > pl.min_horizontal("due_before", "due") - pl.duration(weeks=frozen_weeks)
            ).alias("inside")
        )
        .group_by("build_id")
        .agg(pl.col("inside").any())
    )
    month_end = pl.lit(as_of).dt.truncate("1mo")
    counted = (
        _last_versions(versions)
        .with_columns(pl.col("final_due").dt.truncate("1mo").alias("month"))
        .filter(pl.col("month") <= month_end)
        .join(inside, on="build_id", how="left")
        .group_by("rated_id", "month")
        .agg(
            pl.col("inside").fill_null(False).sum().cast(pl.Float64).alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
    )
    return (
        counted.with_columns((pl.col("numerator") / pl.col("denominator") * 100).alias("value"))
        .select(list(RESULT_SCHEMA))
        .sort("rated_id", "month")
    )


def revisions_after_release(boms: pl.DataFrame) -> pl.DataFrame:
    """boms: rated_id, program_id, assembly_id, created_at (Datetime), released (bool: the
    revision is or was released)."""
    if boms.is_empty():
        return _empty()
    ordered = boms.sort("created_at").with_columns(
        pl.col("released")
        .cast(pl.Int32)
        .cum_sum()
        .shift(1, fill_value=0)
        .over("program_id", "assembly_id")
        .alias("released_before"),
        pl.col("created_at").cast(pl.Date).dt.truncate("1mo").alias("month"),
    )
    counted = ordered.group_by("rated_id", "month").agg(
        (pl.col("released_before") > 0).sum().cast(pl.Float64).alias("numerator"),
        pl.len().cast(pl.Float64).alias("denominator"),
    )
    return (
        counted.with_columns(pl.col("numerator").alias("value"))
        .select(list(RESULT_SCHEMA))
        .sort("rated_id", "month")
    )
