"""A small supply world on top of the personas: Meridian's plant holding stock of its own and
consigned by each of its two OEM customers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accord.parts.models import BomLine, Part
from accord.supply.models import Site, StockItem
from accord.supply.services import create_site, receive_stock


@dataclass
class StockWorld:
    plant: Site
    depot: Site
    halcyon_plant: Site
    ebx2_part: Part  # in an Earbuds X2 BOM (Halcyon's program)
    rvc_part: Part  # in a Rover Controller BOM (Roverly's program)
    own_ebx2: StockItem  # Meridian's own stock of the Earbuds part
    consigned_ebx2: StockItem  # Halcyon's consigned stock at Meridian
    consigned_rvc: StockItem  # Roverly's consigned stock at Meridian
    own_rvc: StockItem  # Meridian's own stock of the Rover part


def program_part(program: Any) -> Part:
    line = BomLine.objects.filter(bom__program=program, dnp=False).order_by("pk").first()
    assert line is not None
    return line.part


@pytest.fixture
def stock_world(people: Any, programs: Any, orgs: Any) -> StockWorld:
    planner, buyer = people.ems_planner, people.oem_buyer
    plant = create_site(actor=planner, code="PEN1", name="Penang plant")
    depot = create_site(actor=planner, code="PEN-WH", name="Penang warehouse", kind="warehouse")
    halcyon_plant = create_site(actor=buyer, code="SJ", name="San Jose lab")
    ebx2_part, rvc_part = program_part(programs["EBX2"]), program_part(programs["RVC"])

    def receive(part: Part, owner: Any, amount: int) -> StockItem:
        move = receive_stock(
            actor=planner, site=plant, part=part, quantity_received=amount, owner=owner
        )
        return move.item

    return StockWorld(
        plant=plant,
        depot=depot,
        halcyon_plant=halcyon_plant,
        ebx2_part=ebx2_part,
        rvc_part=rvc_part,
        own_ebx2=receive(ebx2_part, orgs["meridian"], 100),
        consigned_ebx2=receive(ebx2_part, orgs["halcyon"], 40),
        consigned_rvc=receive(rvc_part, orgs["roverly"], 25),
        own_rvc=receive(rvc_part, orgs["meridian"], 7),
    )
