"""Landed unit cost of quotes at the RFQ's volumes: every quote x every volume in one pass over
Polars frames (no Django here; rfq_queries.py reads the frames from the database).

For one quote at one volume:

    buy qty = the volume raised to the MOQ, then up to the next multiple of the order multiple
    landed  = (buy qty x (tier price at buy qty + per-unit fees) + per-shipment fees
               + NRE + one-time fees) / volume, rounded half up to 4 decimals
    excess  = buy qty - volume (units bought and paid for beyond the need)

Decisions, so that quotes are compared on what the buyer pays for the volume:
- one shipment per volume: per-shipment fees count once;
- one-time fees (tooling, stencils) count like the NRE: once, spread over the volume;
- per-event fees (an expedite) are not part of the landed cost: no event is planned in a
  quote, and the fee stays visible in the quote beside the comparison;
- the tier price is the one of the tier whose from-quantity is the largest at or below the
  buy quantity; a buy quantity below the first tier has no price (no landed cost, shown).

Money is exact: amounts enter as integers of millionths (Int128, so buy qty x price cannot
overflow), and the division rounds half up in integers. `landed_reference` is the same rule in
plain Decimal arithmetic, one quote at a time; the tests hold the two equal on random quotes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

import polars as pl

MICRO = 1_000_000
FOUR_PLACES = Decimal("0.0001")


def to_micro(amount: Decimal) -> int:
    """An amount of at most six decimals as an integer of millionths (exact)."""
    return int(amount.scaleb(6).to_integral_value())


def from_e4(value: int) -> Decimal:
    return Decimal(value).scaleb(-4).quantize(FOUR_PLACES)


QUOTES_SCHEMA = {
    "quote_id": pl.Int64,
    "rfq_id": pl.Int64,
    "moq": pl.Int64,
    "order_multiple": pl.Int64,
    "nre": pl.Int128,  # millionths, with the one-time fees added
    "per_unit": pl.Int128,
    "per_shipment": pl.Int128,
    "valid_until": pl.Date,
}
TIERS_SCHEMA = {"quote_id": pl.Int64, "from_quantity": pl.Int64, "unit_price": pl.Int128}
VOLUMES_SCHEMA = {"rfq_id": pl.Int64, "volume": pl.Int64}


def landed_costs(
    quotes: pl.DataFrame, tiers: pl.DataFrame, volumes: pl.DataFrame, today: dt.date
) -> pl.DataFrame:
    """One row per (quote, volume of its RFQ): buy_qty, excess, tier_price (millionths, null
    when no tier covers the buy quantity), landed_e4 (ten-thousandths, null likewise),
    expired, and the quote's rank at that volume by landed cost and by headline (tier) price
    among the quotes of the same RFQ (1 = cheapest; null without a price)."""
    rows = (
        quotes.join(volumes, on="rfq_id", how="inner")
        .with_columns(
            pl.max_horizontal("volume", "moq").alias("_at_least"),
        )
        .with_columns(
            (
                (pl.col("_at_least") + pl.col("order_multiple") - 1)
                // pl.col("order_multiple")
                * pl.col("order_multiple")
            ).alias("buy_qty")
        )
        .sort("buy_qty")
    )
    priced = rows.join_asof(
        tiers.sort("from_quantity").rename({"unit_price": "tier_price"}),
        left_on="buy_qty",
        right_on="from_quantity",
        by="quote_id",
        strategy="backward",
        check_sortedness=False,  # both sorted by the key above; Polars cannot verify with `by`
    )
    numerator = (
        pl.col("buy_qty").cast(pl.Int128) * (pl.col("tier_price") + pl.col("per_unit"))
        + pl.col("per_shipment")
        + pl.col("nre")
    )
    # millionths / volume -> ten-thousandths: divide by volume x 100, rounding half up.
    divisor = pl.col("volume").cast(pl.Int128) * 100
    out = priced.with_columns(
        (pl.col("buy_qty") - pl.col("volume")).alias("excess"),
        ((numerator * 2 + divisor) // (divisor * 2)).alias("landed_e4"),
        (pl.col("valid_until") < today).alias("expired"),
    ).with_columns(
        pl.col("landed_e4")
        .rank("min")
        .over("rfq_id", "volume")
        .cast(pl.Int64)
        .alias("landed_rank"),
        pl.col("tier_price")
        .rank("min")
        .over("rfq_id", "volume")
        .cast(pl.Int64)
        .alias("headline_rank"),
    )
    return out.select(
        "rfq_id",
        "quote_id",
        "volume",
        "buy_qty",
        "excess",
        "tier_price",
        "landed_e4",
        "expired",
        "landed_rank",
        "headline_rank",
    ).sort("rfq_id", "volume", "quote_id")


@dataclass(frozen=True)
class QuoteFigures:
    """One quote as plain Decimals, for the reference and the tests."""

    tiers: Sequence[tuple[int, Decimal]]  # (from quantity, unit price)
    moq: int
    order_multiple: int
    nre: Decimal
    per_unit: Decimal = Decimal(0)
    per_shipment: Decimal = Decimal(0)
    one_time: Decimal = Decimal(0)


def buy_quantity(volume: int, moq: int, multiple: int) -> int:
    wanted = max(volume, moq)
    return -(-wanted // multiple) * multiple


def landed_reference(quote: QuoteFigures, volume: int) -> tuple[int, Decimal | None]:
    """(buy qty, landed unit cost or None): the rule above, one quote, plain Decimal."""
    buy = buy_quantity(volume, quote.moq, quote.order_multiple)
    prices = [price for start, price in sorted(quote.tiers) if start <= buy]
    if not prices:
        return buy, None
    total = buy * (prices[-1] + quote.per_unit) + quote.per_shipment + quote.nre + quote.one_time
    with localcontext() as context:
        context.prec = 80  # far beyond any quotient's digits: one rounding, the last
        return buy, (total / Decimal(volume)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
