"""Shared pieces of the readers: limits, the RawSheet table, cell formatting."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accord.core.text import has_unstorable, strip_unstorable

from .problems import ImportRejected, Problem, reject

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_CELLS = 2_000_000
# Title blocks, blank lines and footers around the table do not count against max_rows.
HEADER_ALLOWANCE = 100


@dataclass(frozen=True)
class RawSheet:
    """One table: every cell a stripped string, rows possibly ragged.

    `rows[i][j]` is the spreadsheet cell at row `first_row + i` (1-based) and column
    index `first_column + j` (0-based, 0 = "A"), so messages can point at the cell
    the user sees.
    """

    name: str
    rows: list[list[str]]
    first_row: int = 1
    first_column: int = 0
    source_format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    # Rows a text-report reader emptied (index into `rows`) and what they held ("page header",
    # "separator"), so the parser names them when it reports skipped rows; "" means a note
    # in `notes` already tells (a continuation line joined to the row above).
    skipped_rows: dict[int, str] = field(default_factory=dict)
    # What the reader found worth telling the user (a report's format, lines out of line).
    notes: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Limits:
    """The caps for one upload, and the rejections that name them."""

    file: str
    max_bytes: int
    max_rows: int
    max_cells: int

    @property
    def row_cap(self) -> int:
        return self.max_rows + HEADER_ALLOWANCE

    def too_many_rows(self, sheet: str | None = None) -> ImportRejected:
        return reject(
            self.file,
            "too-many-rows",
            f"The file has more than {self.max_rows:,} rows; the limit is {self.max_rows:,}.",
            sheet=sheet,
        )

    def too_many_cells(self, sheet: str | None = None) -> ImportRejected:
        return reject(
            self.file,
            "too-many-cells",
            f"The file has more than {self.max_cells:,} cells; the limit is {self.max_cells:,}.",
            sheet=sheet,
        )


def cell_to_str(value: Any) -> str:
    """Spreadsheet cell -> text as a user would read it: 3.0 -> '3', 0.1 -> '0.1'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = format(
            value, ".15g"
        )  # what Excel displays; hides binary noise like 0.30000000000000004
        if "e" in text:
            try:
                d = Decimal(text)
            except InvalidOperation:
                return text
            if -12 < d.adjusted() < 15:
                text = format(d, "f")
        return text
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value).strip()


def trim_row(row: list[str]) -> list[str]:
    """Drop trailing empty cells (they carry no data and cost memory)."""
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end] if end != len(row) else row


@dataclass(frozen=True)
class StrippedCell:
    """A cell that held control or bidi characters, removed on reading (see strip_cells)."""

    row: int  # index into RawSheet.rows
    column: int  # index into the row
    removed: str  # the characters removed, e.g. "\x07"


def strip_cells(rows: list[list[str]]) -> list[StrippedCell]:
    """Remove control and bidi characters (accord/core/text.py) from every cell, in place.

    A stray BEL or a right-to-left override in a spreadsheet cell is no reason to refuse a
    file, but it is never stored either: the importer removes it and reports the cell (info).
    Tabs and line breaks inside a cell stay: they separate designators and values. Clean
    files (nearly all) cost one join and one regular-expression scan.
    """
    if not has_unstorable("\n".join("\n".join(row) for row in rows)):
        return []
    stripped: list[StrippedCell] = []
    for r, row in enumerate(rows):
        if not has_unstorable("\n".join(row)):
            continue
        for c, cell in enumerate(row):
            cleaned = strip_unstorable(cell)
            if cleaned != cell:
                removed = "".join(ch for ch in cell if has_unstorable(ch))
                row[c] = cleaned.strip()
                stripped.append(StrippedCell(r, c, removed))
    return stripped
