"""Purchase-order lines, as a buyer's ERP exports its open orders.

Each row is a line: the PO number, the part (number, or an approved source's MPN), quantity,
requested date and, optionally, unit price, currency, the supplier's promised date and the MPN
ordered. A PO number the person's organisation already has gets the lines added (it must be
open); a new number is a draft order created for the row's program and supplier (a partner
of the program), shipping to the row's site (the buyer's or a partner's on the program).
Only buyers (not sellers) import orders, as only they create them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.orgs.access import reach_of
from accord.supply.access import (
    import_own_orders,
    import_program_partners,
    import_programs,
    import_sites,
    programs_for_orders,
    sellers_for_orders,
)
from accord.supply.choices import OrderStatus
from accord.supply.imports.kinds.common import MpnFinder, OrgFinder, PartFinder, column_values
from accord.supply.imports.values import Cells


@dataclass(frozen=True)
class NewOrder:
    number: str
    program_id: int
    supplier_id: int
    currency: str
    ship_to_id: int | None


@dataclass(frozen=True)
class LineRow:
    row: int
    number: str  # the PO number
    order_id: int | None  # an existing order, else NewOrder of that number
    part_id: int
    manufacturer_part_id: int | None
    quantity: Decimal
    unit_price: Decimal | None
    currency: str
    requested_date: dt.date
    promised_date: dt.date | None


@dataclass
class OrdersParsed:
    lines: list[LineRow]
    new_orders: dict[str, NewOrder]


def parse(user: Any, cells: Cells) -> OrdersParsed:
    table = cells.table
    org = reach_of(user).organisation_id
    numbers = column_values(cells, "po_number")
    existing = {
        n: (pk, status, prog, sup) for pk, n, status, prog, sup in import_own_orders(user, numbers)
    }
    programs = {
        code.upper(): pk
        for pk, code in import_programs(programs_for_orders(user), column_values(cells, "program"))
    }
    suppliers = OrgFinder(sellers_for_orders(user), column_values(cells, "supplier"))
    partners = import_program_partners(programs.values())
    sites = {
        code.upper(): (pk, code, site_org, retired)
        for pk, code, site_org, retired in import_sites(user, column_values(cells, "ship_to"))
    }
    parts = PartFinder(user)
    parts.load(column_values(cells, "part"), column_values(cells, "mpn"))
    mpns = MpnFinder(user)
    mpns.load(column_values(cells, "mpn"))
    default_currency = table.currency_of("unit_price") or "USD"
    new_orders: dict[str, NewOrder] = {}
    lines: list[LineRow] = []
    for index in range(len(table.rows)):
        if cells.blank(index):
            continue
        number = cells.text(index, "po_number", limit=40, required=True)
        part_number = cells.text(index, "part", limit=100) or ""
        mpn = cells.text(index, "mpn", limit=120) or ""
        maker = cells.text(index, "manufacturer", limit=200) or ""
        amount = cells.number(index, "quantity")
        price = cells.number(index, "unit_price", required=False, allow_zero=True, places=6)
        currency = cells.currency(index, default=default_currency)
        requested = cells.date(index, "requested_date")
        promised = cells.date(index, "promised_date", required=False)
        if not part_number and not mpn:
            name = "part" if "part" in table.columns else "mpn"
            cells.error(index, name, "missing-value", "Give the part number or the MPN.")
            continue
        part = parts.find(cells, index, part_number, mpn, maker)
        manufacturer_part = mpns.find(cells, index, mpn, maker) if mpn and part else None
        if number is None:
            continue
        order_id: int | None = None
        if number in existing:
            order_id, status, _program, _supplier = existing[number]
            if status not in OrderStatus.open():
                cells.error(
                    index,
                    "po_number",
                    "order-closed",
                    f"PO {number} is {OrderStatus(status).label.lower()}: no lines can be added.",
                )
                continue
        elif number not in new_orders:
            created = _new_order(cells, index, number, programs, suppliers, partners, sites, org)
            if created is None:
                continue
            new_orders[number] = NewOrder(
                created[0], created[1], created[2], currency or default_currency, created[3]
            )
        if part is None or amount is None or requested is None or currency is None:
            continue
        if mpn and manufacturer_part is None:
            continue
        lines.append(
            LineRow(
                table.row_number(index),
                number,
                order_id,
                part,
                manufacturer_part,
                amount,
                price,
                currency or default_currency,
                requested,
                promised,
            )
        )
    return OrdersParsed(lines, new_orders)


def _new_order(
    cells: Cells,
    index: int,
    number: str,
    programs: dict[str, int],
    suppliers: OrgFinder,
    partners: set[tuple[int, int]],
    sites: dict[str, tuple[int, str, int, bool]],
    org: int | None,
) -> tuple[str, int, int, int | None] | None:
    """(number, program, supplier, ship-to) of an order the file creates, or None after its
    problems: the first row of a new PO number names its program and supplier."""
    code = cells.text(index, "program", limit=40) or ""
    supplier_name = cells.text(index, "supplier", limit=200) or ""
    ship_code = cells.text(index, "ship_to", limit=40) or ""
    ok = True
    program = programs.get(code.upper()) if code else None
    if program is None:
        ok = False
        message = (
            f"No program {code} you may order for."
            if code
            else f"PO {number} is new: give its program."
        )
        cells.error(index, "program", "unknown-program", message)
    supplier = suppliers.get(supplier_name) if supplier_name else None
    if supplier is None:
        ok = False
        message = (
            f"{supplier_name} is not a supplier or distributor on your programs."
            if supplier_name
            else f"PO {number} is new: give its supplier."
        )
        cells.error(index, "supplier", "unknown-supplier", message)
    elif program is not None and (program, supplier[0]) not in partners:
        ok = False
        cells.error(
            index,
            "supplier",
            "not-a-partner",
            f"{supplier[1]} does not take part in program {code}: add it as a partner first.",
        )
    ship_to: int | None = None
    if ship_code:
        found = sites.get(ship_code.upper())
        if found is None or found[3]:
            ok = False
            cells.error(index, "ship_to", "unknown-site", f"No active site {ship_code} you see.")
        elif found[2] != org and (program, found[2]) not in partners:
            ok = False
            cells.error(
                index,
                "ship_to",
                "bad-ship-to",
                "Ship to a site of yours or of a partner on this program.",
            )
        else:
            ship_to = found[0]
    if not ok or program is None or supplier is None:
        return None
    return number, program, supplier[0], ship_to
