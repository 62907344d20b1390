"""The inputs of a template's cards, read set-based from the rating organisation's own records
(supply/access.py: its issued orders, their deliveries, its sites' ledger), as Polars frames,
and the metric values computed from them (metrics.py) for every rated party at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, FloatField, Max
from django.db.models.functions import Cast, Coalesce

from accord.agreements.access import invoices_received_by
from accord.agreements.invoice_queries import invoice_totals
from accord.core.db import frame_of_query, frame_of_sql
from accord.parts.access import sources_supplied_to
from accord.scorecards.choices import Direction, DueBasis, Metric
from accord.scorecards.facts import current_facts
from accord.scorecards.metrics import (
    RESULT_SCHEMA,
    OnTimeRule,
    cost_variance,
    inventory_under_min,
    on_time_delivery,
    quality_dppm,
    responsiveness,
)
from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.quotes import OFFER_BREAK_SCHEMA, reference_prices
from accord.supply.access import (
    deliveries_placed_by,
    last_moves_before,
    moves_at_sites_of,
    offers_known_to,
    order_lines_placed_by,
    stock_levels_at_sites_of,
)
from accord.threads.queries import CUSTOMER, SUPPLIER, thread_requests

VALUES_SCHEMA = {**RESULT_SCHEMA, "metric": pl.String}


def frame_of(rows: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """Rows of values_list as a frame; Decimals become floats (scores, not the ledger)."""
    data = [
        tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in rows.iterator()
    ]
    return pl.DataFrame(data, schema=schema, orient="row")


def lines_of(template: ScorecardTemplate, rated_id: int | None = None) -> pl.DataFrame:
    due = (
        F("requested_date")
        if template.due_basis == DueBasis.REQUESTED
        else Coalesce("confirmed_date", "requested_date")
    )
    placed = order_lines_placed_by(template.organisation_id)
    if rated_id is not None:
        placed = placed.filter(order__supplier_id=rated_id)
    rows = placed.annotate(due=due).values_list(
        "pk", "order_id", "order__supplier_id", "due", "quantity"
    )
    schema = {
        "line_id": pl.Int64,
        "order_id": pl.Int64,
        "rated_id": pl.Int64,
        "due": pl.Date,
        "quantity": pl.Float64,
    }
    return frame_of(rows, schema)


def receipts_of(template: ScorecardTemplate, rated_id: int | None = None) -> pl.DataFrame:
    received = deliveries_placed_by(template.organisation_id)
    if rated_id is not None:
        received = received.filter(line__order__supplier_id=rated_id)
    rows = received.values_list(
        "line_id", "line__order__supplier_id", "received_on", "quantity", "rejected_quantity"
    )
    schema = {
        "line_id": pl.Int64,
        "rated_id": pl.Int64,
        "received_on": pl.Date,
        "quantity": pl.Float64,
        "rejected": pl.Float64,
    }
    return frame_of(rows, schema)


# Each price break of each offer as a row, expanded by the database (a Python loop over the
# offers' JSON took 0.4 s of a 1.8 s refresh with 20,000 offers). Breaks are stored as
# {"quantity": "1000", "unit_price": "0.9000"} (supply/services/offers.py); anything else
# is left out, as the Python reading did.
_BREAK_ROWS = {
    "postgresql": (
        "SELECT o.c0, o.c1, o.c2, o.c3, o.c4, CAST(b->>'quantity' AS double precision), "
        "CAST(b->>'unit_price' AS double precision) FROM o CROSS JOIN LATERAL "
        "jsonb_array_elements(CASE WHEN jsonb_typeof(o.c5) = 'array' THEN o.c5 "
        "ELSE '[]'::jsonb END) AS b "
        "WHERE jsonb_typeof(b) = 'object' AND b->>'quantity' ~ '^[0-9]+([.][0-9]+)?$' "
        "AND b->>'unit_price' ~ '^[0-9]+([.][0-9]+)?$'"
    ),
    "sqlite": (
        "SELECT o.c0, o.c1, o.c2, o.c3, o.c4, "
        "CAST(json_extract(b.value, '$.quantity') AS REAL), "
        "CAST(json_extract(b.value, '$.unit_price') AS REAL) FROM o, json_each("
        "CASE WHEN json_valid(o.c5) AND json_type(o.c5) = 'array' THEN o.c5 ELSE '[]' END) "
        "AS b WHERE b.type = 'object' "
        "AND json_extract(b.value, '$.quantity') IS NOT NULL "
        "AND json_extract(b.value, '$.unit_price') IS NOT NULL"
    ),
}


# The price breaks of the offers each organisation knows, read last, with what identified
# them. Offers are never changed once recorded (services record new ones; retiring one only
# stamps it), so the count, the newest id and the newest recording time tell whether the
# breaks read last are still all of them.
_KNOWN_BREAKS: dict[int, tuple[tuple[Any, ...], pl.DataFrame]] = {}
KNOWN_BREAKS_KEPT = 16


def _offer_breaks(organisation_id: int, supplier_ids: list[int]) -> pl.DataFrame:
    """One row per price break of the offers the organisation knows from these suppliers
    (OFFER_BREAK_SCHEMA)."""
    known = offers_known_to(organisation_id).order_by()
    fingerprint = tuple(
        known.aggregate(n=Count("pk"), last=Max("pk"), recorded=Max("created_at")).values()
    )
    kept = _KNOWN_BREAKS.get(organisation_id)
    if kept is not None and kept[0] == fingerprint:
        breaks = kept[1]
    else:
        breaks = _breaks_of(known)
        if len(_KNOWN_BREAKS) >= KNOWN_BREAKS_KEPT:
            _KNOWN_BREAKS.pop(next(iter(_KNOWN_BREAKS)))
        _KNOWN_BREAKS[organisation_id] = (fingerprint, breaks)
    return breaks.filter(pl.col("rated_id").is_in(supplier_ids))


def _breaks_of(offers: Any) -> pl.DataFrame:
    rows = offers.values_list(
        "pk", "supplier_id", "manufacturer_part_id", "currency", "seen_on", "price_breaks"
    )
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return pl.DataFrame(schema=OFFER_BREAK_SCHEMA)
    columns = ", ".join(f"c{i}" for i in range(6))
    return frame_of_sql(
        f"WITH o({columns}) AS ({sql}) {_BREAK_ROWS[connection.vendor]}",
        params,
        OFFER_BREAK_SCHEMA,
    )


def priced_lines(template: ScorecardTemplate, rated_id: int) -> pl.DataFrame:
    """The rated party's order lines with a unit price, each with the quoted price it is held
    against (held_against_quotes)."""
    placed = order_lines_placed_by(template.organisation_id).filter(order__supplier_id=rated_id)
    lines = frame_of(
        placed.filter(unit_price__isnull=False, manufacturer_part__isnull=False).values_list(
            "pk",
            "order__supplier_id",
            "manufacturer_part_id",
            "currency",
            "order__issued_at__date",
            "quantity",
            "unit_price",
        ),
        PRICED_SCHEMA,
    )
    return held_against_quotes(template.organisation_id, lines)


PRICED_SCHEMA = {
    "line_id": pl.Int64,
    "rated_id": pl.Int64,
    "manufacturer_part_id": pl.Int64,
    "currency": pl.String,
    "issued_on": pl.Date,
    "quantity": pl.Float64,
    "unit_price": pl.Float64,
}


def held_against_quotes(organisation_id: int, priced: pl.DataFrame) -> pl.DataFrame:
    """Priced lines (PRICED_SCHEMA), each with its reference price (quotes.py): the latest
    offer of its supplier for its manufacturer part seen on or before the order was issued,
    in its currency, at the largest price break the line's quantity reaches."""
    keys = ["rated_id", "manufacturer_part_id", "currency", "issued_on", "quantity"]
    lines = without_nulls(priced, keys)
    breaks = _offer_breaks(organisation_id, lines["rated_id"].unique().to_list())
    found = reference_prices(lines, breaks)
    if lines.height == priced.height:
        reference = found
    else:  # lines without a key have no reference
        complete = priced.select(pl.all_horizontal(pl.col(keys).is_not_null())).to_series()
        reference = np.full(priced.height, np.nan)
        reference[complete.to_numpy()] = found
    return priced.with_columns(
        pl.Series("reference_price", reference, dtype=pl.Float64).fill_nan(None)
    )


def _stock_items(
    template: ScorecardTemplate, ordered: pl.DataFrame, since: dt.date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rated parties' items: a part with a Min level at one of the rater's sites that the
    party supplies to the rater (ordered from it: `ordered`, part_id and rated_id; or its
    approved source); and the ledger moves of those items (with `since`, those from then on
    and the last one before it of each stock row: its balance then)."""
    organisation_id = template.organisation_id
    pair_schema = {"part_id": pl.Int64, "rated_id": pl.Int64}
    approved = frame_of_query(
        sources_supplied_to(organisation_id).order_by().values_list("part_id", "supplier_id"),
        pair_schema,
    )
    supplied = pl.concat([ordered.select(list(pair_schema)), approved]).unique()
    level_rows = stock_levels_at_sites_of(organisation_id).order_by()
    levels = frame_of_query(
        level_rows.values_list("site_id", "part_id", Cast("min_level", FloatField())),
        {"site_id": pl.Int64, "part_id": pl.Int64, "min_level": pl.Float64},
    )
    items = levels.join(supplied, on="part_id").select(
        "rated_id", "site_id", "part_id", "min_level"
    )
    stocked = moves_at_sites_of(organisation_id).filter(
        item__part_id__in=level_rows.values("part_id")
    )
    if since is None:
        moves = _moves_frame(stocked)
    else:
        # From `since` on, and the last move before it of each stock row (its balance then).
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        opening = last_moves_before(organisation_id, level_rows.values("part_id"), start)
        moves = pl.concat(
            [_moves_frame(opening), _moves_frame(stocked.filter(created_at__gte=start))]
        )
    return items, moves


def _moves_frame(moves: Any) -> pl.DataFrame:
    return frame_of_query(
        moves.order_by().values_list(
            "item__site_id",
            "item__part_id",
            "item_id",
            "created_at",
            Cast("balance_after", FloatField()),
        ),
        {
            "site_id": pl.Int64,
            "part_id": pl.Int64,
            "stock_id": pl.Int64,
            "at": pl.Datetime("us", "UTC"),
            "balance_after": pl.Float64,
        },
    )


def without_nulls(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The rows with a value in each of these columns (no copy of ten million rows when
    none is missing)."""
    if not any(frame[column].null_count() for column in columns):
        return frame
    return frame.drop_nulls(columns)


def invoices_checked(
    template: ScorecardTemplate, since: dt.date | None = None, rated_id: int | None = None
) -> pl.DataFrame:
    """The check's totals of the invoices the rater received (dated from `since` on; of one
    issuer, when given): agreements/invoice_queries.invoice_totals."""
    received = invoices_received_by(template.organisation_id)
    if since is not None:
        received = received.filter(date__gte=since)
    if rated_id is not None:
        received = received.filter(agreement__partner_id=rated_id)
    return invoice_totals(received)


def thread_requests_of(
    template: ScorecardTemplate, rated_id: int | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The questions the template's organisation asked in threads of the parties its cards
    rate (its suppliers, or its customers), as threads/queries.thread_requests answers: every
    question, and the requests the card counts."""
    relation = SUPPLIER if template.direction == Direction.SUPPLIERS else CUSTOMER
    return thread_requests(template.organisation_id, relation, rated_id)


def tagged(frame: pl.DataFrame, metric: str) -> pl.DataFrame:
    return frame.with_columns(pl.lit(metric).alias("metric")).select(list(VALUES_SCHEMA))


def supplier_values(
    template: ScorecardTemplate, as_of: dt.datetime, since: dt.date | None = None
) -> pl.DataFrame:
    """Every metric of every supplier of the template's organisation, month by month up to
    as_of (from `since` on, when given): rated_id, month, numerator, denominator, value,
    metric. Lines and receipts come from the columnar copy (facts.py)."""
    today = as_of.date()
    facts = current_facts(template.organisation_id, since, compact=since is None)
    due = (
        pl.col("requested")
        if template.due_basis == DueBasis.REQUESTED
        else pl.coalesce("confirmed", "requested")
    )
    lines = facts.lines.select("line_id", "order_id", "rated_id", due.alias("due"), "quantity")
    receipts = facts.receipts
    # One request per order: its lines are next to each other, in id order, mostly.
    runs = facts.lines.filter(
        pl.col("order_id").ne_missing(pl.col("order_id").shift(1))
        & pl.col("issued_at").is_not_null()
    )
    ordered = runs.unique("order_id").select(
        "rated_id",
        pl.col("issued_at").alias("asked_at"),
        pl.col("acknowledged_at").alias("answered_at"),
    )
    # Requests are the orders issued and the questions asked in threads (threads/queries.py).
    requests = pl.concat(
        [ordered, thread_requests_of(template)[1].cast(ordered.schema)],
        how="vertical",
    )
    local = settings.TIME_ZONE
    # The day of issue where the organisation works (a time-zone conversion of ten million
    # times costs more than half a second; none is needed in UTC).
    issued = (
        pl.col("issued_at") if local == "UTC" else pl.col("issued_at").dt.convert_time_zone(local)
    )
    priced = without_nulls(facts.lines, ["unit_price", "manufacturer_part_id"]).select(
        "line_id",
        "rated_id",
        "manufacturer_part_id",
        "currency",
        issued.dt.date().alias("issued_on"),
        "quantity",
        "unit_price",
    )
    if since is not None:  # the rows that count in months from `since` on, and no others
        lines = lines.filter(pl.col("due") >= since)
        receipts = receipts.filter(
            (pl.col("received_on") >= since) | pl.col("line_id").is_in(lines["line_id"].implode())
        )
        requests = requests.filter(pl.col("asked_at").dt.date() >= since)
        priced = priced.filter(pl.col("issued_on") >= since)
    rule = OnTimeRule(template.days_early, template.days_late, template.counting_unit)
    median, within = responsiveness(requests, float(template.response_sla_hours), as_of)
    frames = [
        tagged(on_time_delivery(lines, receipts, rule, today), Metric.ON_TIME),
        tagged(quality_dppm(receipts), Metric.DPPM),
        tagged(median, Metric.RESPONSE_MEDIAN),
        tagged(within, Metric.RESPONSE_SLA),
        tagged(
            cost_variance(
                held_against_quotes(template.organisation_id, priced),
                invoices_checked(template, since),
            ),
            Metric.COST,
        ),
    ]
    items, moves = _stock_items(template, facts.supplied, since)
    if not items.is_empty():
        first = since or min(
            [d for d in (lines["due"].min(), receipts["received_on"].min()) if d is not None],
            default=today,
        )
        assert isinstance(first, dt.date)
        frames.append(tagged(inventory_under_min(items, moves, first, today), Metric.UNDER_MIN))
    values = pl.concat(frames, how="vertical").filter(pl.col("month") <= today)
    return values if since is None else values.filter(pl.col("month") >= since)
