"""The supply picture of the demo workspace, written through the supply services as the people
would: Meridian's Penang plant holding its own stock and goods consigned by Halcyon and Roverly,
Min levels, the build schedule with a changed build, purchase orders at each stage, a delivery
with a rejected part of it, supplier offers and an allocation.

The accessibility check of every page (accord/web/tests/test_browser.py) finds its objects by
these codes and numbers (accord/web/tests/access_matrix_supply.py, DEMO_SUPPLY_IDS).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accord.core.access import today
from accord.demo.personas import World
from accord.parts.models import ApprovedSource, ManufacturerPart, Part
from accord.supply import services
from accord.supply.models import Site, StockItem


def _source(part: Part, mpn: str) -> ManufacturerPart:
    return ApprovedSource.objects.get(part=part, manufacturer_part__mpn=mpn).manufacturer_part


def load_supply_story(world: World) -> None:
    day = today()
    people, orgs, parts, programs = world.people, world.orgs, world.parts, world.programs
    planner, buyer = people["ems_planner"], people["oem_buyer"]
    rep, roverly_pm = people["supplier_rep"], people["other_oem_user"]
    with transaction.atomic():
        plant = services.create_site(actor=planner, code="PEN1", name="Penang plant", country="MY")
        depot = services.create_site(
            actor=planner, code="PEN-WH", name="Penang warehouse", kind="warehouse", country="MY"
        )
        lab = services.create_site(actor=buyer, code="SJ", name="San Jose lab", country="US")

        def receive(site: Site, number: str, owner: str, amount: int, reference: str) -> StockItem:
            return services.receive_stock(
                actor=planner,
                site=site,
                part=parts[number],
                quantity_received=amount,
                owner=orgs[owner],
                reference=reference,
            ).item

        soc = receive(plant, "HAL-200-0001", "meridian", 1200, "DN-88121")
        driver = receive(plant, "HAL-400-0001", "halcyon", 4000, "Consignment CN-311")
        receive(plant, "HAL-200-0001", "halcyon", 300, "Consignment CN-309")
        receive(plant, "RVC-200-0001", "roverly", 500, "Consignment RV-77")
        receive(plant, "RVC-200-0002", "meridian", 150, "DN-88240")
        for number, minimum, safety in (("HAL-200-0001", 500, 200), ("RVC-200-0001", 200, 50)):
            services.set_stock_level(
                actor=planner,
                site=plant,
                part=parts[number],
                min_level=minimum,
                safety_stock=safety,
            )

        build = services.schedule_build(
            actor=buyer,
            program=programs["EBX2"],
            assembly=parts["EBX2-PCBA"],
            quantity_due=1000,
            due_date=day + dt.timedelta(weeks=6),
            site=plant,
            reference="EBX2 lot 7",
            note="Q3 forecast",
        )
        build = services.change_build(
            actor=buyer,
            build=build,
            quantity_due=1200,
            firmness="firm",
            note="Retail launch order confirmed",
        )
        services.schedule_build(
            actor=roverly_pm,
            program=programs["RVC"],
            assembly=parts["RVC-MAIN"],
            quantity_due=300,
            due_date=day + dt.timedelta(weeks=5),
            site=plant,
        )
        services.issue_stock(
            actor=planner, item=soc, quantity_issued=240, build=build, reference="WO-1182"
        )
        services.adjust_stock(actor=planner, item=soc, change=-3, reason="Cycle count 2026-W14")
        services.transfer_stock(
            actor=planner, item=driver, to_site=depot, quantity_moved=500, reference="TR-0412"
        )

        ba_driver = _source(parts["HAL-400-0001"], "SA-BA-3110")
        capacitor = _source(parts["HAL-100-0001"], "GRM155R61A104KA01D")
        order = services.create_purchase_order(
            actor=buyer,
            program=programs["EBX2"],
            supplier=orgs["sunridge"],
            number="PO-2026-0147",
            ship_to=plant,
            notes="Consigned to Meridian Penang for the EBX2 box build.",
        )
        line = services.add_order_line(
            actor=buyer,
            order=order,
            part=parts["HAL-400-0001"],
            manufacturer_part=ba_driver,
            quantity_ordered=6000,
            requested_date=day + dt.timedelta(days=30),
            unit_price="1.85",
        )
        services.issue_order(actor=buyer, order=order)
        services.acknowledge_order(actor=rep, order=order)
        services.confirm_order_line(
            actor=rep, line=line, confirmed_date=day + dt.timedelta(days=35)
        )
        caps = services.create_purchase_order(
            actor=buyer,
            program=programs["EBX2"],
            supplier=orgs["arrowpoint"],
            number="PO-2026-0152",
            ship_to=lab,
        )
        caps_line = services.add_order_line(
            actor=buyer,
            order=caps,
            part=parts["HAL-100-0001"],
            manufacturer_part=capacitor,
            quantity_ordered=50000,
            requested_date=day,
            unit_price="0.0042",
        )
        services.issue_order(actor=buyer, order=caps)
        services.receive_delivery(
            actor=buyer,
            line=caps_line,
            site=lab,
            quantity_received=20000,
            received_on=day,
            rejected_quantity=150,
            reject_reason="Solderability test failed",
        )
        draft = services.create_purchase_order(
            actor=buyer, program=programs["EBX2"], supplier=orgs["sunridge"], number="PO-2026-0160"
        )
        services.add_order_line(
            actor=buyer,
            order=draft,
            part=parts["HAL-400-0001"],
            manufacturer_part=ba_driver,
            quantity_ordered=3000,
            requested_date=day + dt.timedelta(days=75),
        )

        services.record_offer(
            actor=buyer,
            supplier=orgs["arrowpoint"],
            manufacturer_part=capacitor,
            price_breaks=[("10000", "0.0042"), ("50000", "0.0036")],
            seen_on=day - dt.timedelta(days=3),
            supplier_part_number="AP-490-1",
            moq=10000,
            order_multiple=10000,
            lead_time_days=84,
            stock_quantity=1500000,
        )
        services.record_offer(
            actor=buyer,
            supplier=orgs["sunridge"],
            manufacturer_part=ba_driver,
            price_breaks=[("1", "2.10"), ("1000", "1.85"), ("5000", "1.72")],
            seen_on=day - dt.timedelta(days=10),
            moq=100,
            order_multiple=100,
            lead_time_days=56,
        )
        services.record_allocation(
            actor=rep,
            buyer=orgs["halcyon"],
            manufacturer_part=ba_driver,
            period_start=day,
            period_end=day + dt.timedelta(days=90),
            quantity_allocated=6000,
        )
