"""Builds, as a planner's ERP exports its build schedule: program, assembly, quantity, due
date and, optionally, firmness (firm or forecast), site and reference (a work order).

Each row schedules a new build (services.schedule_build): the person must be a member of the
program who may change its schedule (not a seller), and the assembly must have a BOM in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.supply.access import (
    import_boms,
    import_programs,
    import_sites,
    programs_for_builds,
)
from accord.supply.choices import Firmness
from accord.supply.imports.kinds.common import PartFinder, column_values
from accord.supply.imports.values import Cells

_FIRMNESS = {
    "firm": Firmness.FIRM,
    "f": Firmness.FIRM,
    "released": Firmness.FIRM,
    "planned": Firmness.FORECAST,
    "forecast": Firmness.FORECAST,
    "fc": Firmness.FORECAST,
    "p": Firmness.FORECAST,
}


@dataclass(frozen=True)
class BuildRow:
    row: int
    program_id: int
    assembly_id: int
    quantity: Decimal
    due_date: dt.date
    firmness: str
    site_id: int | None
    reference: str


def parse(user: Any, cells: Cells) -> list[BuildRow]:
    table = cells.table
    programs = {
        code.upper(): pk
        for pk, code in import_programs(programs_for_builds(user), column_values(cells, "program"))
    }
    only_program = list(programs_for_builds(user).values_list("pk", flat=True)[:2])
    parts = PartFinder(user)
    parts.load(column_values(cells, "assembly"), assemblies=True)
    org = getattr(user, "organisation_id", None)
    sites = {
        code.upper(): (pk, site_org, retired)
        for pk, code, site_org, retired in import_sites(user, column_values(cells, "site"))
    }
    candidates: list[tuple[int, BuildRow]] = []
    for index in range(len(table.rows)):
        if cells.blank(index):
            continue
        code = cells.text(index, "program", limit=40) or ""
        number = cells.text(index, "assembly", limit=100, required=True)
        amount = cells.number(index, "quantity")
        due = cells.date(index, "due_date")
        firmness = _firmness(cells, index)
        reference = cells.text(index, "reference", limit=80)
        site_code = cells.text(index, "site", limit=40) or ""
        program = programs.get(code.upper()) if code else None
        if not code and len(only_program) == 1:
            program = only_program[0]
        if program is None:
            column = "program" if "program" in table.columns else None
            message = (
                f"No program {code} whose build schedule you may change."
                if code
                else "Give the program."
            )
            cells.error(index, column, "unknown-program", message)
        assembly = parts.find(cells, index, number, "", "", field="assembly") if number else None
        site: int | None = None
        if site_code:
            found = sites.get(site_code.upper())
            if found is None or found[2] or found[1] != org:
                cells.error(index, "site", "unknown-site", f"No active site {site_code} of yours.")
                continue
            site = found[0]
        if None in (program, assembly, amount, due, firmness, reference):
            continue
        assert program is not None and assembly is not None and amount is not None
        assert due is not None and firmness is not None and reference is not None
        row = BuildRow(
            table.row_number(index), program, assembly, amount, due, firmness, site, reference
        )
        candidates.append((index, row))
    boms = import_boms(
        user, {r.program_id for _i, r in candidates}, {r.assembly_id for _i, r in candidates}
    )
    out = []
    for index, row in candidates:
        if (row.program_id, row.assembly_id) not in boms:
            cells.error(
                index,
                "assembly",
                "no-bom",
                "This assembly has no BOM in the program: import or create its BOM first.",
            )
            continue
        out.append(row)
    return out


def _firmness(cells: Cells, index: int) -> str | None:
    raw = cells.table.cell(index, "firmness").strip()
    if not raw:
        return Firmness.FORECAST
    value = _FIRMNESS.get(raw.casefold())
    if value is None:
        cells.error(index, "firmness", "bad-firmness", f"'{raw}' is neither firm nor forecast.")
    return value
