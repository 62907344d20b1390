"""The first stages of a BOM import, each with one job: read the file (its sheet), locate the
table (the header row and where data starts), identify the columns (by names and contents).
parse.py then builds the rows and lines; matching.py matches parts and plans the writes;
services/bom_write.py commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from .column_shift import Realignment, find_shift, realign
from .mapping import (
    ColumnMapping,
    apply_overrides,
    find_header,
    header_cells,
    header_score,
    header_signature,
    looks_like_placement,
    map_columns,
)
from .problems import ImportRejected, Problem, reject
from .readers import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_ROWS, RawSheet, read_tables
from .tables import StrippedCell, strip_cells
from .text_reports import apply_format_hints

# Rows under the header whose cells identify the columns.
SAMPLE_ROWS = 200


@dataclass
class FileRead:
    file: str  # the file's name without its folders, as problems name it
    sheets: list[RawSheet]
    sheet: RawSheet  # the one that holds the BOM
    # Cells of the sheet that held control or bidi characters (removed), for the problems.
    stripped: list[StrippedCell] = field(default_factory=list)

    @property
    def sheet_label(self) -> str | None:
        """The sheet as problems name it: workbooks only."""
        return self.sheet.name if self.sheet.source_format in ("xlsx", "xls") else None


@dataclass
class TableLocation:
    header: list[str]  # empty for a headerless table
    header_index: int | None  # 0-based, into the sheet's rows
    data_start: int  # 0-based index of the first row under the header

    def header_row(self, sheet: RawSheet) -> int | None:
        """The header's spreadsheet row, 1-based."""
        return None if self.header_index is None else sheet.first_row + self.header_index


@dataclass
class Columns:
    mappings: list[ColumnMapping]
    signature: str  # of the layout, before the user's choices: to remember them
    shift: Realignment | None = None  # data shifted against its header, realigned
    moved: int = 0  # rows realigned


def read_file(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> FileRead:
    """The file's tables and the sheet that holds the BOM; ImportRejected for a file that is
    no BOM (unreadable, empty, a pick-and-place file, no such sheet)."""
    sheets = read_tables(
        data, filename, max_bytes=max_bytes, max_rows=max_rows, max_cells=max_cells
    )
    file = filename.replace("\\", "/").rsplit("/", 1)[-1]
    read = FileRead(file, sheets, choose_sheet(sheets, sheet, file))
    read.stripped = strip_cells(read.sheet.rows)  # before anything reads the cells
    rows = read.sheet.rows
    if any(looks_like_placement(r) for r in rows[:30]):
        raise reject(
            file,
            "placement-file",
            "This looks like a pick-and-place (component position) file, not a BOM: it has X/Y "
            "position and rotation columns. Upload the bill of materials instead.",
            sheet=read.sheet_label,
        )
    if not any(any(r) for r in rows):
        raise reject(file, "empty-file", "The file has no data.", sheet=read.sheet_label)
    return read


def choose_sheet(sheets: list[RawSheet], wanted: str | None, file: str) -> RawSheet:
    """The sheet asked for (exactly, else without case), or the one most like a BOM."""
    if wanted is not None:
        for s in sheets:
            if s.name == wanted:
                return s
        for s in sheets:
            if s.name.casefold() == wanted.strip().casefold():
                return s
        names = ", ".join(s.name for s in sheets)
        raise reject(
            file, "no-such-sheet", f"The file has no sheet named '{wanted}' (sheets: {names})."
        )
    best: tuple[float, int] | None = None
    for i, s in enumerate(sheets):
        if not s.rows or any(looks_like_placement(r) for r in s.rows[:30]):
            continue
        h = find_header(s.rows)
        score = header_score(s.rows[h]) if h is not None else 0.5
        if best is None or score > best[0]:
            best = (score, i)
    return sheets[best[1]] if best is not None else sheets[0]


def locate_table(rows: list[list[str]]) -> TableLocation:
    """The header row (title blocks above it skipped, a two-row header merged) and where the
    data starts; a headerless table starts at its first filled row (read_file refuses a sheet
    without one)."""
    header_index = find_header(rows)
    if header_index is None:
        first_filled = next((i for i, r in enumerate(rows) if any(r)), 0)
        return TableLocation([], None, first_filled)
    header, used = header_cells(rows, header_index)
    return TableLocation(header, header_index, header_index + used)


def identify_columns(
    read: FileRead,
    table: TableLocation,
    overrides: dict[int, str | None] | None = None,
) -> Columns:
    """Each column's field by its header and its cells, after realigning data shifted against
    its header; then the user's choices. ImportRejected when no column is a BOM column.
    Realigning changes the sheet's rows in place."""
    sheet, header, start = read.sheet, table.header, table.data_start
    rows = sheet.rows
    sample = rows[start : start + SAMPLE_ROWS]
    shift = find_shift(header, sample, first_column=sheet.first_column) if header else None
    moved = realign(rows, start, shift) if shift else 0
    sample = rows[start : start + SAMPLE_ROWS]
    mappings = apply_format_hints(
        header, map_columns(header, sample, first_column=sheet.first_column), sample
    )
    # Before overrides: the same file must give the same signature with or without them.
    signature = layout_signature(header, mappings)
    if overrides:
        mappings = apply_overrides(mappings, overrides)
    fields = {m.field for m in mappings if m.field}
    if not fields & {"designators", "mpn", "value", "description", "quantity"}:
        raise ImportRejected(
            Problem(
                "error",
                "no-bom-columns",
                "No BOM columns (designators, quantity, value, MPN, description) were recognised "
                "in this file.",
                read.file,
                read.sheet_label,
            )
        )
    return Columns(mappings, signature, shift, moved)


def layout_signature(header: list[str], mappings: list[ColumnMapping]) -> str:
    """Which remembered mapping applies: the header's names, or for a headerless table its
    width and what its columns look like."""
    if any(h.strip() for h in header):
        return header_signature(header)
    inferred = [m.field or "" for m in mappings]
    return header_signature(["#headerless", str(len(mappings)), *inferred])
