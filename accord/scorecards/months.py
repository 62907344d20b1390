"""Months as the cards name them: the first day of the month, written YYYY-MM."""

from __future__ import annotations

import datetime as dt


def parse_month(text: str) -> dt.date | None:
    """The month "YYYY-MM" names (its first day), or None for anything else."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after the one this day is in."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
