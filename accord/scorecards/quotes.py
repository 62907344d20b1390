"""Each priced order line's reference price: the latest offer of its supplier for its
manufacturer part, in its currency, seen on or before the day the order was issued (of two
seen the same day, the later recorded), at the largest price break the line's quantity
reaches.

Offers are few (thousands); lines are many (millions). So the offers are laid out as one
sorted array of (supplier and part, day) numbers and every line finds its offer by binary
search in it, then its break among that offer's few; no join, no sort of the lines (as-of joins
over ten million lines took twelve seconds here, this takes well under one).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from accord.scorecards.grouping import days_of

OFFER_BREAK_SCHEMA: dict[str, Any] = {
    "offer_id": pl.Int64,
    "rated_id": pl.Int64,
    "manufacturer_part_id": pl.Int64,
    "currency": pl.String,
    "seen_on": pl.Date,
    "break_quantity": pl.Float64,
    "reference_price": pl.Float64,
}
# A (supplier, part) pair's number and a day share one int64: the day in the low 20 bits
# (days since 1970 up to the year 4840).
DAY_BITS = 20
LOOKUP_LIMIT = 1 << 26


class Pairs:
    """Numbers for (supplier, part) pairs that offers name: the supplier's and the part's
    ranks among the offers' ones, combined (no id arithmetic that could overflow)."""

    def __init__(self, rated: np.ndarray, parts: np.ndarray) -> None:
        self.rated = np.unique(rated)
        self.parts = np.unique(parts)

    @staticmethod
    def _rank(known: np.ndarray, values: np.ndarray) -> np.ndarray:
        top = int(max(known.max(), values.max()))
        if min(known.min(), values.min()) >= 0 and top < LOOKUP_LIMIT:
            # A table indexed by id: one gather, several times faster than a binary search.
            table = np.full(top + 1, -1, dtype=np.int32)
            table[known] = np.arange(len(known), dtype=np.int32)
            return table[values]
        index = np.minimum(np.searchsorted(known, values), len(known) - 1)
        return np.where(known[index] == values, index, -1)

    def numbers(self, rated: np.ndarray, parts: np.ndarray) -> np.ndarray:
        """Each pair's number, -1 where the supplier or the part is in no offer."""
        supplier, part = self._rank(self.rated, rated), self._rank(self.parts, parts)
        return np.where(
            (supplier >= 0) & (part >= 0), supplier.astype(np.int64) * len(self.parts) + part, -1
        )


def reference_prices(lines: pl.DataFrame, breaks: pl.DataFrame) -> np.ndarray:
    """lines: rated_id, manufacturer_part_id, currency, issued_on (Date), quantity, none null.
    breaks: OFFER_BREAK_SCHEMA, one row per price break. The reference price of each line,
    NaN where no offer or no break applies."""
    result = np.full(lines.height, np.nan)
    if breaks.is_empty() or lines.is_empty():
        return result
    currencies = breaks["currency"].unique().to_list()
    if lines["currency"].n_unique() == 1 and lines["currency"][0] in currencies:
        # One currency (the usual case): no copy of the lines.
        return _priced(lines, breaks.filter(pl.col("currency") == lines["currency"][0]))
    for currency in currencies:
        in_currency = np.flatnonzero((lines["currency"] == currency).to_numpy())
        if len(in_currency):
            offered = breaks.filter(pl.col("currency") == currency)
            result[in_currency] = _priced(lines[in_currency], offered)
    return result


def _priced(lines: pl.DataFrame, breaks: pl.DataFrame) -> np.ndarray:
    offers = breaks.unique("offer_id").select(
        "offer_id", "rated_id", "manufacturer_part_id", "seen_on"
    )
    pairs = Pairs(offers["rated_id"].to_numpy(), offers["manufacturer_part_id"].to_numpy())
    offer_pair = pairs.numbers(
        offers["rated_id"].to_numpy(), offers["manufacturer_part_id"].to_numpy()
    )
    offer_key = (offer_pair << DAY_BITS) + days_of(offers["seen_on"])
    # Sorted by (pair, day, recorded): the last offer at or before a key is the one in force.
    order = np.lexsort((offers["offer_id"].to_numpy(), offer_key))
    offer_key = offer_key[order]
    offer_ids = offers["offer_id"].to_numpy()[order]
    line_pair = pairs.numbers(
        lines["rated_id"].to_numpy(), lines["manufacturer_part_id"].to_numpy()
    )
    line_key = (line_pair << DAY_BITS) + days_of(lines["issued_on"])
    found = np.searchsorted(offer_key, line_key, side="right") - 1
    in_force = (line_pair >= 0) & (found >= 0)
    found = np.maximum(found, 0)
    in_force &= (offer_key[found] >> DAY_BITS) == line_pair
    # The offer's breaks, ascending, as a run of rows per offer (its rank in `offer_ids`).
    rank_of_offer = {int(offer_id): rank for rank, offer_id in enumerate(offer_ids)}
    ranked = breaks.with_columns(
        pl.col("offer_id").replace_strict(rank_of_offer, return_dtype=pl.Int64).alias("rank")
    ).sort("rank", "break_quantity")
    rank = ranked["rank"].to_numpy()
    starts = np.searchsorted(rank, np.arange(len(offer_ids)))
    ends = np.searchsorted(rank, np.arange(len(offer_ids)), side="right")
    break_quantity = ranked["break_quantity"].to_numpy()
    break_price = ranked["reference_price"].to_numpy()
    quantity = lines["quantity"].to_numpy()
    first, last = starts[found], ends[found]
    price = np.full(lines.height, np.nan)
    # Breaks ascend: the last one the quantity reaches wins (offers have a handful).
    for step in range(int((ends - starts).max(initial=0))):
        candidate = np.minimum(first + step, len(break_quantity) - 1)
        reaches = in_force & (first + step < last) & (break_quantity[candidate] <= quantity)
        price = np.where(reaches, break_price[candidate], price)
    return price
