"""A refresh computes Inventory under Min from the ledger moves of its months and each stock
row's last move before them, and gets what the whole history gives for those months."""

from __future__ import annotations

import datetime as dt

import polars as pl

from accord.scorecards.choices import Metric
from accord.scorecards.queries import supplier_values
from accord.scorecards.tests import test_cards
from accord.supply.models import StockMove
from accord.supply.services import set_stock_level
from accord.supply.services.stock import stock_item

october = test_cards.october  # the fixture of October's orders, shared
AS_OF = dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC)


def under_min(template, since=None) -> dict[dt.date, float]:
    values = supplier_values(template, AS_OF, since).filter(pl.col("metric") == Metric.UNDER_MIN)
    return dict(values.select("month", "value").iter_rows())


def test_the_balance_before_the_first_month_carries_into_it(october, orgs):
    site, driver = october["site"], october["driver"]
    set_stock_level(actor=october["buyer"], site=site, part=driver, min_level=150, safety_stock=0)
    item = stock_item(site, driver, orgs["halcyon"])
    StockMove.objects.filter(item=item).delete()  # the receipts' moves, dated today
    for day, balance in (
        (dt.date(2026, 9, 10), 300),
        (dt.date(2026, 10, 5), 100),
        (dt.date(2026, 11, 20), 200),
    ):
        move = StockMove.objects.create(item=item, kind="adjust", quantity=1, balance_after=balance)
        StockMove.objects.filter(pk=move.pk).update(
            created_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        )
    template = october["template"]
    whole = under_min(template)
    # The one item (the driver, ordered from Sunridge) at each month's end from October, the
    # first month with a line due: October 100 (under 150), November and December 200.
    assert whole == {
        dt.date(2026, 10, 1): 100.0,
        dt.date(2026, 11, 1): 0.0,
        dt.date(2026, 12, 1): 0.0,
    }
    # From December on no move is inside the months: November's 200 is carried in.
    assert under_min(template, dt.date(2026, 12, 1)) == {dt.date(2026, 12, 1): 0.0}
    assert under_min(template, dt.date(2026, 11, 1)) == {
        dt.date(2026, 11, 1): 0.0,
        dt.date(2026, 12, 1): 0.0,
    }
