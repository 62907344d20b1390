"""Supplier offers, as distributors export them (or a supplier its price list): per MPN the
price breaks (a unit price, or one column per break quantity: "1+", "100+", "Price @ 1000"),
MOQ, order multiple, lead time (weeks or days), the supplier's stock and the date seen.

The offer is the person's organisation's information (services.record_offer): a buyer records
what a distributor quoted, naming the supplier among those it sees; a supplier or distributor
records its own (the supplier column may then be left out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accord.core.numbers import plain_number
from accord.orgs.access import reach_of
from accord.orgs.choices import OrganisationKind
from accord.supply.access import seller_choices
from accord.supply.imports.kinds.common import MpnFinder, OrgFinder, column_values
from accord.supply.imports.values import Cells


@dataclass(frozen=True)
class OfferRow:
    row: int
    supplier_id: int
    manufacturer_part_id: int
    supplier_part_number: str
    currency: str
    price_breaks: list[dict[str, str]]
    moq: Decimal
    order_multiple: Decimal
    lead_time_days: int | None
    stock_quantity: Decimal | None
    seen_on: dt.date


def parse(user: Any, cells: Cells) -> list[OfferRow]:
    table = cells.table
    reach = reach_of(user)
    sellers = OrgFinder(seller_choices(user), column_values(cells, "supplier"))
    mpns = MpnFinder(user)
    mpns.load(column_values(cells, "mpn"))
    breaks = table.breaks()
    default_currency = table.currency_of("unit_price") or next(
        (table.matches[c].currency for c, _q in breaks if table.matches[c].currency), "USD"
    )
    today = timezone.localdate()
    out: list[OfferRow] = []
    for index in range(len(table.rows)):
        if cells.blank(index):
            continue
        supplier_name = cells.text(index, "supplier", limit=200) or ""
        mpn = cells.text(index, "mpn", limit=120, required=True)
        maker = cells.text(index, "manufacturer", limit=200) or ""
        spn = cells.text(index, "supplier_part_number", limit=80)
        currency = cells.currency(index, default=default_currency)
        moq = cells.number(index, "moq", required=False) or Decimal(1)
        multiple = cells.number(index, "order_multiple", required=False) or Decimal(1)
        lead = cells.lead_time_days(index)
        stock = cells.number(index, "stock", required=False, allow_zero=True)
        seen = cells.date(index, "seen_on", required=False) or today
        prices = _breaks(cells, index, breaks, moq)
        supplier = _supplier(cells, index, supplier_name, sellers, reach)
        part = mpns.find(cells, index, mpn, maker) if mpn else None
        if (
            part is None
            or supplier is None
            or prices is None
            or lead is False
            or currency is None
            or spn is None
        ):
            continue
        out.append(
            OfferRow(
                table.row_number(index),
                supplier,
                part,
                spn,
                currency,
                prices,
                moq,
                multiple,
                None if lead is None or lead is True else int(lead),
                stock,
                seen,
            )
        )
    return out


def _supplier(cells: Cells, index: int, name: str, sellers: OrgFinder, reach: Any) -> int | None:
    if not name:
        if reach.seller and reach.organisation_id is not None:
            return int(reach.organisation_id)
        column = "supplier" if "supplier" in cells.table.columns else None
        cells.error(index, column, "missing-value", "Give the supplier or distributor.")
        return None
    found = sellers.get(name)
    if found is None or found[2] not in OrganisationKind.sellers():
        cells.error(
            index,
            "supplier",
            "unknown-supplier",
            f"{name} is not a supplier or distributor you work with.",
        )
        return None
    return found[0]


def _breaks(
    cells: Cells, index: int, columns: list[tuple[int, str]], moq: Decimal
) -> list[dict[str, str]] | None:
    """The price breaks, ascending: each break column's price at its quantity, and the unit
    price at the MOQ (when no break column gives that quantity)."""
    found: dict[Decimal, Decimal] = {}
    failed = False
    for column, amount in columns:
        price = cells.number(
            index, "price_break", required=False, allow_zero=True, places=6, column=column
        )
        if price is None:
            failed |= bool(
                column < len(cells.table.rows[index]) and cells.table.rows[index][column].strip()
            )
            continue
        try:
            found[Decimal(amount)] = price
        except ArithmeticError:
            continue
    unit = cells.number(index, "unit_price", required=False, allow_zero=True, places=6)
    if unit is None and cells.table.cell(index, "unit_price").strip():
        failed = True
    if unit is not None:
        found.setdefault(moq, unit)
    if failed:
        return None
    if not found:
        name = "unit_price" if "unit_price" in cells.table.columns else None
        cells.error(index, name, "missing-value", "Give a unit price or a price break.")
        return None
    return [
        {"quantity": plain_number(q), "unit_price": plain_number(p)}
        for q, p in sorted(found.items())
    ]
