"""The scorecard metrics, set-based over columnar frames: each takes the rows of every rated
party at once and answers one row per (rated party, month) with its numerator, denominator
and value. Nothing here reads the database (queries.py gathers the frames through access.py);
the definitions below are the ones the product states on its "How scores are computed" page.

On-time delivery (percent). A purchase-order line is due on its supplier-confirmed date, else
its requested date (or always the requested date, if the template says so); its on-time window
runs from `days_early` before to `days_late` after that date, both included. Only what is
received inside the window counts as on time; receipts before it are early, after it late.
Cancelled lines are left out. A line is counted in the month it is due, once decided: received
complete inside the window (on time), or its window has passed without that (not on time);
a line whose window is still open and that is not yet complete is pending and not counted yet.
The counting unit decides what is counted:
- `delivery` (the default): a scheduled delivery, the lines of one order due on one date; on
  time when every one of its lines is complete inside the window;
- `line`: each order line;
- `quantity`: the ordered quantity, of which the part received inside the window (up to the
  ordered quantity) is on time. Only under this unit does a partial delivery earn anything.
What incoming inspection rejects is not delivered: a line is complete when the quantity
accepted inside the window reaches the ordered quantity (parts returned must be replaced in
time), and quality counts the rejections besides.

Quality (DPPM): rejected quantity / received quantity x 1,000,000 over the receipts of the
month; a month with receipts and no rejection is 0, a month without receipts has no data.

Responsiveness: for each request to the rated party, the hours to the first answer. Requests
are the purchase orders issued to it (answered by their acknowledgement) and the questions the
rating organisation asked it in threads: a shared post mentioning its people, or an action
item given to one of them, answered by its first shared post in the thread after it (internal
notes never count) or by its closing the item (threads/queries.py says it all). Median
hours, and the share (percent) answered within the SLA, in the month the request was made. A
request still unanswered counts once its SLA has passed (as missed: not within, its hours so
far as a lower bound); before that it is pending and not counted. Example, SLA 24 hours: four
questions in a month answered after 6 and 30 hours, one item closed by its owner after 12 and
one unanswered for 891 hours: median (12 + 30) / 2 = 21 hours, within the SLA 2 of 4, 50%.
A customer's card counts its answers to the rater's questions in threads the same way.

Cost (variance percent): for order lines with a unit price and a reference price (the agreed
or quoted price for that quantity), (sum of price x quantity / sum of reference x quantity - 1)
x 100, in the month the order was issued. Negative: cheaper than agreed. The supplier's
invoices checked against the agreement count too, in the month of the invoice date: the
invoiced total adds to the first sum and the total the check agreed to (the agreed prices and
fees, what was received, Appendix A) to the second. An invoice counts when a signed version of
the agreement was in force at its PO's date and it is in that version's currency. Example: a
line of 1,000 at 1.10 quoted at 1.00 (1,100 against 1,000) and an invoice of 50,720.00 of
which the check agreed 49,750.00 in the same month: (51,820 / 50,750 - 1) x 100 = +2.11%.

Inventory under Min (percent): of the rated party's items (a part at a site with a Min level
above zero that the party supplies or manages), the share whose stock at the site (all owners)
was under the Min level at the month's end, from the stock ledger's balances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from accord.scorecards.choices import CountingUnit
from accord.scorecards.grouping import MonthGroups, days_of, positions, today_number

RESULT_SCHEMA = {
    "rated_id": pl.Int64,
    "month": pl.Date,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
}


_SUMS_SCHEMA = {k: v for k, v in RESULT_SCHEMA.items() if k != "value"}


@dataclass(frozen=True)
class OnTimeRule:
    days_early: int = 3
    days_late: int = 0
    unit: str = CountingUnit.DELIVERY


def _month(column: str) -> pl.Expr:
    return pl.col(column).dt.truncate("1mo").alias("month")


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT_SCHEMA)


def _ratio(frame: pl.DataFrame, scale: float) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col("numerator") / pl.col("denominator") * scale).alias("value")
    ).select(list(RESULT_SCHEMA))


@dataclass(frozen=True)
class Judged:
    """Lines (due not null, in id order) with, per line, the quantity accepted inside its
    window, whether that completes it and whether the window has passed."""

    lines: pl.DataFrame
    due: np.ndarray  # days since 1970
    in_window: np.ndarray
    complete: np.ndarray
    window_passed: np.ndarray


def judge(lines: pl.DataFrame, receipts: pl.DataFrame, rule: OnTimeRule, as_of: dt.date) -> Judged:
    """Array arithmetic over the lines in id order: each receipt finds its line by binary
    search, the quantity accepted inside each line's window is a bincount."""
    if lines["due"].null_count():
        lines = lines.filter(pl.col("due").is_not_null())
    line_ids = lines["line_id"].to_numpy()
    if len(line_ids) > 1 and not bool(np.all(line_ids[1:] > line_ids[:-1])):
        lines = lines.sort("line_id")  # the columnar copy keeps id order; an overlay may not
        line_ids = lines["line_id"].to_numpy()
    due = days_of(lines["due"])
    quantity = lines["quantity"].to_numpy()
    # Each receipt's line; a receipt of a line not given (due before `since`) counts nowhere.
    found_at = positions(line_ids, receipts["line_id"].to_numpy())
    found = found_at >= 0
    position = np.maximum(found_at, 0)
    received = days_of(receipts["received_on"].fill_null(dt.date(1900, 1, 1)))
    line_due = due[position] if len(line_ids) else received
    inside = (
        found & (received >= line_due - rule.days_early) & (received <= line_due + rule.days_late)
    )
    accepted = (receipts["quantity"] - receipts["rejected"].fill_null(0.0)).to_numpy()
    in_window = np.bincount(position[inside], weights=accepted[inside], minlength=len(line_ids))
    return Judged(
        lines=lines,
        due=due,
        in_window=in_window,
        complete=in_window >= quantity,
        window_passed=due + rule.days_late < today_number(as_of),
    )


def judged_lines(
    lines: pl.DataFrame, receipts: pl.DataFrame, rule: OnTimeRule, as_of: dt.date
) -> pl.DataFrame:
    """Each line with its window (opens, closes), the quantity accepted inside it, and the
    verdict: complete, window_passed, decided, on_time_quantity, month (the drill-down)."""
    judged = judge(lines, receipts, rule, as_of)
    return judged.lines.with_columns(
        (pl.col("due") - pl.duration(days=rule.days_early)).alias("opens"),
        (pl.col("due") + pl.duration(days=rule.days_late)).alias("closes"),
        pl.Series("in_window", judged.in_window, dtype=pl.Float64),
        pl.Series("complete", judged.complete, dtype=pl.Boolean),
        pl.Series("window_passed", judged.window_passed, dtype=pl.Boolean),
        pl.Series(
            "on_time_quantity",
            np.minimum(judged.in_window, judged.lines["quantity"].to_numpy()),
            dtype=pl.Float64,
        ),
        pl.col("due").dt.truncate("1mo").alias("month"),
    ).with_columns((pl.col("complete") | pl.col("window_passed")).alias("decided"))


def on_time_delivery(
    lines: pl.DataFrame, receipts: pl.DataFrame, rule: OnTimeRule, as_of: dt.date
) -> pl.DataFrame:
    """lines: line_id, order_id, rated_id, due (Date), quantity. receipts: line_id,
    received_on (Date), quantity, rejected."""
    judged = judge(lines, receipts, rule, as_of)
    if judged.lines.is_empty():
        return _empty()
    groups = MonthGroups(judged.lines["rated_id"].to_numpy(), judged.due)
    decided = judged.complete | judged.window_passed
    if rule.unit == CountingUnit.QUANTITY:
        quantity = judged.lines["quantity"].to_numpy()
        counted = groups.sums(
            {"numerator": np.minimum(judged.in_window, quantity), "denominator": quantity},
            where=decided,
        )
    elif rule.unit == CountingUnit.LINE:
        counted = groups.sums(
            {"numerator": judged.complete.astype(np.float64)}, where=decided
        ).with_columns(pl.col("rows").alias("denominator"))
    else:
        counted = _deliveries(
            judged.lines["order_id"].to_numpy(),
            groups,
            judged.due,
            judged.complete,
            judged.window_passed,
        )
    return _ratio(counted.filter(pl.col("denominator") > 0), 100.0).sort("rated_id", "month")


def _deliveries(
    orders: np.ndarray,
    groups: MonthGroups,
    due: np.ndarray,
    complete: np.ndarray,
    window_passed: np.ndarray,
) -> pl.DataFrame:
    """A delivery (the lines of one order due on one day) is on time when every line is
    complete, decided once it is on time or one of its lines is late."""
    key = orders.astype(np.int64) * 65536 + (due - due.min())
    order = None if bool(np.all(key[1:] >= key[:-1])) else np.argsort(key, kind="stable")
    if order is not None:
        key, complete, window_passed = key[order], complete[order], window_passed[order]
    starts = np.empty(len(key), dtype=bool)
    starts[0] = True
    np.not_equal(key[1:], key[:-1], out=starts[1:])
    delivery = np.cumsum(starts) - 1
    count = int(delivery[-1]) + 1
    incomplete = np.bincount(delivery, weights=~complete, minlength=count)
    late = np.bincount(delivery, weights=window_passed & ~complete, minlength=count) > 0
    on_time = incomplete == 0
    first = np.flatnonzero(starts)
    if order is not None:
        first = order[first]
    decided = on_time | late
    # A delivery's lines share its order (its party) and its due date (its month).
    return (
        groups.subset(first)
        .sums({"numerator": on_time.astype(np.float64)}, where=decided)
        .with_columns(pl.col("rows").alias("denominator"))
    )


def quality_dppm(receipts: pl.DataFrame) -> pl.DataFrame:
    """receipts: rated_id, received_on (Date), quantity, rejected."""
    receipts = receipts.filter(pl.col("received_on").is_not_null())
    if receipts.is_empty():
        return _empty()
    counted = MonthGroups(receipts["rated_id"].to_numpy(), days_of(receipts["received_on"])).sums(
        {
            "numerator": receipts["rejected"].fill_null(0.0).to_numpy(),
            "denominator": receipts["quantity"].to_numpy(),
        }
    )
    return _ratio(counted.filter(pl.col("denominator") > 0), 1_000_000.0).sort("rated_id", "month")


def responsiveness(
    requests: pl.DataFrame, sla_hours: float, as_of: dt.datetime
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """requests: rated_id, asked_at, answered_at (Datetime, null while unanswered). Returns
    (median hours, share within the SLA in percent), each one row per rated party and month."""
    if requests.is_empty():
        return _empty(), _empty()
    timed = judged_requests(requests, sla_hours, as_of).filter(pl.col("counted"))
    grouped = timed.group_by("rated_id", "month").agg(
        pl.col("hours").median().alias("median"),
        pl.col("within").sum().cast(pl.Float64).alias("n"),
        pl.len().cast(pl.Float64).alias("denominator"),
    )
    median = grouped.select(
        "rated_id",
        "month",
        pl.col("median").alias("numerator"),
        pl.col("denominator"),
        pl.col("median").alias("value"),
    ).sort("rated_id", "month")
    within = _ratio(grouped.rename({"n": "numerator"}), 100.0).sort("rated_id", "month")
    return median, within


def judged_requests(requests: pl.DataFrame, sla_hours: float, as_of: dt.datetime) -> pl.DataFrame:
    """The requests (any columns, with asked_at and answered_at), each with hours (to the
    answer, or so far), answered, month (of asking, UTC), counted (answered, or unanswered
    past the SLA: missed) and within (answered within the SLA): how responsiveness judges
    each, for the rows behind its numbers too."""
    asked = pl.col("asked_at").dt.replace_time_zone(None)
    answered = pl.col("answered_at").dt.replace_time_zone(None)
    utc = as_of if as_of.tzinfo is None else as_of.astimezone(dt.UTC)
    now = pl.lit(utc.replace(tzinfo=None))
    return (
        requests.with_columns(
            ((pl.coalesce(answered, now) - asked).dt.total_microseconds() / 3.6e9).alias("hours"),
            pl.col("answered_at").is_not_null().alias("answered"),
            asked.dt.truncate("1mo").cast(pl.Date).alias("month"),
        )
        .with_columns(pl.col("hours").clip(lower_bound=0.0))
        .with_columns(
            (pl.col("answered") | (pl.col("hours") > sla_hours)).alias("counted"),
            (pl.col("answered") & (pl.col("hours") <= sla_hours)).alias("within"),
        )
    )


def cost_variance(lines: pl.DataFrame, invoices: pl.DataFrame | None = None) -> pl.DataFrame:
    """lines: rated_id, issued_on (Date), quantity, unit_price, reference_price; lines without
    a price or a reference are left out by the caller or here. invoices (optional):
    rated_id, invoice_date (Date), invoiced, agreed: the check's totals of each invoice."""
    lines = lines.drop_nulls(["unit_price", "reference_price", "issued_on"]).filter(
        pl.col("reference_price") > 0
    )
    sums = [pl.DataFrame(schema=_SUMS_SCHEMA)]
    if not lines.is_empty():
        quantity = lines["quantity"].to_numpy()
        sums.append(
            MonthGroups(lines["rated_id"].to_numpy(), days_of(lines["issued_on"])).sums(
                {
                    "numerator": lines["unit_price"].to_numpy() * quantity,
                    "denominator": lines["reference_price"].to_numpy() * quantity,
                }
            )
        )
    if invoices is not None and not invoices.is_empty():
        sums.append(
            invoices.group_by("rated_id", _month("invoice_date")).agg(
                pl.col("invoiced").sum().alias("numerator"),
                pl.col("agreed").sum().alias("denominator"),
            )
        )
    counted = (
        pl.concat(
            [frame.select(list(_SUMS_SCHEMA)).cast(_SUMS_SCHEMA) for frame in sums],  # type: ignore[arg-type]
            how="vertical",
        )
        .group_by("rated_id", "month")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .filter(pl.col("denominator") > 0)
    )
    if counted.is_empty():
        return _empty()
    return (
        counted.with_columns(
            ((pl.col("numerator") / pl.col("denominator") - 1.0) * 100.0).alias("value")
        )
        .select(list(RESULT_SCHEMA))
        .sort("rated_id", "month")
    )


def month_ends(first: dt.date, last: dt.date) -> pl.DataFrame:
    """One row per month from first's to last's: month (its first day) and ends_at (the
    first moment of the next month)."""
    months = pl.date_range(first.replace(day=1), last.replace(day=1), "1mo", eager=True)
    return pl.DataFrame({"month": months}).with_columns(
        pl.col("month").dt.offset_by("1mo").cast(pl.Datetime("us")).alias("ends_at")
    )


def inventory_under_min(
    items: pl.DataFrame, moves: pl.DataFrame, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """items: rated_id, site_id, part_id, min_level (one row per rated party and item it
    answers for). moves: site_id, part_id, stock_id, at (Datetime), balance_after: every
    ledger move of the stock at those sites and parts."""
    if items.is_empty():
        return _empty()
    grid = month_ends(first, last)
    stocks = moves.select("site_id", "part_id", "stock_id").unique()
    # The last balance of each stock row before each month's end, summed per site and part.
    balances = (
        stocks.join(grid, how="cross")
        .sort("ends_at")
        .join_asof(
            moves.with_columns(pl.col("at").dt.replace_time_zone(None).cast(pl.Datetime("us")))
            .sort("at")
            .select("stock_id", "at", "balance_after"),
            left_on="ends_at",
            right_on="at",
            by="stock_id",
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,  # sorted by "at" above, within each stock row too
        )
        .group_by("site_id", "part_id", "month")
        .agg(pl.col("balance_after").fill_null(0.0).sum().alias("on_hand"))
    )
    counted = (
        items.join(grid.select("month"), how="cross")
        .join(balances, on=["site_id", "part_id", "month"], how="left")
        .with_columns(pl.col("on_hand").fill_null(0.0))
        .group_by("rated_id", "month")
        .agg(
            (pl.col("on_hand") < pl.col("min_level")).sum().cast(pl.Float64).alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
    )
    return _ratio(counted, 100.0).sort("rated_id", "month")
