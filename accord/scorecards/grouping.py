"""Sums per (rated party, month) over millions of rows, as array arithmetic.

A hash group-by over ten million rows and two keys cost about a second here; the keys of a
scorecard are small and dense (a few thousand parties, a few dozen months), so each row's group
is a number computed from them and the sums are NumPy bincounts over it (tens of milliseconds).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)


def days_of(series: pl.Series) -> np.ndarray:
    """A Date series as days since 1970 (int64); nulls are not allowed here."""
    return series.cast(pl.Int32).to_numpy().astype(np.int64, copy=False)


def today_number(day: dt.date) -> int:
    return (day - EPOCH).days


# Ids below this are ranked through a table indexed by id (a scatter and a gather); others by
# sorting.
TABLE_LIMIT = 1 << 26


def positions(known: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The index of each wanted id in `known` (ascending, distinct), or -1. Ids close
    together (a buyer's lines) through a table indexed by id, two passes; else by binary
    search (a third of a second for ten million)."""
    if not len(known) or not len(wanted):
        return np.full(len(wanted), -1, dtype=np.int64)
    low, high = int(known[0]), int(known[-1])
    if high - low < 4 * len(known) + 1024:
        table = np.full(high - low + 1, -1, dtype=np.int64)
        table[known - low] = np.arange(len(known))
        inside = (wanted >= low) & (wanted <= high)
        return np.where(inside, table[np.clip(wanted - low, 0, high - low)], -1)
    index = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
    return np.where(known[index] == wanted, index, -1)


def ranks(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids, ascending, and each id's index among them."""
    low, high = int(ids.min()), int(ids.max())
    if low >= 0 and high < TABLE_LIMIT:
        seen = np.zeros(high + 1, dtype=bool)
        seen[ids] = True
        distinct = np.flatnonzero(seen)
        rank = np.cumsum(seen, dtype=np.int64) - 1
        return distinct, rank[ids]
    found = np.unique(ids, return_inverse=True)
    return found[0], found[1].astype(np.int64)


class MonthGroups:
    """The (rated party, month) group of each row: `keys` numbers them densely."""

    def __init__(self, rated_ids: np.ndarray, days: np.ndarray) -> None:
        self.size = len(days)
        if not self.size:
            self.parties = np.zeros(0, dtype=np.int64)
            self.first_month = 0
            self.months = 0
            self.keys = np.zeros(0, dtype=np.int64)
            return
        low, high = int(days.min()), int(days.max())
        # Month number (months since 1970) of every day in the span: one small table.
        span = np.arange(low, high + 1, dtype="int64").astype("datetime64[D]")
        month_of_day = span.astype("datetime64[M]").astype(np.int64)
        self.first_month = int(month_of_day[0])
        self.months = int(month_of_day[-1]) - self.first_month + 1
        month = month_of_day[days - low] - self.first_month
        self.parties, party = ranks(rated_ids)
        self.keys = party * self.months + month

    def subset(self, rows: np.ndarray) -> MonthGroups:
        """The groups of these rows (indices), numbered as here."""
        chosen = object.__new__(MonthGroups)
        chosen.size = len(rows)
        chosen.parties, chosen.first_month, chosen.months = (
            self.parties,
            self.first_month,
            self.months,
        )
        chosen.keys = self.keys[rows]
        return chosen

    def sums(self, columns: dict[str, np.ndarray], where: np.ndarray | None = None) -> pl.DataFrame:
        """rated_id, month and one sum per column over the rows `where` is true (all rows
        without it), for the groups with at least one such row; `rows` counts them."""
        keys = self.keys if where is None else self.keys[where]
        groups = len(self.parties) * self.months
        count = np.bincount(keys, minlength=groups)
        present = np.flatnonzero(count)
        sums = {
            name: np.bincount(
                keys, weights=values if where is None else values[where], minlength=groups
            )[present]
            for name, values in columns.items()
        }
        month_numbers = (present % max(self.months, 1) + self.first_month).astype("datetime64[M]")
        return pl.DataFrame(
            {
                "rated_id": self.parties[present // max(self.months, 1)].astype(np.int64),
                "month": month_numbers.astype("datetime64[D]"),
                "rows": count[present].astype(np.float64),
                **sums,
            }
        ).with_columns(pl.col("month").cast(pl.Date))
