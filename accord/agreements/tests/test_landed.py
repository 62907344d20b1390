"""The set-based landed cost (Polars, integers) equals the plain Decimal reference, one quote
at a time, on random tiers, fees, MOQs, multiples and volumes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.agreements.landed import (
    QUOTES_SCHEMA,
    TIERS_SCHEMA,
    VOLUMES_SCHEMA,
    QuoteFigures,
    from_e4,
    landed_costs,
    landed_reference,
    to_micro,
)

TODAY = dt.date(2027, 1, 1)
prices = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("99999"), places=6)
fees = st.decimals(min_value=Decimal(0), max_value=Decimal("999"), places=6)
lump = st.decimals(min_value=Decimal(0), max_value=Decimal("9999999.99"), places=2)


@st.composite
def quotes(draw):
    starts = draw(st.lists(st.integers(1, 200_000), min_size=1, max_size=6, unique=True))
    return QuoteFigures(
        tiers=[(start, draw(prices)) for start in starts],
        moq=draw(st.integers(1, 100_000)),
        order_multiple=draw(st.integers(1, 5_000)),
        nre=draw(lump),
        per_unit=draw(fees),
        per_shipment=draw(lump),
        one_time=draw(lump),
    )


def _frames(
    figures: list[QuoteFigures], volumes: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    quote_frame = pl.DataFrame(
        [
            {
                "quote_id": i,
                "rfq_id": 1,
                "moq": q.moq,
                "order_multiple": q.order_multiple,
                "nre": to_micro(q.nre) + to_micro(q.one_time),
                "per_unit": to_micro(q.per_unit),
                "per_shipment": to_micro(q.per_shipment),
                "valid_until": TODAY,
            }
            for i, q in enumerate(figures)
        ],
        schema=QUOTES_SCHEMA,
    )
    tier_frame = pl.DataFrame(
        [
            {"quote_id": i, "from_quantity": start, "unit_price": to_micro(price)}
            for i, q in enumerate(figures)
            for start, price in q.tiers
        ],
        schema=TIERS_SCHEMA,
    )
    volume_frame = pl.DataFrame(
        {"rfq_id": [1] * len(volumes), "volume": volumes}, schema=VOLUMES_SCHEMA
    )
    return quote_frame, tier_frame, volume_frame


@settings(max_examples=200, deadline=None)
@given(
    figures=st.lists(quotes(), min_size=1, max_size=5),
    volumes=st.lists(st.integers(1, 10**7), min_size=1, max_size=4, unique=True),
)
def test_set_based_landed_cost_equals_the_plain_reference(figures, volumes):
    result = landed_costs(*_frames(figures, volumes), TODAY)
    assert result.height == len(figures) * len(volumes)
    for row in result.iter_rows(named=True):
        buy, landed = landed_reference(figures[row["quote_id"]], row["volume"])
        assert row["buy_qty"] == buy
        assert row["excess"] == buy - row["volume"]
        got = None if row["landed_e4"] is None else from_e4(row["landed_e4"])
        assert got == landed


def test_buy_quantity_is_raised_to_the_moq_then_to_the_multiple():
    quote = QuoteFigures(tiers=[(1, Decimal("1.00"))], moq=1000, order_multiple=300, nre=Decimal(0))
    # 500 -> MOQ 1,000 -> next multiple of 300: 1,200; 1,300 -> 1,500; 1,500 stays.
    assert [landed_reference(quote, v)[0] for v in (500, 1300, 1500)] == [1200, 1500, 1500]


def test_expired_quotes_are_marked():
    figures = [QuoteFigures(tiers=[(1, Decimal("1.00"))], moq=1, order_multiple=1, nre=Decimal(0))]
    quote_frame, tiers, volumes = _frames(figures, [10])
    stale = quote_frame.with_columns(pl.lit(TODAY - dt.timedelta(days=1)).alias("valid_until"))
    assert landed_costs(stale, tiers, volumes, TODAY)["expired"].to_list() == [True]
    assert landed_costs(quote_frame, tiers, volumes, TODAY)["expired"].to_list() == [False]
