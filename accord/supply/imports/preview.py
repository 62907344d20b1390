"""The dry run of a supply import: the file read, every row parsed and resolved, every
problem listed; what the service writes when the person confirms (services/imports.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord.core.errors import Forbidden, InvalidInput
from accord.orgs.access import reach_of
from accord.parts.bom_import.problems import ImportRejected, Problem
from accord.supply.imports.kinds import allocations, builds, offers, orders, stock
from accord.supply.imports.table import read_table
from accord.supply.imports.values import Cells
from accord.supply.imports.vocabulary import FIELD_LABELS, KIND_LABELS, KINDS


@dataclass
class ImportResult:
    kind: str
    file: str
    sheet: str | None = None
    rows: int = 0  # data rows read (blank rows not counted)
    columns: dict[str, str] = field(default_factory=dict)  # field label -> column
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    parsed: Any = None  # what the service writes (kinds/*.py rows)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "sheet": self.sheet,
            "rows": self.rows,
            "columns": self.columns,
            "counts": self.counts,
            "committed": self.committed,
            "problems": [
                {
                    "severity": p.severity,
                    "code": p.code,
                    "message": p.message,
                    "file": p.file,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                }
                for p in self.problems
            ],
        }


PARSERS: dict[str, Callable[[Any, Cells], Any]] = {
    "stock": stock.parse,
    "orders": orders.parse,
    "offers": offers.parse,
    "builds": builds.parse,
    "allocations": allocations.parse,
}


def check_kind(user: Any, kind: str) -> None:
    """InvalidInput for an unknown kind; Forbidden for a kind the person may never import
    (as the pages and services refuse them: orders and builds are the buyers', allocations
    the sellers')."""
    if kind not in KINDS:
        raise InvalidInput(
            f"kind: one of {', '.join(KINDS)} (got '{kind}').", detail={"field": "kind"}
        )
    reach = reach_of(user)
    if reach.organisation_id is None:
        raise Forbidden("Only people of an organisation import supply data.")
    if kind in ("orders", "builds") and reach.seller:
        raise Forbidden(f"Suppliers and distributors do not import {KIND_LABELS[kind].lower()}.")
    if kind == "allocations" and not reach.seller:
        raise Forbidden("Only a supplier or distributor commits allocations.")


def preview_supply_import(user: Any, kind: str, data: bytes, filename: str) -> ImportResult:
    """Read and check the whole file; write nothing."""
    check_kind(user, kind)
    try:
        table = read_table(kind, data, filename)
    except ImportRejected as rejected:
        file = rejected.problems[0].file if rejected.problems else filename
        return ImportResult(kind, file, problems=rejected.problems)
    cells = Cells(table)
    parsed = PARSERS[kind](user, cells)
    rows = sum(1 for index in range(len(table.rows)) if not cells.blank(index))
    result = ImportResult(
        kind,
        table.file,
        table.sheet,
        rows,
        columns={
            FIELD_LABELS[name]: table.column_label(column)
            for name, column in sorted(table.columns.items(), key=lambda item: item[1])
        },
        problems=cells.problems(),
        parsed=parsed,
    )
    if rows == 0:
        result.problems.append(
            Problem(
                "error", "no-rows", "The file has a header but no rows.", table.file, table.sheet
            )
        )
    result.counts = _counts(kind, parsed)
    return result


def _counts(kind: str, parsed: Any) -> dict[str, int]:
    if kind == "stock":
        return {"rows": len(parsed), "items": len(stock.totals(parsed))}
    if kind == "orders":
        assert isinstance(parsed, orders.OrdersParsed)
        per_order = Counter(line.number for line in parsed.lines)
        return {
            "lines": len(parsed.lines),
            "orders": len(per_order),
            "new_orders": len(parsed.new_orders),
        }
    return {kind: len(parsed)}
