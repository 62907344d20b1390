"""Allocations, as a supplier's system exports what it committed: the buyer, the MPN, the
period and the quantity. Only a supplier or distributor commits allocations
(services.record_allocation), to buyers it sees; a second commitment for the same buyer,
part and period start replaces the first (in the file: the later row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.supply.access import allocation_buyer_choices
from accord.supply.imports.kinds.common import MpnFinder, OrgFinder, column_values
from accord.supply.imports.values import Cells


@dataclass(frozen=True)
class AllocationRow:
    row: int
    buyer_id: int
    manufacturer_part_id: int
    period_start: dt.date
    period_end: dt.date
    quantity: Decimal


def parse(user: Any, cells: Cells) -> list[AllocationRow]:
    table = cells.table
    buyers = OrgFinder(allocation_buyer_choices(user), column_values(cells, "buyer"))
    mpns = MpnFinder(user)
    mpns.load(column_values(cells, "mpn"))
    out: list[AllocationRow] = []
    for index in range(len(table.rows)):
        if cells.blank(index):
            continue
        buyer_name = cells.text(index, "buyer", limit=200, required=True)
        mpn = cells.text(index, "mpn", limit=120, required=True)
        maker = cells.text(index, "manufacturer", limit=200) or ""
        start = cells.date(index, "period_start")
        end = cells.date(index, "period_end")
        amount = cells.number(index, "quantity", allow_zero=True)
        buyer = buyers.get(buyer_name) if buyer_name else None
        if buyer_name and buyer is None:
            cells.error(
                index, "buyer", "unknown-buyer", f"{buyer_name} is not a buyer you work with."
            )
        part = mpns.find(cells, index, mpn, maker) if mpn else None
        if start is not None and end is not None and end < start:
            cells.error(index, "period_end", "bad-period", "The period ends before it starts.")
            continue
        if buyer is None or part is None or start is None or end is None or amount is None:
            continue
        out.append(AllocationRow(table.row_number(index), buyer[0], part, start, end, amount))
    return out
