"""The metrics of a customer's card, set-based, like metrics.py; the definitions the product
states.

Which records count. A customer whose programs the rater builds (the rater takes part in
them and is neither a supplier nor a distributor) is rated on forecast accuracy and stability
from their build schedules. Any other customer, one that orders from the rater (a supplier's
or a distributor's customers, or an EMS's buyers that are not program owners it builds for),
is rated from the forecasts it shared with the rater and the purchase orders it sent it. One
value per customer, month and metric: a program owner the rater builds for is rated from the
schedules only, even when it also orders from the rater (the schedule is the fuller record of
its demand; its orders are not counted a second time). A supplier or distributor never sees
its customers' build schedules or BOMs (need-to-know): its cards count neither, so BOM
revisions after release have no data on them.

From build schedules:

Forecast accuracy L weeks out (percent), for L = 4, 8, 12: for each build due in the month
(its last due date, once passed), the quantity its schedule said L weeks before that date
(the version in force then; nothing if the build was not scheduled yet) against what was
built (its last quantity; nothing if it was retired). 100 x (1 - sum |forecast - built| /
sum built), never below 0; a month whose builds were all retired unforecast has no data.

Forecast stability (percent): of the builds due in the month, the share the customer changed
(quantity, date, firmness or retirement) inside the frozen window: less than `frozen_weeks`
before the earlier of its due dates before and after the change. Changes by others (the EMS
moving a build for its own capacity) do not count against the customer.

From forecasts shared and orders received (a week is the one starting on a Monday, counted in
the month of that Monday, and judged from that Monday on):

Forecast accuracy L weeks out (percent), for L = 4, 8, 12: for each part and week, "ordered"
is the quantity of the customer's order lines to the rater whose requested date falls in the
week (orders issued and not cancelled, lines not cancelled); "forecast" is, added up over the
customer's programs, what the latest forecast of the program it shared with the rater before
the Monday L weeks before the week said for the part in that week (0 when that forecast does
not list the part or does not reach that week). Every part and week ordered or forecast
counts: 100 x (1 - sum |forecast - ordered| / sum ordered), never below 0 (0 when something
was forecast and nothing ordered). The orders of a program the customer had shared no
forecast of by then are not counted: a customer is judged on the forecasts it gives, so one
that never shares a forecast has no data, not 0. A month with nothing ordered or forecast has
no data.

Forecast stability (percent): of the parts and weeks of the month that a forecast shared
before the week began said more than 0 for, the share the customer changed inside the frozen
window: a forecast shared less than `frozen_weeks` before the week began said another
quantity for it than the customer's forecast of the same program before it (a forecast that
reaches the week but leaves the part out says 0; a week's first forecast is no change). Only
the customer's own forecasts count; an order placed at short notice for a quantity nobody
forecast shows in forecast accuracy, not here. A customer that shares no forecast has no data.

BOM revisions after release (count): the new revisions created in the month of assemblies
that already had a released revision, among the month's new revisions (months without a new
revision have no data).

Decision latency: the partner's proposals to the customer (sources proposed for its parts) and
the customer's first decision, as responsiveness measures requests (metrics.responsiveness).

Responsiveness (median hours, and percent answered within the SLA): the questions the rater
asked the customer in threads (a shared post mentioning its people, an action item given to
one of them) and the customer's first shared answer in the thread, or its closing the item,
measured as on a supplier's card (metrics.py; threads/queries.py): each side's card shows the
other's answers, so the two cards between a buyer and its partner measure both ways. Shown
with weight 0 until the organisation weighs it.

Invoices paid on time (percent): the rater's invoices to the customer (the invoices of their
agreements it issued), counted in the month of their due date: of the invoices due in the
month that are paid, or unpaid and past due on the day of the computation, the share paid on
or before the due date. An unpaid invoice past due counts as late; one not yet due and unpaid
is not counted yet (it is pending). The day paid is the one the customer records; an invoice
is due on the date entered with it, else its date plus the agreement's payment terms (net
days). Invoices entered before due dates were kept have none and are not counted. Example:
four invoices due in November, paid early, paid on the due day, paid a day late and unpaid
(the computation in December): 2 of 4, 50%; one due in December, unpaid and not yet due, is
not counted.
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


# From forecasts shared and orders received ---------------------------------------------------
# shares: share_id, rated_id (the customer), program_id, shared_at (Datetime, naive UTC),
#   week_start (Date, a Monday), horizon (weeks).
# lines: share_id, part_id, quantities (List[Float64]: one per week from week_start).
# orders: rated_id, program_id, part_id, requested (Date), quantity.

PROGRAM_WEEK = ["rated_id", "program_id", "week"]
ITEM = ["rated_id", "program_id", "part_id", "week"]


def _midnight(column: str, weeks_before: int) -> pl.Expr:
    return (pl.col(column) - pl.duration(weeks=weeks_before)).cast(pl.Datetime("us"))


def forecast_weeks(shares: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """Every quantity a forecast said: share_id, rated_id, program_id, shared_at, part_id,
    week, said. Quantities past the share's horizon are not part of what it said."""
    return (
        lines.join(shares, on="share_id")
        .with_columns(pl.col("quantities").list.head(pl.col("horizon")))
        .with_columns(pl.int_ranges(0, pl.col("quantities").list.len()).alias("offset"))
        .explode("quantities", "offset")
        .filter(pl.col("offset").is_not_null())
        .select(
            "share_id",
            "rated_id",
            "program_id",
            "shared_at",
            "part_id",
            (pl.col("week_start") + pl.duration(weeks=pl.col("offset"))).alias("week"),
            pl.col("quantities").fill_null(0.0).alias("said"),
        )
    )


def _ordered_weeks(orders: pl.DataFrame) -> pl.DataFrame:
    return (
        orders.with_columns(pl.col("requested").dt.truncate("1w").alias("week"))
        .group_by(ITEM)
        .agg(pl.col("quantity").sum().alias("ordered"))
    )


def _monthly(per_item: pl.DataFrame) -> pl.DataFrame:
    """per_item: rated_id, week, numerator, denominator -> the month's ratio in percent."""
    counted = (
        per_item.with_columns(pl.col("week").dt.truncate("1mo").alias("month"))
        .group_by("rated_id", "month")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .filter((pl.col("denominator") > 0) | (pl.col("numerator") > 0))
    )
    return counted.with_columns(
        pl.when(pl.col("denominator") > 0)
        .then((1.0 - pl.col("numerator") / pl.col("denominator")).clip(lower_bound=0.0) * 100)
        .otherwise(0.0)
        .alias("value")
    )


def forecast_items(
    shares: pl.DataFrame,
    lines: pl.DataFrame,
    orders: pl.DataFrame,
    lag_weeks: int,
    as_of: dt.date,
) -> pl.DataFrame:
    """The parts and weeks forecast accuracy judges: rated_id, part_id, week, forecast (what
    the latest share of each program before the Monday lag_weeks earlier said, added up over
    the programs) and ordered. Weeks of a program with no share by then are left out."""
    said = forecast_weeks(shares, lines)
    ordered = _ordered_weeks(orders)
    weeks = (
        pl.concat([ordered.select(PROGRAM_WEEK), said.select(PROGRAM_WEEK)])
        .unique()
        .filter(pl.col("week") <= pl.lit(as_of))
        .with_columns(_midnight("week", lag_weeks).alias("cut"))
        .sort("cut")
    )
    in_force = weeks.join_asof(
        shares.select("rated_id", "program_id", "shared_at", "share_id").sort("shared_at"),
        left_on="cut",
        right_on="shared_at",
        by=["rated_id", "program_id"],
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,
    ).filter(pl.col("share_id").is_not_null())
    forecast = said.join(
        in_force.select(*PROGRAM_WEEK, "share_id"), on=[*PROGRAM_WEEK, "share_id"]
    ).select(*ITEM, "said")
    judged = ordered.join(in_force, on=PROGRAM_WEEK, how="semi")
    return (
        forecast.join(judged, on=ITEM, how="full", coalesce=True)
        .group_by("rated_id", "part_id", "week")
        .agg(
            pl.col("said").fill_null(0.0).sum().alias("forecast"),
            pl.col("ordered").fill_null(0.0).sum(),
        )
        .filter((pl.col("forecast") > 0) | (pl.col("ordered") > 0))
    )


def ordered_against_forecast(
    shares: pl.DataFrame,
    lines: pl.DataFrame,
    orders: pl.DataFrame,
    lag_weeks: int,
    as_of: dt.date,
) -> pl.DataFrame:
    """Forecast accuracy lag_weeks out from forecasts shared and orders received."""
    if shares.is_empty():
        return _empty()
    items = forecast_items(shares, lines, orders, lag_weeks, as_of)
    per_item = items.select(
        "rated_id",
        "week",
        (pl.col("forecast") - pl.col("ordered")).abs().alias("numerator"),
        pl.col("ordered").alias("denominator"),
    )
    return _monthly(per_item).select(list(RESULT_SCHEMA)).sort("rated_id", "month")


def forecast_changes(
    shares: pl.DataFrame, lines: pl.DataFrame, frozen_weeks: int, as_of: dt.date
) -> pl.DataFrame:
    """The forecast items of the weeks begun by as_of: rated_id, part_id, week, changed
    (inside the frozen window). One row per share reaching a week, for every part of its
    program's forecasts: a part a share leaves out it says 0 of."""
    reaching = (
        shares.with_columns(pl.int_ranges(0, pl.col("horizon")).alias("offset"))
        .explode("offset")
        .filter(pl.col("offset").is_not_null())
        .with_columns((pl.col("week_start") + pl.duration(weeks=pl.col("offset"))).alias("week"))
        .filter(
            pl.col("week") <= pl.lit(as_of),
            pl.col("shared_at") < pl.col("week").cast(pl.Datetime("us")),
        )
        .select("share_id", "rated_id", "program_id", "shared_at", "week")
    )
    parts = (
        lines.join(shares.select("share_id", "rated_id", "program_id"), on="share_id")
        .select("rated_id", "program_id", "part_id")
        .unique()
    )
    said = forecast_weeks(shares, lines).select("share_id", "part_id", "week", "said")
    return (
        reaching.join(parts, on=["rated_id", "program_id"])
        .join(said, on=["share_id", "part_id", "week"], how="left")
        .with_columns(pl.col("said").fill_null(0.0))
        .sort("shared_at", "share_id")
        .with_columns(pl.col("said").shift(1).over(ITEM).alias("before"))
        .with_columns(
            (
                pl.col("before").is_not_null()
                & (pl.col("said") != pl.col("before"))
                & (pl.col("shared_at") >= _midnight("week", frozen_weeks))
            ).alias("changed")
        )
        .group_by("rated_id", "part_id", "week")
        .agg(pl.col("changed").any(), (pl.col("said") > 0).any().alias("forecast"))
        .filter(pl.col("forecast"))
        .drop("forecast")
    )


def forecast_share_stability(
    shares: pl.DataFrame, lines: pl.DataFrame, frozen_weeks: int, as_of: dt.date
) -> pl.DataFrame:
    """Forecast stability from forecasts shared: the share of forecast items changed inside
    the frozen window, in percent (the schedule's stability counts the same way)."""
    if shares.is_empty():
        return _empty()
    items = forecast_changes(shares, lines, frozen_weeks, as_of)
    counted = (
        items.with_columns(pl.col("week").dt.truncate("1mo").alias("month"))
        .group_by("rated_id", "month")
        .agg(
            pl.col("changed").sum().cast(pl.Float64).alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
    )
    return (
        counted.with_columns((pl.col("numerator") / pl.col("denominator") * 100).alias("value"))
        .select(list(RESULT_SCHEMA))
        .sort("rated_id", "month")
    )


def payment_on_time(invoices: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """invoices: rated_id (the customer), due (Date, null when not kept), paid_on (Date, null
    when unpaid)."""
    counted = judged_payments(invoices, as_of).filter(pl.col("counted"))
    if counted.is_empty():
        return _empty()
    return (
        counted.group_by("rated_id", pl.col("due").dt.truncate("1mo").alias("month"))
        .agg(
            pl.col("on_time").sum().cast(pl.Float64).alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
        .with_columns((pl.col("numerator") / pl.col("denominator") * 100).alias("value"))
        .select(list(RESULT_SCHEMA))
        .sort("rated_id", "month")
    )


def judged_payments(invoices: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The invoices with a due date, each with on_time (paid on or before it) and counted
    (paid, or unpaid and past due on as_of)."""
    paid = pl.col("paid_on").is_not_null()
    return invoices.filter(pl.col("due").is_not_null()).with_columns(
        (paid & (pl.col("paid_on") <= pl.col("due"))).alias("on_time"),
        (paid | (pl.col("due") < pl.lit(as_of))).alias("counted"),
    )
