"""The inputs of a template's cards, read set-based from the rating organisation's own records
(supply/access.py: its issued orders, their deliveries, its sites' ledger), as Polars frames,
and the metric values computed from them (metrics.py) for every rated party at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import F, FloatField
from django.db.models.functions import Cast, Coalesce

from accord.core.db import frame_of_query
from accord.parts.access import sources_supplied_to
from accord.scorecards.choices import DueBasis, Metric
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
from accord.supply.access import (
    deliveries_placed_by,
    moves_at_sites_of,
    offers_known_to,
    order_lines_placed_by,
    stock_levels_at_sites_of,
)

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


def _offer_breaks(organisation_id: int, supplier_ids: list[int]) -> list[tuple[Any, ...]]:
    """One row per price break of the offers the organisation knows from these suppliers."""
    offers = (
        offers_known_to(organisation_id)
        .filter(supplier_id__in=supplier_ids)
        .values_list(
            "pk", "supplier_id", "manufacturer_part_id", "currency", "seen_on", "price_breaks"
        )
    )
    return [
        (*offer[:5], float(b["quantity"]), float(b["unit_price"]))
        for offer in offers.iterator()
        for b in offer[5] or []
        if isinstance(b, dict) and b.get("quantity") is not None and b.get("unit_price") is not None
    ]


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
    """Priced lines (PRICED_SCHEMA), each with its reference price: the latest offer of its
    supplier for its manufacturer part seen on or before the order was issued, in its
    currency, at the largest price break the line's quantity reaches."""
    lines = priced.with_row_index("row")
    breaks = _offer_breaks(organisation_id, lines["rated_id"].unique().to_list())
    offers = pl.DataFrame(
        breaks,
        schema={
            "offer_id": pl.Int64,
            "rated_id": pl.Int64,
            "manufacturer_part_id": pl.Int64,
            "currency": pl.String,
            "seen_on": pl.Date,
            "break_quantity": pl.Float64,
            "reference_price": pl.Float64,
        },
        orient="row",
    )
    keys = ["rated_id", "manufacturer_part_id", "currency"]
    # The latest offer on or before the day of issue (of two seen the same day, the later
    # recorded), then its largest break the quantity reaches: two as-of joins, no pairs.
    heads = offers.group_by(*keys, "seen_on").agg(pl.col("offer_id").max()).sort("seen_on")
    latest = (
        lines.drop_nulls("issued_on")
        .sort("issued_on")
        .join_asof(
            heads,
            left_on="issued_on",
            right_on="seen_on",
            by=keys,
            strategy="backward",
            check_sortedness=False,  # sorted above, within each group too
        )
    )
    quoted = (
        latest.drop_nulls("offer_id")
        .sort("quantity")
        .join_asof(
            offers.select("offer_id", "break_quantity", "reference_price").sort("break_quantity"),
            left_on="quantity",
            right_on="break_quantity",
            by="offer_id",
            strategy="backward",
            check_sortedness=False,
        )
        .select("row", "reference_price")
    )
    return lines.join(quoted, on="row", how="left").drop("row")


def _stock_items(
    template: ScorecardTemplate, ordered: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rated parties' items: a part with a Min level at one of the rater's sites that the
    party supplies to the rater (ordered from it: `ordered`, part_id and rated_id; or its
    approved source); and the ledger moves of those items."""
    organisation_id = template.organisation_id
    supplied = {(part_id, supplier_id) for part_id, supplier_id in ordered.iter_rows()} | set(
        sources_supplied_to(organisation_id).values_list("part_id", "supplier_id")
    )
    levels = list(
        stock_levels_at_sites_of(organisation_id).values_list("site_id", "part_id", "min_level")
    )
    by_part: dict[int, list[int]] = {}
    for part_id, supplier_id in supplied:
        by_part.setdefault(part_id, []).append(supplier_id)
    items = pl.DataFrame(
        [
            (supplier_id, site_id, part_id, float(min_level))
            for site_id, part_id, min_level in levels
            for supplier_id in by_part.get(part_id, [])
        ],
        schema={
            "rated_id": pl.Int64,
            "site_id": pl.Int64,
            "part_id": pl.Int64,
            "min_level": pl.Float64,
        },
        orient="row",
    )
    moves = frame_of_query(
        moves_at_sites_of(organisation_id)
        .filter(item__part_id__in=[part_id for _site, part_id, _min in levels])
        .order_by()
        .values_list(
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
    return items, moves


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
    requests = (
        facts.lines.filter(pl.col("issued_at").is_not_null())
        .unique("order_id")
        .select(
            "rated_id",
            pl.col("issued_at").alias("asked_at"),
            pl.col("acknowledged_at").alias("answered_at"),
        )
    )
    local = settings.TIME_ZONE
    priced = facts.lines.filter(
        pl.col("unit_price").is_not_null() & pl.col("manufacturer_part_id").is_not_null()
    ).select(
        "line_id",
        "rated_id",
        "manufacturer_part_id",
        "currency",
        pl.col("issued_at").dt.convert_time_zone(local).dt.date().alias("issued_on"),
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
        tagged(cost_variance(held_against_quotes(template.organisation_id, priced)), Metric.COST),
    ]
    items, moves = _stock_items(template, facts.supplied)
    if not items.is_empty():
        first = since or min(
            [d for d in (lines["due"].min(), receipts["received_on"].min()) if d is not None],
            default=today,
        )
        assert isinstance(first, dt.date)
        frames.append(tagged(inventory_under_min(items, moves, first, today), Metric.UNDER_MIN))
    values = pl.concat(frames, how="vertical").filter(pl.col("month") <= today)
    return values if since is None else values.filter(pl.col("month") >= since)
