"""Need-to-know on the supply data (supply/access.py), persona by persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.core.errors import NotFound
from accord.core.memo import forget_memoised
from accord.orgs.models import Nda
from accord.supply.access import (
    builds_visible_to,
    deliveries_visible_to,
    get_stock_item_for_user,
    order_lines_visible_to,
    orders_visible_to,
    sites_visible_to,
    stock_visible_to,
)
from accord.supply.services import (
    add_order_line,
    create_purchase_order,
    issue_order,
    receive_delivery,
    schedule_build,
)

STOCK = ("own_ebx2", "consigned_ebx2", "consigned_rvc", "own_rvc")


def visible_stock(person: Any, world: Any) -> set[str]:
    ids = set(stock_visible_to(person).values_list("pk", flat=True))
    return {name for name in STOCK if getattr(world, name).pk in ids}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # The holder sees all it holds.
        ("ems_planner", set(STOCK)),
        # Halcyon: its consigned goods, and Meridian's own stock of Earbuds parts (NDA covers
        # EBX2); never Roverly's consigned goods, nor Meridian's stock for Roverly's parts.
        ("oem_buyer", {"own_ebx2", "consigned_ebx2"}),
        # Roverly: its consigned goods, and Meridian's own stock of Rover parts.
        ("other_oem_user", {"consigned_rvc", "own_rvc"}),
        # A former EMS on EBX2 whose NDA lapsed, a supplier, an outsider: none of it.
        ("nda_expired_partner", set()),
        ("supplier_rep", set()),
        ("outsider", set()),
    ],
)
def test_stock_is_seen_by_its_holder_its_owner_and_partners_under_nda(
    people, stock_world, persona, expected
):
    assert visible_stock(people[persona], stock_world) == expected


def test_stock_one_may_not_see_answers_not_found(people, stock_world):
    for persona in ("oem_buyer", "supplier_rep", "nda_expired_partner"):
        with pytest.raises(NotFound):
            get_stock_item_for_user(people[persona], stock_world.consigned_rvc.pk)


def test_a_lapsed_nda_hides_the_partners_stock_at_once(people, stock_world):
    buyer = people.oem_buyer
    assert "own_ebx2" in visible_stock(buyer, stock_world)
    Nda.objects.filter(reference="NDA-HAL-MER-2025").update(
        expiry_date=dt.date.today() - dt.timedelta(days=1)
    )
    forget_memoised()
    assert visible_stock(buyer, stock_world) == {"consigned_ebx2"}


def test_sites_are_seen_by_their_organisation_and_where_visible_stock_lies(people, stock_world):
    assert set(sites_visible_to(people.oem_buyer)) == {
        stock_world.halcyon_plant,
        stock_world.plant,
    }
    assert set(sites_visible_to(people.supplier_rep)) == set()


def test_an_order_is_seen_by_its_buyer_and_its_supplier_members_only(
    people, programs, orgs, stock_world
):
    buyer = people.oem_buyer
    order = create_purchase_order(
        actor=buyer, program=programs["EBX2"], supplier=orgs["sunridge"], number="PO-1001"
    )
    line = add_order_line(
        actor=buyer,
        order=order,
        part=stock_world.ebx2_part,
        quantity_ordered=500,
        requested_date=dt.date.today() + dt.timedelta(days=30),
        unit_price="0.42",
    )
    issue_order(actor=buyer, order=order)
    receive_delivery(
        actor=buyer,
        line=line,
        site=stock_world.halcyon_plant,
        quantity_received=100,
        received_on=dt.date.today(),
        rejected_quantity=3,
        reject_reason="bent leads",
    )
    for persona, sees in {
        "oem_buyer": True,
        "oem_engineer": True,  # a member of EBX2 at the buyer
        "supplier_rep": True,  # the supplier's member of EBX2
        "arrowpoint_rep": False,  # another seller on the same program
        "ems_planner": False,  # not a party to the order
        "other_oem_user": False,
        "outsider": False,
    }.items():
        person = people[persona]
        assert orders_visible_to(person).filter(pk=order.pk).exists() is sees, persona
        assert order_lines_visible_to(person).filter(pk=line.pk).exists() is sees, persona
        assert deliveries_visible_to(person).filter(line=line).exists() is sees, persona


def test_the_build_schedule_is_for_the_programs_members_not_its_suppliers(people, programs, boms):
    bom = next(b for b in boms.values() if b.program.code == "EBX2")
    build = schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=bom.assembly,
        quantity_due=1000,
        due_date=dt.date.today() + dt.timedelta(weeks=6),
    )
    for persona, sees in {
        "oem_buyer": True,
        "ems_planner": True,
        "supplier_rep": False,
        "arrowpoint_rep": False,
        "other_oem_user": False,
        "nda_expired_partner": False,  # a member of EBX2 whose NDA lapsed: forecasts are restricted
    }.items():
        assert builds_visible_to(people[persona]).filter(pk=build.pk).exists() is sees, persona


def test_offers_reach_whom_they_are_for(people, orgs, programs):
    """A buyer's recorded quote is the buyer's (and the supplier's it names); a supplier's own
    published offer reaches the buying organisations sharing a program with it, never another
    seller nor an organisation with no program in common."""
    from accord.orgs.models import ProgramPartner
    from accord.parts.models import Manufacturer, ManufacturerPart
    from accord.supply.access import offers_visible_to
    from accord.supply.services import record_offer

    maker = Manufacturer.objects.create(name="Offer Test Maker")
    driver = ManufacturerPart.objects.create(manufacturer=maker, mpn="OTM-1")
    published = record_offer(
        actor=people.supplier_rep,
        supplier=orgs["sunridge"],
        manufacturer_part=driver,
        price_breaks=[("100", "2.10")],
        seen_on=dt.date(2026, 12, 1),
        stock_quantity=5000,
    )
    quoted = record_offer(
        actor=people.oem_buyer,
        supplier=orgs["arrowpoint"],
        manufacturer_part=driver,
        price_breaks=[("100", "1.95")],
        seen_on=dt.date(2026, 12, 1),
    )

    def seen(persona: str) -> set[str]:
        ids = set(offers_visible_to(people[persona]).values_list("pk", flat=True))
        return {
            name
            for name, offer in (("published", published), ("quoted", quoted))
            if offer.pk in ids
        }

    sunridge_programs = set(
        ProgramPartner.objects.filter(organisation=orgs["sunridge"]).values_list(
            "program__code", flat=True
        )
    )
    assert "EBX2" in sunridge_programs and "RVC" not in sunridge_programs
    assert seen("supplier_rep") == {"published"}
    assert seen("oem_buyer") == {"published", "quoted"}  # Halcyon's quote, Sunridge's offer
    assert seen("ems_planner") == {"published"}  # Meridian builds EBX2 with Sunridge
    assert seen("arrowpoint_rep") == {"quoted"}  # names Arrowpoint; never Sunridge's prices
    assert seen("other_oem_user") == set()  # Roverly shares no program with Sunridge
    assert seen("outsider") == set()
