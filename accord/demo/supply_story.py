"""The demo's supply story, told through the services as the people would act:

Meridian builds the left earbud (EBX2-L) for Halcyon, 400 a week from week 4, in Penang. The
earbuds' controller (the iCE40UP5K of the main board, which runs the firmware) comes from
Arrowpoint on two order lines; Arrowpoint pushed the second line's confirmed date from week 5
to week 9, so the controller runs short in week 6 and the week-6 builds are held back. The
balanced-armature drivers and the housings are consigned by Halcyon. The heart-rate monitor's
builds are scheduled too. Week numbers count from the Monday of the current week.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from accord.core.access import today
from accord.demo.personas import World
from accord.parts import services as part_services
from accord.parts.choices import SourceStatus
from accord.parts.models import Bom, BomLine, ManufacturerPart, Part
from accord.planning.access import programs_for_planning
from accord.planning.inputs import week_start
from accord.planning.services import refresh_plan, share_forecast
from accord.supply import services as supply
from accord.supply.choices import Firmness
from accord.supply.models import Site

CONTROLLER_MPN = "ICE40UP5K-UWG30ITR"
ALTERNATE_CONTROLLER_MPN = "ICE40UP5K-UWG30ITR1K"
SHORT_RESISTOR = "RC0402FR-1310KL"  # the monitor's 10 kΩ 0402, eight on each board
CANDIDATE_RESISTOR_MPN = "RC0402FR-0710KL"
MONITOR_WEEKS = range(6, 26, 4)
MONITORS_PER_BUILD = 150
WEEKLY_EARBUDS = 400
EARBUD_WEEKS = range(4, 16)


def _day(week: int) -> dt.date:
    """The Wednesday of a plan week."""
    return week_start(today()) + dt.timedelta(weeks=week, days=2)


def _latest_bom(world: World, program: str, assembly: str) -> Bom:
    bom = (
        Bom.objects.filter(program=world.programs[program], assembly__number=assembly)
        .order_by("-created_at", "-pk")
        .first()
    )
    assert bom is not None, f"the demo has no BOM of {assembly}"
    return bom


def tell_supply_story(world: World) -> None:
    planner, buyer = world.people["ems_planner"], world.people["oem_buyer"]
    distributor = world.people["arrowpoint_rep"]
    halcyon, arrowpoint = world.orgs["halcyon"], world.orgs["arrowpoint"]
    # The plant of the supply picture (accord/demo/supply.py), made here when it is not.
    plant = Site.objects.filter(organisation=world.orgs["meridian"], code="PEN1").first()
    if plant is None:
        plant = supply.create_site(actor=planner, code="PEN1", name="Penang plant", country="MY")
    for number in ("EBX2-L", "EBX2-PCBA"):
        part = Part.objects.get(owner=halcyon, number=number)
        part_services.update_part(actor=buyer, part=part, lead_time_weeks=1)

    controller = Part.objects.get(owner=halcyon, sources__manufacturer_part__mpn=CONTROLLER_MPN)
    # Stock for sixteen weeks of earbuds of everything else on the boards; little controller.
    horizon_need = WEEKLY_EARBUDS * 16
    for program, assembly in (("EBX2", "EBX2-PCBA"), ("EBX2", "EBX2-L")):
        lines = BomLine.objects.filter(bom=_latest_bom(world, program, assembly), dnp=False)
        for line in lines.select_related("part"):
            if line.part.is_assembly or line.part_id == controller.pk:
                continue
            consigned = line.material_responsibility == "consigned"
            supply.receive_stock(
                actor=planner,
                site=plant,
                part=line.part,
                quantity_received=math.ceil(line.quantity * horizon_need),
                owner=halcyon if consigned else None,
                reference="Opening balance",
            )
    # 600 for the earbuds and 1,200 for the main boards the supply picture schedules in week 6.
    item = supply.receive_stock(
        actor=planner, site=plant, part=controller, quantity_received=1800, reference="Opening"
    ).item
    supply.set_stock_level(
        actor=planner, site=plant, part=controller, min_level=400, safety_stock=100
    )
    _alternates_that_cover(world, controller)

    order = supply.create_purchase_order(
        actor=planner,
        program=world.programs["EBX2"],
        supplier=arrowpoint,
        number="MER-PO-24017",
        ship_to=plant,
    )
    first = supply.add_order_line(
        actor=planner,
        order=order,
        part=controller,
        quantity_ordered=1200,
        requested_date=_day(3),
        unit_price="6.85",
    )
    second = supply.add_order_line(
        actor=planner,
        order=order,
        part=controller,
        quantity_ordered=2400,
        requested_date=_day(5),
        unit_price="6.85",
    )
    supply.issue_order(actor=planner, order=order)
    supply.acknowledge_order(actor=distributor, order=order)
    supply.confirm_order_line(actor=distributor, line=first, confirmed_date=_day(3))
    supply.confirm_order_line(actor=distributor, line=second, confirmed_date=_day(5))
    # The allocation ran out: Arrowpoint pushes the second line by four weeks.
    supply.confirm_order_line(actor=distributor, line=second, confirmed_date=_day(9))

    earbud = Part.objects.get(owner=halcyon, number="EBX2-L")
    for week in EARBUD_WEEKS:
        supply.schedule_build(
            actor=buyer,
            program=world.programs["EBX2"],
            assembly=earbud,
            quantity_due=WEEKLY_EARBUDS,
            due_date=_day(week),
            firmness=Firmness.FIRM if week < 8 else Firmness.FORECAST,
            site=plant,
            reference=f"EBX2-L wk{week}",
        )
    monitor = Part.objects.get(owner=halcyon, number="PHRM-MAIN")
    for week in MONITOR_WEEKS:
        supply.schedule_build(
            actor=buyer,
            program=world.programs["PHRM"],
            assembly=monitor,
            quantity_due=Decimal(MONITORS_PER_BUILD),
            due_date=_day(week),
            site=plant,
            reference=f"PHRM wk{week}",
        )
    del item
    _heart_rate_monitor_stock(world, plant)
    for username in ("ems_planner", "oem_buyer", "oem_engineer"):
        person = world.people[username]
        for code in ("EBX2", "PHRM"):
            if programs_for_planning(person).filter(code=code).exists():
                refresh_plan(actor=person, person=person, program=world.programs[code])
    # What Halcyon's plan needs of Sunridge's drivers, shared with Sunridge.
    share_forecast(
        actor=buyer,
        program=world.programs["EBX2"],
        supplier=world.orgs["sunridge"],
        note="Earbuds X2 ramp",
    )


def _alternates_that_cover(world: World, controller: Part) -> None:
    """The controller's second approved source (the same device on a 1,000-piece reel), which
    Arrowpoint has in stock: what the planner finds on the controller's alternates page."""
    planner, buyer = world.people["ems_planner"], world.people["oem_buyer"]
    lattice = controller.sources.select_related("manufacturer_part__manufacturer").first()
    assert lattice is not None, "the controller has no approved source"
    reel = part_services.add_approved_source(
        actor=buyer,
        part=controller,
        manufacturer=lattice.manufacturer_part.manufacturer.name,
        mpn=ALTERNATE_CONTROLLER_MPN,
        status=SourceStatus.APPROVED,
        notes="The same device on a 1,000-piece reel",
    )
    supply.record_offer(
        actor=planner,
        supplier=world.orgs["arrowpoint"],
        manufacturer_part=reel.manufacturer_part,
        price_breaks=[("1000", "7.40"), ("5000", "7.05")],
        seen_on=today() - dt.timedelta(days=1),
        supplier_part_number="AP-ICE40-1K",
        moq=1000,
        order_multiple=1000,
        lead_time_days=10,
        stock_quantity=6000,
    )


def _heart_rate_monitor_stock(world: World, plant: Site) -> None:
    """Meridian holds what the heart-rate monitor's five builds need, but for its 10 kΩ
    resistors (eight a board), of which two builds' worth: they run short at the third build.
    Yageo's 7-inch-reel version of the same resistor is a parametric candidate that Arrowpoint
    stocks. The KEMET capacitor's last-time-buy date comes before the last build (the risk
    register's lifecycle risk)."""
    planner = world.people["ems_planner"]
    bom = _latest_bom(world, "PHRM", "PHRM-MAIN")
    for line in BomLine.objects.filter(bom=bom, dnp=False).select_related("part"):
        if line.part.is_assembly:
            continue
        builds = 2 if line.part.number == SHORT_RESISTOR else len(MONITOR_WEEKS)
        supply.receive_stock(
            actor=planner,
            site=plant,
            part=line.part,
            quantity_received=math.ceil(line.quantity * MONITORS_PER_BUILD * builds),
            owner=world.orgs["halcyon"] if line.material_responsibility == "consigned" else None,
            reference="Opening balance",
        )
    supply.record_offer(
        actor=planner,
        supplier=world.orgs["arrowpoint"],
        manufacturer_part=ManufacturerPart.objects.get(mpn=CANDIDATE_RESISTOR_MPN),
        price_breaks=[("10000", "0.0031"), ("50000", "0.0024")],
        seen_on=today() - dt.timedelta(days=2),
        supplier_part_number="AP-RC0402-10K",
        moq=10000,
        order_multiple=10000,
        lead_time_days=7,
        stock_quantity=250000,
    )
