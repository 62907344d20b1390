"""The supply pages' rows of the page access matrix (merged into test_access_matrix.py).

The world: Meridian (EMS) has a plant, PEN1, holding its own stock and stock consigned by each of
its two OEM customers, and a warehouse, PEN-WH; Halcyon has a lab, SJ. Halcyon ordered from
Sunridge on Earbuds X2 (PO-M1, issued, one priced line, shipping to PEN1; PO-M2, a draft) and
from Arrowpoint (PO-M3, issued). A build of EBX2-PCBA is scheduled on EBX2. Halcyon recorded an
offer of Sunridge's driver; Sunridge committed an allocation of it to Halcyon.

Statuses follow accord/supply/access.py's rules:

- Stock belongs to its holder: Meridian's people (planner and quality engineer alike) see all
  PEN1 holds and move it; Halcyon sees its consigned goods and, under its NDA with Meridian,
  Meridian's own stock of Earbuds parts (never Roverly's goods), and may not move any (403);
  Roverly likewise for Rover parts. A site is seen by its organisation and wherever visible
  stock lies; only its organisation's administrators retire it.
- Orders: the buyer's and the supplier's members of the program, nobody else (the EMS the
  order ships to included: 404). The buyer changes an order; the supplier answers it; each
  gets 403 for the other's actions.
- Builds: members of the program while an NDA with its owner covers it, sellers excepted; the
  lapsed-NDA partner sees the program but not its schedule.
- Offers and allocations: the organisation that recorded the offer and the supplier;
  allocations by sellers only.

Every route's kwargs go through `at()`, which builds the supply world the first time a test
asks for it (before the matrix takes its snapshot): the other pages' tests never pay for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accord.orgs.models import Organisation
from accord.parts.models import ApprovedSource, Part
from accord.supply.services import (
    add_order_line,
    create_purchase_order,
    create_site,
    issue_order,
    receive_stock,
    record_allocation,
    record_offer,
    schedule_build,
)

SIGNED_IN = [
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]
Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


def only(allowed: dict[str, int], default: int = 404) -> dict[str, int]:
    return {p: allowed.get(p, default) for p in SIGNED_IN}


def these(personas: tuple[str, ...] | list[str], status: int) -> dict[str, int]:
    return dict.fromkeys(personas, status)


EVERYONE = dict.fromkeys(SIGNED_IN, 200)
MERIDIAN = ("ems_planner", "ems_quality")
HALCYON = ("oem_buyer", "oem_engineer")
SELLERS = ("supplier_rep", "outsider")
# Members of EBX2 whose organisation may read Halcyon's restricted data (the schedule).
EBX2_PLANNERS = (*HALCYON, "ems_planner")
ADMINS = (
    "oem_buyer",
    "ems_planner",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
)
TODAY = dt.date.today()


def ensure_supply_world(w: dict[str, Any]) -> dict[str, Any]:
    """The supply world in `w` (once): the objects the routes below name."""
    if "supply:plant" in w:
        return w
    planner, buyer, rep = w["ems_planner"], w["oem_buyer"], w["supplier_rep"]
    halcyon, meridian, roverly = w["halcyon"], w["meridian"], w["roverly"]
    plant = create_site(actor=planner, code="PEN1", name="Penang plant", country="MY")
    depot = create_site(actor=planner, code="PEN-WH", name="Penang warehouse", kind="warehouse")
    lab = create_site(actor=buyer, code="SJ", name="San Jose lab", country="US")
    ebx2_part, rvc_part = w["HAL-200-0001"], w["RVC-200-0001"]

    def receive(part: Part, owner: Organisation, amount: int) -> Any:
        move = receive_stock(
            actor=planner, site=plant, part=part, quantity_received=amount, owner=owner
        )
        return move.item

    po = create_purchase_order(
        actor=buyer,
        program=w["EBX2"],
        supplier=w["sunridge"],
        number="PO-M1",
        ship_to=plant,
    )
    line = add_order_line(
        actor=buyer,
        order=po,
        part=w["HAL-400-0001"],
        quantity_ordered=2000,
        requested_date=TODAY + dt.timedelta(days=30),
        unit_price="1.85",
    )
    issue_order(actor=buyer, order=po)
    draft = create_purchase_order(
        actor=buyer, program=w["EBX2"], supplier=w["sunridge"], number="PO-M2"
    )
    add_order_line(
        actor=buyer,
        order=draft,
        part=w["HAL-400-0001"],
        quantity_ordered=500,
        requested_date=TODAY + dt.timedelta(days=60),
    )
    other = create_purchase_order(
        actor=buyer, program=w["EBX2"], supplier=w["arrowpoint"], number="PO-M3"
    )
    add_order_line(
        actor=buyer,
        order=other,
        part=w["HAL-100-0001"],
        quantity_ordered=10000,
        requested_date=TODAY + dt.timedelta(days=20),
        unit_price="0.004",
    )
    issue_order(actor=buyer, order=other)
    driver = ApprovedSource.objects.get(
        part=w["HAL-400-0001"], manufacturer_part__mpn="SA-BA-3110"
    ).manufacturer_part
    w.update(
        {
            "supply:plant": plant,
            "supply:depot": depot,
            "supply:lab": lab,
            "supply:own_ebx2": receive(ebx2_part, meridian, 100),
            "supply:consigned_ebx2": receive(ebx2_part, halcyon, 40),
            "supply:consigned_rvc": receive(rvc_part, roverly, 25),
            "supply:own_rvc": receive(rvc_part, meridian, 7),
            "supply:po": po,
            "supply:po_line": line,
            "supply:draft_po": draft,
            "supply:other_po": other,
            "supply:build": schedule_build(
                actor=buyer,
                program=w["EBX2"],
                assembly=w["EBX2-PCBA"].assembly,
                quantity_due=1000,
                due_date=TODAY + dt.timedelta(weeks=6),
            ),
            "supply:offer": record_offer(
                actor=buyer,
                supplier=w["sunridge"],
                manufacturer_part=driver,
                price_breaks=[("1", "2.10"), ("1000", "1.85")],
                seen_on=TODAY,
                moq=100,
            ),
            "supply:allocation": record_allocation(
                actor=rep,
                buyer=halcyon,
                manufacturer_part=driver,
                period_start=TODAY,
                period_end=TODAY + dt.timedelta(days=90),
                quantity_allocated=6000,
            ),
        }
    )
    return w


def at(kwargs: Kwargs) -> Kwargs:
    """A route's kwargs, with the supply world built first."""
    return lambda w: kwargs(ensure_supply_world(w))


def pk(key: str) -> Kwargs:
    return at(lambda w: {"pk": w[key].pk})


NONE = at(lambda w: {})

# GET pages: route name -> (kwargs from the world, expected status per persona)
SUPPLY_GET: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "site_list": (NONE, EVERYONE),
    # PEN1: Meridian's, and where Halcyon's and Roverly's visible stock lies.
    "site_detail": (pk("supply:plant"), only(these((*MERIDIAN, *HALCYON, "other_oem_user"), 200))),
    "site_retire": (
        pk("supply:plant"),
        only({"ems_planner": 200} | these(("ems_quality", *HALCYON, "other_oem_user"), 403)),
    ),
    "stock_list": (NONE, EVERYONE),
    # Everyone may open the form; what they may receive at is their own sites.
    "stock_receive": (NONE, EVERYONE),
    # Meridian's own stock of an Earbuds part: its holder, and Halcyon under their NDA.
    "stock_detail": (pk("supply:own_ebx2"), only(these((*MERIDIAN, *HALCYON), 200))),
    "order_list": (NONE, EVERYONE),
    # Sellers receive orders; they do not place them.
    "order_create": (NONE, only({}, default=200) | these(SELLERS, 403)),
    "order_detail": (pk("supply:po"), only(these((*HALCYON, "supplier_rep"), 200))),
    "order_line_cancel": (
        at(lambda w: {"pk": w["supply:po"].pk, "line_id": w["supply:po_line"].pk}),
        only(these(HALCYON, 200) | {"supplier_rep": 403}),
    ),
    "build_list": (NONE, EVERYONE),
    "build_create": (NONE, only({}, default=200) | these(SELLERS, 403)),
    "build_detail": (pk("supply:build"), only(these(EBX2_PLANNERS, 200))),
    "offer_list": (NONE, EVERYONE),
    "allocation_list": (NONE, EVERYONE),
}


def _stock_move(data: dict[str, Any]) -> tuple[Kwargs, Kwargs, dict[str, int]]:
    """A move of Meridian's own EBX2 stock: its people; Halcyon sees it but may not."""
    return (
        pk("supply:own_ebx2"),
        lambda w: data,
        only(these(MERIDIAN, 302) | these(HALCYON, 403)),
    )


# POST actions: route name -> (kwargs, form data, expected status per persona)
SUPPLY_POST: dict[str, tuple[Kwargs, Kwargs, dict[str, int]]] = {
    "site_create": (
        NONE,
        lambda w: {"code": "MATRIX", "name": "Matrix site", "kind": "plant"},
        only(these(ADMINS, 302)) | these(("oem_engineer", "ems_quality"), 403),
    ),
    "site_level": (
        pk("supply:plant"),
        lambda w: {"part": "HAL-100-0001", "min_level": "50", "safety_stock": "20"},
        only(these(MERIDIAN, 302) | these((*HALCYON, "other_oem_user"), 403)),
    ),
    "site_retire": (
        pk("supply:plant"),
        lambda w: {},
        only({"ems_planner": 302} | these(("ems_quality", *HALCYON, "other_oem_user"), 403)),
    ),
    "stock_receive": (
        NONE,
        lambda w: {
            "site": w["supply:plant"].pk,
            "part": "HAL-100-0001",
            "owner": w["halcyon"].pk,
            "quantity": "5",
        },
        only(these(MERIDIAN, 302) | these((*HALCYON, "other_oem_user"), 403)),
    ),
    "stock_issue": _stock_move({"quantity": "3", "reference": "WO-1"}),
    "stock_adjust": _stock_move({"change": "-2", "reason": "cycle count"}),
    "stock_scrap": _stock_move({"quantity": "1", "reason": "damaged"}),
    "stock_transfer": (
        pk("supply:own_ebx2"),
        lambda w: {"to_site": w["supply:depot"].pk, "quantity": "10"},
        only(these(MERIDIAN, 302) | these(HALCYON, 403)),
    ),
    # Members of EBX2 from buyers order from its supplier; the sellers may not order at all;
    # who does not see EBX2 gets 404.
    "order_create": (
        NONE,
        lambda w: {
            "program": w["EBX2"].pk,
            "supplier": w["sunridge"].pk,
            "number": "PO-MATRIX",
            "currency": "USD",
        },
        only(these((*EBX2_PLANNERS, "nda_expired_partner"), 302) | these(SELLERS, 403)),
    ),
    "order_line_add": (
        pk("supply:po"),
        lambda w: {
            "part": "HAL-400-0001",
            "quantity": "100",
            "unit_price": "1.80",
            "requested_date": (TODAY + dt.timedelta(days=45)).isoformat(),
        },
        only(these(HALCYON, 302) | {"supplier_rep": 403}),
    ),
    "order_issue": (
        pk("supply:draft_po"),
        lambda w: {},
        only(these(HALCYON, 302)),  # the supplier does not see the buyer's draft
    ),
    "order_acknowledge": (
        pk("supply:po"),
        lambda w: {},
        only({"supplier_rep": 302} | these(HALCYON, 403)),
    ),
    "order_line_confirm": (
        at(lambda w: {"pk": w["supply:po"].pk, "line_id": w["supply:po_line"].pk}),
        lambda w: {"confirmed_date": (TODAY + dt.timedelta(days=35)).isoformat()},
        only({"supplier_rep": 302} | these(HALCYON, 403)),
    ),
    "order_line_cancel": (
        at(lambda w: {"pk": w["supply:po"].pk, "line_id": w["supply:po_line"].pk}),
        lambda w: {"reason": "design change"},
        only(these(HALCYON, 302) | {"supplier_rep": 403}),
    ),
    # The order ships to Meridian's PEN1, but orders are their buyer's and supplier's alone:
    # Meridian does not see it (404), although receive_delivery would let the site's people
    # receive it. A rule to settle in access.py; the pages follow access.py meanwhile.
    "order_receive": (
        pk("supply:po"),
        lambda w: {
            "line": w["supply:po_line"].pk,
            "site": w["supply:lab"].pk,
            "quantity": "300",
            "rejected_quantity": "4",
            "reject_reason": "bent leads",
            "received_on": TODAY.isoformat(),
        },
        only(these(HALCYON, 302) | {"supplier_rep": 403}),
    ),
    "build_create": (
        NONE,
        lambda w: {
            "program": w["EBX2"].pk,
            "assembly": "EBX2-PCBA",
            "quantity": "500",
            "due_date": (TODAY + dt.timedelta(weeks=10)).isoformat(),
            "firmness": "forecast",
        },
        only(these(EBX2_PLANNERS, 302) | these((*SELLERS, "nda_expired_partner"), 403)),
    ),
    "build_change": (
        pk("supply:build"),
        lambda w: {"quantity": "1200", "firmness": "firm", "note": "customer firmed up"},
        only(these(EBX2_PLANNERS, 302)),
    ),
    "build_retire": (
        pk("supply:build"),
        lambda w: {"note": "cancelled"},
        only(these(EBX2_PLANNERS, 302)),
    ),
    # Whoever sees Sunridge records what it offers; the others do not see it.
    "offer_create": (
        NONE,
        lambda w: {
            "supplier": w["sunridge"].pk,
            "mpn": "GRM155R61A104KA01D",
            "currency": "USD",
            "moq": "10000",
            "order_multiple": "10000",
            "seen_on": TODAY.isoformat(),
            "break_quantity_1": "10000",
            "break_price_1": "0.004",
        },
        only(these((*EBX2_PLANNERS, "supplier_rep", "nda_expired_partner"), 302)),
    ),
    "offer_retire": (
        pk("supply:offer"),
        lambda w: {},
        only(these(HALCYON, 302) | {"supplier_rep": 403}),
    ),
    # Sellers commit allocations; Quillon does not see Halcyon.
    "allocation_create": (
        NONE,
        lambda w: {
            "buyer": w["halcyon"].pk,
            "mpn": "SA-BA-3110",
            "period_start": (TODAY + dt.timedelta(days=91)).isoformat(),
            "period_end": (TODAY + dt.timedelta(days=180)).isoformat(),
            "quantity": "5000",
        },
        only({"supplier_rep": 302}, default=403) | {"outsider": 404},
    ),
}

# Reads of another organisation's restricted data: Meridian's own stock read by its customers
# under their NDAs (one row each here), Halcyon's priced order lines read by its supplier,
# Halcyon's build schedule read by its EMS.
SUPPLY_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "site_detail": {"oem_buyer": (1,), "oem_engineer": (1,), "other_oem_user": (1,)},
    "stock_list": {"oem_buyer": (1,), "oem_engineer": (1,), "other_oem_user": (1,)},
    "stock_detail": {"oem_buyer": (1,), "oem_engineer": (1,)},
    "order_detail": {"supplier_rep": (1,)},
    "build_list": {"ems_planner": (1,)},
    "build_detail": {"ems_planner": (1,)},
}


def _first_column(caption: str) -> Callable[[Any], set[str]]:
    from accord.web.tests.helpers import table

    def shown(response: Any) -> set[str]:
        return {row[0] for row in table(response, caption) if len(row) > 1}

    return shown


def _stock_rows(response: Any) -> set[tuple[str, str, str]]:
    from accord.web.tests.helpers import table

    return {
        (row[0].split()[0], row[1], row[3])
        for row in table(response, "Stock you may see")
        if len(row) > 1
    }


def _site_codes(response: Any) -> set[str]:
    from accord.web.tests.helpers import table

    codes = {row[0] for row in table(response, "Sites of") if len(row) > 1}
    if "Other organisations' sites" in response.content.decode():
        codes |= _first_column("Other organisations' sites")(response)
    return codes


def _seen(by_persona: dict[str, Any], default: Any) -> dict[str, Any]:
    return {p: by_persona.get(p, default) for p in SIGNED_IN}


# Site codes are kept as typed (PEN1), and found without case.
OWN_EBX2 = ("PEN1", "HAL-200-0001", "Meridian Electronics Manufacturing")
CONSIGNED_EBX2 = ("PEN1", "HAL-200-0001", "Halcyon Devices")
CONSIGNED_RVC = ("PEN1", "RVC-200-0001", "Roverly Robotics")
OWN_RVC = ("PEN1", "RVC-200-0001", "Meridian Electronics Manufacturing")
DRIVER = {"Sunridge Acoustics SA-BA-3110"}

# What a list shows to each persona: need-to-know inside the visible set.
SUPPLY_CONTENT: dict[str, tuple[Kwargs, Callable[[Any], Any], dict[str, Any]]] = {
    "stock_list": (
        NONE,
        _stock_rows,
        _seen(
            {
                "ems_planner": {OWN_EBX2, CONSIGNED_EBX2, CONSIGNED_RVC, OWN_RVC},
                "ems_quality": {OWN_EBX2, CONSIGNED_EBX2, CONSIGNED_RVC, OWN_RVC},
                # Its consigned goods and Meridian's own Earbuds stock; never Roverly's.
                "oem_buyer": {OWN_EBX2, CONSIGNED_EBX2},
                "oem_engineer": {OWN_EBX2, CONSIGNED_EBX2},
                "other_oem_user": {CONSIGNED_RVC, OWN_RVC},
            },
            set(),
        ),
    ),
    "site_list": (
        NONE,
        _site_codes,
        _seen(
            {
                "ems_planner": {"PEN1", "PEN-WH"},
                "ems_quality": {"PEN1", "PEN-WH"},
                "oem_buyer": {"SJ", "PEN1"},
                "oem_engineer": {"SJ", "PEN1"},
                "other_oem_user": {"PEN1"},
            },
            set(),
        ),
    ),
    # A supplier sees the orders it was sent, never the buyer's draft (PO-M2).
    "order_list": (
        NONE,
        _first_column("Purchase orders you may see"),
        _seen(
            {
                "oem_buyer": {"PO-M1", "PO-M2", "PO-M3"},
                "oem_engineer": {"PO-M1", "PO-M2", "PO-M3"},
                "supplier_rep": {"PO-M1"},
            },
            set(),
        ),
    ),
    "build_list": (
        NONE,
        _first_column("Builds you may see"),
        _seen({p: {"EBX2-PCBA"} for p in EBX2_PLANNERS}, set()),
    ),
    "offer_list": (
        NONE,
        _first_column("Offers you may see"),
        _seen({"oem_buyer": DRIVER, "oem_engineer": DRIVER, "supplier_rep": DRIVER}, set()),
    ),
    "allocation_list": (
        NONE,
        _first_column("Allocations you may see"),
        _seen({"oem_buyer": DRIVER, "oem_engineer": DRIVER, "supplier_rep": DRIVER}, set()),
    ),
}

# The same objects in the demo workspace, for the accessibility check of every page
# (accord/web/tests/test_browser.py): key -> SQL giving the id (accord/demo/supply.py).
DEMO_SUPPLY_IDS: dict[str, str] = {
    "supply:plant": "SELECT id FROM supply_site WHERE code = 'PEN1'",
    "supply:own_ebx2": "SELECT i.id FROM supply_stockitem i JOIN supply_site s ON s.id = i.site_id"
    " JOIN parts_part p ON p.id = i.part_id WHERE s.code = 'PEN1' AND p.number = 'HAL-200-0001'"
    " AND i.owner_id = s.organisation_id",
    "supply:po": "SELECT id FROM supply_purchaseorder WHERE number = 'PO-2026-0147'",
    "supply:po_line": "SELECT l.id FROM supply_purchaseorderline l"
    " JOIN supply_purchaseorder o ON o.id = l.order_id"
    " WHERE o.number = 'PO-2026-0147' ORDER BY l.line_number LIMIT 1",
    "supply:build": "SELECT b.id FROM supply_build b JOIN parts_part p ON p.id = b.assembly_id"
    " WHERE p.number = 'EBX2-PCBA' ORDER BY b.id LIMIT 1",
}
