"""The stock ledger through its services: every change is an entry with the balance it left,
a balance never goes below zero, goods keep their owner, and only the holder moves them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.supply.choices import MoveKind
from accord.supply.models import StockItem, StockMove
from accord.supply.services import (
    adjust_stock,
    issue_stock,
    receive_stock,
    retire_site,
    scrap_stock,
    transfer_stock,
)
from accord.supply.services.stock import InsufficientStock


def balance(item: StockItem) -> Decimal:
    return StockItem.objects.get(pk=item.pk).on_hand


def test_each_move_is_an_entry_with_the_balance_it_left(people, stock_world):
    planner, item = people.ems_planner, stock_world.own_ebx2
    issue_stock(actor=planner, item=item, quantity_issued="30", reference="WO-17")
    adjust_stock(actor=planner, item=item, change="-2.5", reason="cycle count")
    scrap_stock(actor=planner, item=item, quantity_scrapped=1, reason="ESD damage")
    adjust_stock(actor=planner, item=item, change=4, reason="found a reel")
    # 100 received - 30 issued - 2.5 counted short - 1 scrapped + 4 found = 70.5
    assert balance(item) == Decimal("70.5")
    ledger = list(item.moves.order_by("pk").values_list("kind", "quantity", "balance_after"))
    assert ledger == [
        (MoveKind.RECEIVE, Decimal(100), Decimal(100)),
        (MoveKind.ISSUE, Decimal(-30), Decimal(70)),
        (MoveKind.ADJUST, Decimal("-2.5"), Decimal("67.5")),
        (MoveKind.SCRAP, Decimal(-1), Decimal("66.5")),
        (MoveKind.ADJUST, Decimal(4), Decimal("70.5")),
    ]
    assert sum(q for _, q, _ in ledger) == balance(item)
    verbs = Event.objects.filter(object_type="supply.stockmove").values_list("verb", flat=True)
    assert {"received stock", "issued stock", "adjusted stock", "scrapped stock"} <= set(verbs)


def test_a_balance_never_goes_below_zero_and_a_refusal_changes_nothing(people, stock_world):
    planner, item = people.ems_planner, stock_world.own_rvc  # 7 on hand
    moves = item.moves.count()
    for attempt in (
        lambda: issue_stock(actor=planner, item=item, quantity_issued=8),
        lambda: scrap_stock(actor=planner, item=item, quantity_scrapped="7.0001", reason="x"),
        lambda: adjust_stock(actor=planner, item=item, change=-10, reason="count"),
        lambda: transfer_stock(
            actor=planner, item=item, to_site=stock_world.depot, quantity_moved=9
        ),
    ):
        with pytest.raises(InsufficientStock) as refused:
            attempt()
        assert refused.value.http_status == 409
        assert "Only 7 on hand" in refused.value.message
    assert balance(item) == 7 and item.moves.count() == moves
    issue_stock(actor=planner, item=item, quantity_issued=7)
    assert balance(item) == 0


@pytest.mark.parametrize(
    "amount", ["0", "-1", "abc", "1e400", "NaN", "0.00001", "12345678901", "Infinity"]
)
def test_quantities_that_cannot_be_stock_are_refused_clearly(people, stock_world, amount):
    with pytest.raises(InvalidInput) as refused:
        receive_stock(
            actor=people.ems_planner,
            site=stock_world.plant,
            part=stock_world.ebx2_part,
            quantity_received=amount,
        )
    assert refused.value.detail == {"field": "quantity"}


def test_a_transfer_moves_goods_between_sites_and_keeps_their_owner(people, stock_world):
    planner, item = people.ems_planner, stock_world.consigned_ebx2  # Halcyon's 40
    out, into = transfer_stock(
        actor=planner, item=item, to_site=stock_world.depot, quantity_moved=15
    )
    assert (out.quantity, into.quantity) == (Decimal(-15), Decimal(15))
    assert out.transfer_group == into.transfer_group is not None
    assert into.item.site == stock_world.depot and into.item.owner == item.owner
    assert balance(item) == 25 and balance(into.item) == 15


def test_only_the_holder_moves_its_stock(people, stock_world):
    item = stock_world.consigned_ebx2
    for persona in ("oem_buyer", "supplier_rep", "other_oem_user"):
        with pytest.raises(Forbidden):
            issue_stock(actor=people[persona], item=item, quantity_issued=1)
    assert balance(item) == 40


def test_goods_are_owned_by_the_holder_or_consigned_by_a_customer(people, stock_world, orgs):
    planner = people.ems_planner
    with pytest.raises(InvalidInput, match="not a customer of Meridian"):
        receive_stock(
            actor=planner,
            site=stock_world.plant,
            part=stock_world.ebx2_part,
            quantity_received=1,
            owner=orgs["sunridge"],
        )


def test_a_retired_site_takes_no_more_moves(people, stock_world):
    retire_site(actor=people.ems_planner, site=stock_world.depot)
    with pytest.raises(Conflict, match="retired"):
        receive_stock(
            actor=people.ems_planner,
            site=stock_world.depot,
            part=stock_world.ebx2_part,
            quantity_received=1,
        )
    assert not StockMove.objects.filter(item__site=stock_world.depot).exists()


def test_consigned_goods_go_only_to_their_owners_builds(people, programs, boms, stock_world):
    """Roverly's consigned goods at Meridian cannot be issued to Halcyon's build."""
    import datetime as dt

    from accord.supply.services import schedule_build

    bom = next(b for b in boms.values() if b.program.code == "EBX2")
    build = schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=bom.assembly,
        quantity_due=10,
        due_date=dt.date.today() + dt.timedelta(weeks=2),
    )
    with pytest.raises(InvalidInput, match="consigned by Roverly"):
        issue_stock(
            actor=people.ems_planner, item=stock_world.consigned_rvc, quantity_issued=1, build=build
        )
    issue_stock(
        actor=people.ems_planner, item=stock_world.consigned_ebx2, quantity_issued=1, build=build
    )
    assert balance(stock_world.consigned_rvc) == 25 and balance(stock_world.consigned_ebx2) == 39
