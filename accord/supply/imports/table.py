"""The table of a supply import: the file read (any sheet of a workbook, any encoding), its
header row found, its columns mapped to fields, and every cell addressed as the user sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath

from accord.parts.bom_import.problems import ImportRejected, Problem, column_label, reject
from accord.parts.bom_import.readers import read_plain_tables
from accord.parts.bom_import.tables import RawSheet, strip_cells
from accord.supply.imports.vocabulary import (
    FIELD_LABELS,
    KIND_LABELS,
    REQUIRED,
    HeaderMatch,
    match_header,
)

# A price break's quantity is a quantity (accord/supply/services/values.py).
QUANTITY_LIMIT = Decimal("9999999999")
# Rows above the header (titles, report dates) that a header may come after.
HEADER_SEARCH = 30


@dataclass
class Table:
    """The data rows under the header, with the column of each field."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[list[str]]
    first_row: int  # the spreadsheet row number of rows[0]
    first_column: int
    columns: dict[str, int]  # field -> index into a row
    matches: dict[int, HeaderMatch]  # column index -> what its header says
    notes: list[Problem] = field(default_factory=list)

    def cell(self, index: int, name: str) -> str:
        column = self.columns.get(name)
        if column is None:
            return ""
        row = self.rows[index]
        return row[column] if column < len(row) else ""

    def row_number(self, index: int) -> int:
        return self.first_row + index

    def label(self, name: str) -> str | None:
        column = self.columns.get(name)
        return None if column is None else self.column_label(column)

    def column_label(self, column: int) -> str:
        header = self.header[column] if column < len(self.header) else ""
        return column_label(header, self.first_column + column)

    def breaks(self) -> list[tuple[int, str]]:
        """The price-break columns: (column index, the break's quantity), by quantity."""
        found = []
        for column, match in self.matches.items():
            if match.field != "price_break":
                continue
            try:
                amount = Decimal(match.break_quantity)
            except ArithmeticError:
                continue
            if 0 < amount < QUANTITY_LIMIT and amount == amount.quantize(Decimal("0.0001")):
                found.append((amount, column, match.break_quantity))
        return [(column, text) for _amount, column, text in sorted(found)]

    def currency_of(self, name: str) -> str:
        column = self.columns.get(name)
        return "" if column is None else self.matches[column].currency


def _header_fields(kind: str, row: list[str]) -> dict[int, HeaderMatch]:
    return {
        column: match
        for column, text in enumerate(row)
        if (match := match_header(kind, text)) is not None
    }


def _satisfied(kind: str, fields: set[str]) -> bool:
    return all(any(name in fields for name in group) for group in REQUIRED[kind])


def _missing(kind: str, fields: set[str]) -> list[str]:
    return [
        " or ".join(FIELD_LABELS[name] for name in group)
        for group in REQUIRED[kind]
        if not any(name in fields for name in group)
    ]


def _find_header(kind: str, sheet: RawSheet) -> tuple[int, dict[int, HeaderMatch]] | None:
    best: tuple[int, int, dict[int, HeaderMatch]] | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH]):
        matches = _header_fields(kind, row)
        fields = {m.field for m in matches.values()}
        if not _satisfied(kind, fields):
            continue
        if best is None or len(fields) > best[0]:
            best = (len(fields), index, matches)
    return None if best is None else (best[1], best[2])


def _best_guess(kind: str, sheets: list[RawSheet]) -> set[str]:
    fields: set[str] = set()
    for sheet in sheets:
        for row in sheet.rows[:HEADER_SEARCH]:
            found = {m.field for m in _header_fields(kind, row).values()}
            if len(found) > len(fields):
                fields = found
    return fields


def read_table(kind: str, data: bytes, filename: str) -> Table:
    """The table of this kind in the file: the first sheet whose header names the fields the
    kind needs. Raises ImportRejected (with a file-level problem) otherwise."""
    sheets = read_plain_tables(data, filename, what=f"a {KIND_LABELS[kind].lower()} table")
    file = _file(filename)
    for sheet in sheets:
        found = _find_header(kind, sheet)
        if found is None:
            continue
        header_index, matches = found
        workbook = sheet.source_format != "csv"
        columns: dict[str, int] = {}
        notes: list[Problem] = []
        header = sheet.rows[header_index]
        sheet_name = sheet.name if workbook else None
        for column, match in sorted(matches.items()):
            if match.field == "price_break":
                continue
            if match.field in columns:
                label = column_label(header[column], sheet.first_column + column)
                notes.append(
                    Problem(
                        "warning",
                        "duplicate-column",
                        f"Two columns give the {FIELD_LABELS[match.field]}: this one is ignored.",
                        file,
                        sheet_name,
                        sheet.first_row + header_index,
                        label,
                    )
                )
                continue
            columns[match.field] = column
        rows = [list(row) for row in sheet.rows[header_index + 1 :]]
        for stripped in strip_cells(rows):
            notes.append(
                Problem(
                    "info",
                    "control-characters",
                    "Control or bidirectional characters were removed from this cell.",
                    file,
                    sheet_name,
                    sheet.first_row + header_index + 1 + stripped.row,
                    column_label(
                        header[stripped.column] if stripped.column < len(header) else "",
                        sheet.first_column + stripped.column,
                    ),
                )
            )
        return Table(
            file=file,
            sheet=sheet_name,
            header=header,
            rows=rows,
            first_row=sheet.first_row + header_index + 1,
            first_column=sheet.first_column,
            columns=columns,
            matches=matches,
            notes=notes,
        )
    missing = _missing(kind, _best_guess(kind, sheets))
    raise reject(
        file,
        "no-header",
        f"No header row naming the columns of a {KIND_LABELS[kind].lower()} file was found "
        f"(missing: {', '.join(missing)}). Put the column names in the first row, e.g. "
        f"{_example(kind)}.",
    )


def _file(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).name or "upload"


_EXAMPLES = {
    "stock": "Part Number, Warehouse, Qty On Hand",
    "orders": "PO Number, Supplier, Program, Part Number, Qty, Unit Price, Need Date",
    "offers": "Supplier, Manufacturer, Mfr Part #, MOQ, Unit Price, Lead Time (weeks)",
    "builds": "Program, Assembly, Quantity, Due Date, Firmness",
    "allocations": "Customer, Manufacturer, Mfr Part #, Period Start, Period End, Quantity",
}


def _example(kind: str) -> str:
    return _EXAMPLES[kind]


__all__ = ["ImportRejected", "Table", "read_table"]
