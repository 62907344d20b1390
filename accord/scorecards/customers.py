"""A customer's card: how the organisations an EMS or a supplier works for keep their word.
(Filled in by the next step; until then a customer's card has no data.)"""

from __future__ import annotations

import datetime as dt

import polars as pl

from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.queries import VALUES_SCHEMA


def customer_values(template: ScorecardTemplate, as_of: dt.datetime) -> pl.DataFrame:
    return pl.DataFrame(schema=VALUES_SCHEMA)
