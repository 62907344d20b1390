"""The set-based invoice check (Polars joins over integers) decides part lines as a plain
Decimal reference does, one line at a time, on random tiers, tolerances, prices, quantities and
receipts."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.agreements.invoice_check import (
    BILLINGS_SCHEMA,
    FEES_SCHEMA,
    INVOICES_SCHEMA,
    LINES_SCHEMA,
    RECEIVED_SCHEMA,
    REQUESTS_SCHEMA,
    TIERS_SCHEMA,
    VERSIONS_SCHEMA,
    check_lines,
)

CENT = Decimal("0.01")
prices = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4)
quantities = st.integers(1, 100_000)


def reference(tiers, tolerance, quantity, price, received):
    """(verdict, agreed, disputed) of one part line, in plain Decimal."""
    amount = (quantity * price).quantize(CENT, ROUND_HALF_UP)
    covering = [p for start, p in sorted(tiers) if start <= quantity]
    if not covering:
        return "no_tier", Decimal(0), amount
    tier = covering[-1]
    within = price <= tier * (1 + tolerance / 100)
    billable = min(quantity, received)
    agreed = min((billable * (price if within else tier)).quantize(CENT, ROUND_HALF_UP), amount)
    if quantity > received:
        verdict = "over_received"
    elif not within:
        verdict = "over"
    elif price > tier:
        verdict = "within_tolerance"
    else:
        verdict = "match"
    return verdict, agreed, amount - agreed


@st.composite
def lines(draw):
    starts = draw(st.lists(st.integers(1, 50_000), min_size=1, max_size=4, unique=True))
    tiers = [(s, draw(prices)) for s in starts]
    tolerance = draw(st.decimals(min_value=Decimal(0), max_value=Decimal(5), places=2))
    quantity = draw(quantities)
    tier_or_any = draw(st.sampled_from([p for _s, p in tiers]) | prices)
    # Prices near a tier's tolerance edge are the interesting ones.
    price = draw(
        st.sampled_from(
            [
                tier_or_any,
                (tier_or_any * (1 + tolerance / 100)).quantize(Decimal("0.0001")),
                (tier_or_any * (1 + tolerance / 100)).quantize(Decimal("0.0001"))
                + Decimal("0.0001"),
            ]
        )
    )
    received = draw(st.integers(0, 120_000))
    return tiers, tolerance, quantity, max(price, Decimal("0.0001")), received


def _e(value: Decimal, places: int) -> int:
    return int(value.scaleb(places).to_integral_value())


@settings(max_examples=200, deadline=None)
@given(cases=st.lists(lines(), min_size=1, max_size=6))
def test_part_lines_are_decided_as_the_plain_reference(cases):
    today = dt.date(2027, 1, 1)
    rows, invoices, versions, tiers, received = [], [], [], [], []
    for i, (tier_list, tolerance, quantity, price, got) in enumerate(cases):
        amount = (quantity * price).quantize(CENT, ROUND_HALF_UP)
        rows.append((i, i, 1, "part", "", "P", "", quantity * 10_000, _e(price, 6), _e(amount, 2)))
        invoices.append((i, i, i, "USD", today))
        versions.append((i, 1, "USD", _e(tolerance, 4), f"{tolerance}%"))
        tiers += [(i, s * 10_000, _e(p, 6), f"tier {s}") for s, p in tier_list]
        received.append((i, "P", got * 10_000))
    checked = check_lines(
        pl.DataFrame(rows, schema=LINES_SCHEMA, orient="row"),
        pl.DataFrame(invoices, schema=INVOICES_SCHEMA, orient="row"),
        pl.DataFrame(versions, schema=VERSIONS_SCHEMA, orient="row"),
        pl.DataFrame(tiers, schema=TIERS_SCHEMA, orient="row"),
        pl.DataFrame([], schema=FEES_SCHEMA, orient="row"),
        pl.DataFrame(received, schema=RECEIVED_SCHEMA, orient="row"),
        pl.DataFrame([], schema=REQUESTS_SCHEMA, orient="row"),
        pl.DataFrame([], schema=BILLINGS_SCHEMA, orient="row"),
    )
    for row in checked.iter_rows(named=True):
        tier_list, tolerance, quantity, price, got = cases[row["line_id"]]
        verdict, agreed, disputed = reference(
            tier_list, tolerance, Decimal(quantity), price, Decimal(got)
        )
        assert row["verdict"] == verdict
        assert Decimal(row["agreed"]).scaleb(-2) == agreed
        assert Decimal(row["disputed"]).scaleb(-2) == disputed
