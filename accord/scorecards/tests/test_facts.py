"""The columnar copy of order lines and receipts (facts.py) follows every change the supply
services make, and cards computed from it equal cards computed from the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from accord.scorecards import facts
from accord.scorecards.models import CardMonth, FactBlock, FactChange, FactSummary, MetricMonth
from accord.scorecards.services import compute_cards
from accord.scorecards.tests import test_cards
from accord.scorecards.tests.test_cards import AS_OF, OCT
from accord.supply.services import (
    add_order_line,
    cancel_order_line,
    confirm_order_line,
    create_purchase_order,
    issue_order,
    receive_delivery,
)

october = test_cards.october  # the fixture of October's orders, shared


@pytest.fixture(autouse=True, params=["overlaid", "rebuilt"])
def small_blocks(request: Any, monkeypatch: Any) -> None:
    # Two lines a block: the handful of lines of a test spread over several blocks, read
    # one block at a time when new. Changed
    # lines read over their stored block, or their block rebuilt.
    monkeypatch.setattr(facts, "BLOCK_SIZE", 2)
    monkeypatch.setattr(facts, "TAIL_BLOCKS", 1)  # new blocks read one at a time
    monkeypatch.setattr(facts, "OVERLAY_LIMIT", 2000 if request.param == "overlaid" else 0)


def from_database(organisation_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (
        facts._read_lines(organisation_id, 0, None).sort("line_id"),
        facts._read_receipts(organisation_id, 0, None).sort("line_id", "received_on"),
    )


def assert_current(organisation_id: int) -> facts.Facts:
    copy = facts.current_facts(organisation_id)
    lines, receipts = from_database(organisation_id)
    assert copy.lines.sort("line_id").equals(lines)
    assert copy.receipts.sort("line_id", "received_on").equals(receipts)
    return copy


def test_the_copy_follows_every_change(october, people, orgs):
    halcyon = orgs["halcyon"].pk
    first = assert_current(halcyon)
    assert first.lines.height == 3 and first.receipts.height == 4
    assert FactBlock.objects.filter(organisation_id=halcyon).count() == 2  # lines 1-2, 3
    line = october["lines"][3]
    confirm_order_line(actor=people.supplier_rep, line=line, confirmed_date=dt.date(2026, 10, 22))
    confirmed = assert_current(halcyon).lines.filter(pl.col("line_id") == line.pk)
    assert confirmed["confirmed"].to_list() == [dt.date(2026, 10, 22)]
    # A new order: its lines land in new blocks; one is cancelled, one receives a delivery.
    order = create_purchase_order(
        actor=october["buyer"],
        program=october["program"],
        supplier=orgs["sunridge"],
        number="PO-5",
    )
    added = [
        add_order_line(
            actor=october["buyer"],
            order=order,
            part=october["driver"],
            quantity_ordered=quantity,
            requested_date=dt.date(2026, 11, 20),
        )
        for quantity in (7, 8, 9)
    ]
    assert assert_current(halcyon).lines.height == 3  # a draft is nobody's business yet
    issue_order(actor=october["buyer"], order=order)
    assert assert_current(halcyon).lines.height == 6
    cancel_order_line(actor=october["buyer"], line=added[0], reason="not needed")
    receive_delivery(
        actor=october["buyer"],
        line=added[1],
        site=october["site"],
        quantity_received=8,
        received_on=dt.date(2026, 11, 19),
        rejected_quantity=2,
        reject_reason="cracked",
    )
    latest = assert_current(halcyon)
    assert added[0].pk not in latest.lines["line_id"].to_list()
    assert latest.receipts.filter(pl.col("line_id") == added[1].pk)["rejected"].to_list() == [2.0]
    assert sorted(latest.supplied.rows()) == [(october["driver"].pk, orgs["sunridge"].pk)]
    # The recompute of the whole history rebuilds every stale block: nothing left to overlay.
    compacted = facts.current_facts(halcyon, compact=True)
    assert not FactChange.objects.filter(organisation_id=halcyon).exists()
    assert compacted.lines.sort("line_id").equals(latest.lines.sort("line_id"))
    assert_current(halcyon)


def test_since_reads_only_the_blocks_that_reach_it(october, orgs):
    halcyon = orgs["halcyon"].pk
    everything = facts.current_facts(halcyon)
    assert everything.lines.height == 3
    # October's blocks end in October: a computation from February on needs none of them.
    nothing = facts.current_facts(halcyon, since=dt.date(2027, 2, 1))
    assert nothing.lines.is_empty() and nothing.receipts.is_empty()
    assert nothing.supplied.height == 1  # the items under Min still know who supplies what
    # Line 1 is due 10-10 (received 10-09), line 2 due 10-10 (received by 10-14), line 3 due
    # 10-20; a block holds two ids.
    one, two, three = (line.pk for line in october["lines"].values())

    def lines_in_blocks_of(*lines: int) -> list[int]:
        return [pk for pk in (one, two, three) if pk // 2 in {line // 2 for line in lines}]

    since_15th = facts.current_facts(halcyon, since=dt.date(2026, 10, 15))
    assert sorted(since_15th.lines["line_id"].to_list()) == lines_in_blocks_of(three)
    since_11th = facts.current_facts(halcyon, since=dt.date(2026, 10, 11))
    assert sorted(since_11th.lines["line_id"].to_list()) == lines_in_blocks_of(two, three)
    assert facts.current_facts(halcyon, since=dt.date(2026, 10, 10)).lines.height == 3


def test_a_refresh_writes_the_open_months_and_a_recompute_all_of_them(october, orgs):
    template = october["template"]
    assert compute_cards(template, as_of=AS_OF, whole_history=True) == 1
    stored = {m.metric: (m.numerator, m.denominator) for m in MetricMonth.objects.filter(month=OCT)}
    # As of 2027-01-15 October is closed: the refresh leaves it as stored, writes nothing new.
    later = dt.datetime(2027, 1, 15, tzinfo=dt.UTC)
    assert compute_cards(template, as_of=later) == 0
    assert {
        m.metric: (m.numerator, m.denominator) for m in MetricMonth.objects.filter(month=OCT)
    } == stored
    card = CardMonth.objects.get(template=template, month=OCT)
    assert card.closed and card.grade == "D" and card.action == "block"


def test_the_pairs_summary_takes_the_pairs_of_blocks_built_by_a_refresh(october, orgs):
    halcyon, driver = orgs["halcyon"].pk, october["driver"].pk
    assert facts.current_facts(halcyon).supplied.rows() == [(driver, orgs["sunridge"].pk)]
    order = create_purchase_order(
        actor=october["buyer"],
        program=october["program"],
        supplier=orgs["arrowpoint"],
        number="PO-6",
    )
    add_order_line(
        actor=october["buyer"],
        order=order,
        part=october["driver"],
        quantity_ordered=5,
        requested_date=dt.date(2026, 11, 20),
    )
    issue_order(actor=october["buyer"], order=order)
    expected = sorted([(driver, orgs["sunridge"].pk), (driver, orgs["arrowpoint"].pk)])
    assert sorted(facts.current_facts(halcyon).supplied.rows()) == expected
    # Kept: the next refresh reads the summary, not the blocks.
    summary = FactSummary.objects.get(organisation_id=halcyon)
    assert sorted(pl.read_parquet(bytes(summary.supplied)).rows()) == expected
    assert not summary.exact  # pairs added: a rebuilt block may have dropped one
    assert sorted(facts.current_facts(halcyon, compact=True).supplied.rows()) == expected
    assert FactSummary.objects.get(organisation_id=halcyon).exact  # read from every block
    FactBlock.objects.filter(organisation_id=halcyon).update(supplied=b"")
    assert sorted(facts.current_facts(halcyon).supplied.rows()) == expected
