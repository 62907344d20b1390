"""Stock on hand: what each site holds of each part, as counted (an ERP's inventory export).

Each row names a part (its number, or an MPN of its approved sources), a site of the person's
organisation (the only one when there is one), the quantity on hand and, for consigned goods,
their owner. Rows naming the same part, site and owner add up (lots, bins). The import sets
each balance to the file's count through the ledger (services/imports.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.orgs.access import reach_of
from accord.supply.access import import_customers, import_sites, own_sites, stock_owner_choices
from accord.supply.imports.kinds.common import OrgFinder, PartFinder, column_values
from accord.supply.imports.values import Cells


@dataclass(frozen=True)
class StockRow:
    row: int
    site_id: int
    part_id: int
    owner_id: int
    quantity: Decimal


def parse(user: Any, cells: Cells) -> list[StockRow]:
    org = reach_of(user).organisation_id
    table = cells.table
    parts = PartFinder(user)
    parts.load(column_values(cells, "part"), column_values(cells, "mpn"))
    sites: dict[str, tuple[int, str, int, bool]] = {
        code.upper(): (pk, code, site_org, retired)
        for pk, code, site_org, retired in import_sites(user, column_values(cells, "site"))
    }
    only = list(own_sites(user).values_list("pk", flat=True)[:2])
    owners = OrgFinder(stock_owner_choices(user), column_values(cells, "owner"))
    customers = import_customers(user)
    out: list[StockRow] = []
    for index in range(len(table.rows)):
        if cells.blank(index):
            continue
        number = cells.text(index, "part", limit=100) or ""
        mpn = cells.text(index, "mpn", limit=120) or ""
        maker = cells.text(index, "manufacturer", limit=200) or ""
        code = cells.text(index, "site", limit=40) or ""
        owner_name = cells.text(index, "owner", limit=200) or ""
        amount = cells.number(index, "quantity", allow_zero=True)
        if not number and not mpn:
            name = "part" if "part" in table.columns else "mpn"
            cells.error(index, name, "missing-value", "Give the part number or the MPN.")
            continue
        part = parts.find(cells, index, number, mpn, maker)
        site = _site(cells, index, code, sites, org, only)
        owner = org
        if owner_name:
            found = owners.get(owner_name)
            if found is None or found[0] not in customers:
                cells.error(
                    index,
                    "owner",
                    "unknown-owner",
                    f"{owner_name} cannot own stock at your sites: your organisation, or a "
                    "customer owning a program you take part in.",
                )
                continue
            owner = found[0]
        if part is None or site is None or amount is None or owner is None:
            continue
        out.append(StockRow(table.row_number(index), site, part, owner, amount))
    return out


def _site(
    cells: Cells,
    index: int,
    code: str,
    sites: dict[str, tuple[int, str, int, bool]],
    org: int | None,
    only: list[int],
) -> int | None:
    if not code:
        if len(only) == 1:
            return only[0]
        name = "site" if "site" in cells.table.columns else None
        cells.error(index, name, "missing-value", "Give the site (your organisation has several).")
        return None
    found = sites.get(code.upper())
    if found is None:
        cells.error(index, "site", "unknown-site", f"No site {code} of your organisation.")
        return None
    pk, real_code, site_org, retired = found
    if site_org != org:
        cells.error(
            index,
            "site",
            "not-your-site",
            f"Site {real_code} is another organisation's: you import stock only at your "
            "organisation's sites.",
        )
        return None
    if retired:
        cells.error(index, "site", "retired-site", f"Site {real_code} is retired.")
        return None
    return pk


def totals(rows: list[StockRow]) -> dict[tuple[int, int, int], Decimal]:
    """The count of each (site, part, owner): rows naming the same one add up."""
    out: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for row in rows:
        out[(row.site_id, row.part_id, row.owner_id)] += row.quantity
    return dict(out)
