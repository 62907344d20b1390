"""Purchase orders from issue to receipt with inspection; the build schedule's versions;
offers and allocations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.parts.models import ManufacturerPart
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.models import BuildVersion, PurchaseOrderLine, StockItem
from accord.supply.services import (
    acknowledge_order,
    add_order_line,
    cancel_order_line,
    change_build,
    confirm_order_line,
    create_purchase_order,
    issue_order,
    receive_delivery,
    record_allocation,
    record_offer,
    retire_build,
    schedule_build,
)

TODAY = dt.date.today()


@pytest.fixture
def order_line(people, programs, orgs, stock_world):
    buyer = people.oem_buyer
    order = create_purchase_order(
        actor=buyer,
        program=programs["EBX2"],
        supplier=orgs["sunridge"],
        number="PO-2001",
        ship_to=stock_world.plant,  # Halcyon buys, its EMS receives (consigned)
    )
    line = add_order_line(
        actor=buyer,
        order=order,
        part=stock_world.ebx2_part,
        quantity_ordered=300,
        requested_date=TODAY + dt.timedelta(weeks=4),
        unit_price="1.25",
    )
    return line


def test_an_order_goes_from_issue_to_receipt_with_inspection(people, order_line, stock_world):
    buyer, rep, planner = people.oem_buyer, people.supplier_rep, people.ems_planner
    order = order_line.order
    with pytest.raises(Conflict, match="nothing can be received"):
        receive_delivery(
            actor=planner,
            line=order_line,
            site=stock_world.plant,
            quantity_received=1,
            received_on=TODAY,
        )
    with pytest.raises(Conflict, match="nothing to answer"):
        acknowledge_order(actor=rep, order=order)
    issue_order(actor=buyer, order=order)
    order.refresh_from_db()
    confirm_order_line(actor=rep, line=order_line, confirmed_date=TODAY + dt.timedelta(weeks=6))
    order.refresh_from_db()
    assert order.status == OrderStatus.ACKNOWLEDGED and order.acknowledged_at is not None
    # The EMS receives 200 at the ship-to plant, rejects 10: 190 go into Halcyon's
    # consigned stock there (40 consigned before), and 110 are still to come.
    consigned = stock_world.consigned_ebx2
    delivery = receive_delivery(
        actor=planner,
        line=order_line,
        site=stock_world.plant,
        quantity_received=200,
        received_on=TODAY,
        rejected_quantity=10,
        reject_reason="wrong reel label",
    )
    line = PurchaseOrderLine.objects.get(pk=order_line.pk)
    assert (line.received_quantity, line.rejected_quantity) == (200, 10)
    assert line.open_quantity == Decimal(110) and line.status == LineStatus.PARTLY_RECEIVED
    assert StockItem.objects.get(pk=consigned.pk).on_hand == 40 + 190
    assert delivery.moves.get().quantity == 190
    with pytest.raises(Conflict, match="Only 110 of"):
        receive_delivery(
            actor=planner,
            line=line,
            site=stock_world.plant,
            quantity_received=111,
            received_on=TODAY,
        )
    receive_delivery(
        actor=planner, line=line, site=stock_world.plant, quantity_received=110, received_on=TODAY
    )
    assert PurchaseOrderLine.objects.get(pk=line.pk).status == LineStatus.RECEIVED


def test_who_may_do_what_on_an_order(people, order_line, stock_world):
    order = order_line.order
    with pytest.raises(Forbidden):
        add_order_line(
            actor=people.supplier_rep,
            order=order,
            part=stock_world.ebx2_part,
            quantity_ordered=1,
            requested_date=TODAY,
        )
    issue_order(actor=people.oem_buyer, order=order)
    with pytest.raises(Forbidden):
        confirm_order_line(actor=people.oem_buyer, line=order_line, confirmed_date=TODAY)
    with pytest.raises(InvalidInput, match="more rejected than received"):
        receive_delivery(
            actor=people.ems_planner,
            line=order_line,
            site=stock_world.plant,
            quantity_received=5,
            rejected_quantity=6,
            received_on=TODAY,
        )
    with pytest.raises(Forbidden):  # not the buyer, and not the ship-to site
        receive_delivery(
            actor=people.ems_planner,
            line=order_line,
            site=stock_world.depot,
            quantity_received=5,
            received_on=TODAY,
        )
    cancel_order_line(actor=people.oem_buyer, line=order_line, reason="design change")
    with pytest.raises(Conflict):
        confirm_order_line(actor=people.supplier_rep, line=order_line, confirmed_date=TODAY)


def test_an_order_goes_only_to_a_partner_of_the_program(people, programs, orgs):
    with pytest.raises(InvalidInput, match="does not take part"):
        create_purchase_order(
            actor=people.oem_buyer, program=programs["EBX2"], supplier=orgs["quillon"], number="X"
        )
    with pytest.raises(Forbidden):
        create_purchase_order(
            actor=people.supplier_rep,
            program=programs["EBX2"],
            supplier=orgs["arrowpoint"],
            number="X",
        )


def test_every_change_of_a_build_is_a_version_with_who_and_when(people, programs, boms):
    bom = next(b for b in boms.values() if b.program.code == "EBX2")
    build = schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=bom.assembly,
        quantity_due=1000,
        due_date=TODAY + dt.timedelta(weeks=8),
    )
    change_build(actor=people.ems_planner, build=build, quantity_due=1200, note="promo")
    change_build(actor=people.oem_buyer, build=build, firmness="firm")
    with pytest.raises(InvalidInput, match="Nothing changed"):
        change_build(actor=people.oem_buyer, build=build, quantity_due=1200)
    retire_build(actor=people.oem_buyer, build=build, note="cancelled")
    versions = list(
        BuildVersion.objects.filter(build=build)
        .order_by("version")
        .values_list("version", "quantity", "firmness", "status", "changed_by__username")
    )
    assert versions == [
        (1, Decimal(1000), "forecast", "scheduled", "oem_buyer"),
        (2, Decimal(1200), "forecast", "scheduled", "ems_planner"),
        (3, Decimal(1200), "firm", "scheduled", "oem_buyer"),
        (4, Decimal(1200), "firm", "retired", "oem_buyer"),
    ]
    with pytest.raises(Conflict):
        change_build(actor=people.oem_buyer, build=build, quantity_due=5)
    with pytest.raises(Forbidden):
        change_build(actor=people.supplier_rep, build=build, quantity_due=5)


def test_offers_keep_exact_price_breaks_and_allocations_replace_per_period(people, orgs):
    part = ManufacturerPart.objects.order_by("pk")[0]
    offer = record_offer(
        actor=people.oem_buyer,
        supplier=orgs["arrowpoint"],
        manufacturer_part=part,
        price_breaks=[("1000", "0.0812"), (1, "0.12"), ("100", Decimal("0.095"))],
        seen_on=TODAY,
        moq=1,
        order_multiple=1,
        lead_time_days=84,
        stock_quantity=12000,
    )
    assert offer.price_breaks == [
        {"quantity": "1", "unit_price": "0.12"},
        {"quantity": "100", "unit_price": "0.095"},
        {"quantity": "1000", "unit_price": "0.0812"},
    ]
    with pytest.raises(InvalidInput, match="each quantity once"):
        record_offer(
            actor=people.oem_buyer,
            supplier=orgs["arrowpoint"],
            manufacturer_part=part,
            price_breaks=[(1, "0.1"), ("1.0", "0.2")],
            seen_on=TODAY,
        )
    start = TODAY.replace(day=1)
    end = start + dt.timedelta(days=27)
    first = record_allocation(
        actor=people.supplier_rep,
        buyer=orgs["halcyon"],
        manufacturer_part=part,
        period_start=start,
        period_end=end,
        quantity_allocated=5000,
    )
    again = record_allocation(
        actor=people.supplier_rep,
        buyer=orgs["halcyon"],
        manufacturer_part=part,
        period_start=start,
        period_end=end,
        quantity_allocated=4000,
    )
    assert again.pk == first.pk and again.quantity == 4000
    with pytest.raises(Forbidden):
        record_allocation(
            actor=people.oem_buyer,
            buyer=orgs["halcyon"],
            manufacturer_part=part,
            period_start=start,
            period_end=end,
            quantity_allocated=1,
        )
