"""Bills of materials that EDA tools write as text reports, and what their columns mean.

- Eagle and Fusion 360 partlists (File > Export > Partlist): a title block, then a header whose
  column *positions* define the fields ("Part     Value          Device   ..."), one part per
  row, values with spaces in them ("10k 1%"), empty cells. The board's partlist has "Position
  (mm)" and "Orientation" instead of "Device" and "Sheet"; it still lists parts, not
  placements, so it is read as a BOM and its positions are left out.
- OrCAD Capture's .BOM report: a title block, "Bill Of Materials <date> Page1", a header
  separated by tabs ("Item	Quantity	Reference	Part"), and long reference lists wrapped onto
  lines that fill only the Reference cell.
- Allegro / OrCAD PCB Editor BOM reports: columns aligned with spaces, the page header, the
  column header and the dashed rules repeated on every page.

Every report becomes one RawSheet with one row per line of the file, so problems name the line
the user sees: lines that hold no part (page headers, rules, repeated column headers) are
emptied and named in `skipped_rows`, and a continuation line's designators join the row above.

Eagle's bom.ulp CSV is read by the CSV reader; `apply_format_hints` says what its columns mean
("Part" and "Parts" are the designators, "Device" is a library name), and that OrCAD Capture's
"Part" column is the value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from .designators import summarize
from .mapping import ColumnMapping, header_score, is_designator_cell, map_columns
from .problems import Problem, Severity
from .tables import Limits, RawSheet, trim_row
from .vocabulary import TOTAL_ROW, field_label, normalize_header

# A header further down than this is not a report's header.
HEADER_SEARCH_LINES = 200

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Cells of a tab-separated report: a tab with any spaces around it, or a run of 2+ spaces
# (a line that someone re-aligned with spaces).
_TAB_CELLS = re.compile(r" *\t *| {2,}")
_SPACED_CELLS = re.compile(r"\s{2,}")
_SEPARATOR = re.compile(r"^[\s+|]*[-=_*~]{3,}[-=_*~\s+|]*$")
_RULE_GROUP = re.compile(r"[-=_]{2,}")
_PAGE_LINE = re.compile(r"^[\s-]*page\s*\d+(?:\s*(?:of|/)\s*\d+)?[\s-]*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")

_CAPTURE_TITLE = re.compile(r"^\s*Bill\s+of\s+Materials\b.*\bPage\s*\d+\s*$", re.IGNORECASE)
# Capture's default header, for a report whose title block was left out.
_CAPTURE_HEADER = re.compile(r"^Item\tQuantity\tReference\b", re.IGNORECASE)
_ALLEGRO_TITLE = re.compile(r"\bBill\s+of\s+Materials?\s+Report\b", re.IGNORECASE)
_EAGLE_TITLE = re.compile(r"^\s*(?:Partlist\b|EAGLE\s+Version\b)", re.IGNORECASE)
_EAGLE_HEADER = re.compile(r"^Part\s+Value\b")
# Eagle's partlist columns, normalised; "Position (mm)" may be in inch, mil or micron.
_EAGLE_COLUMNS = frozenset(
    {"part", "value", "device", "package", "library", "sheet", "orientation"}
    | {f"position{unit}" for unit in ("", "mm", "inch", "mil", "mic")}
)

FORMAT_NAMES = {
    "eagle-partlist": "an Eagle / Fusion 360 partlist",
    "orcad-capture": "an OrCAD Capture BOM report",
    "allegro": "an Allegro / OrCAD PCB Editor BOM report",
    "text-report": "a text report with columns aligned by spaces",
}


def detect_report(sample: str) -> str | None:
    """The kind of text report the start of a file is, by its title or Eagle's header."""
    for line in _LINE_BREAK.split(sample[:16384])[:HEADER_SEARCH_LINES]:
        text = line.replace("\f", "").strip()
        if _CAPTURE_TITLE.match(text) or _CAPTURE_HEADER.match(text):
            return "orcad-capture"
        if _ALLEGRO_TITLE.search(text):
            return "allegro" if ".brd" in sample[:4096].lower() else "text-report"
        if _EAGLE_TITLE.match(text) or (
            _EAGLE_HEADER.match(text)
            and {normalize_header(w) for w in _SPACED_CELLS.split(text)} <= _EAGLE_COLUMNS
        ):
            return "eagle-partlist"
    return None


def has_known_header(rows: Sequence[Sequence[str]]) -> bool:
    """Whether a table read with a delimiter has a row that reads as a BOM header."""
    return any(header_score(row) >= 2 for row in rows[:60] if any(row))


def read_text_report(
    text: str, name: str, limits: Limits, *, kind: str | None, encoding: str | None = None
) -> RawSheet | None:
    """The report as a table, or None when no header with BOM columns is found."""
    lines = _LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    if len(lines) > limits.row_cap:
        raise limits.too_many_rows()
    lines = [line.replace("\f", "").rstrip() for line in lines]
    header_index = _find_header(lines)
    if header_index is None:
        return None
    tabbed = _tab_separated(lines[header_index])
    if not tabbed:
        lines = [line.expandtabs(8) for line in lines]
    reader = _ReportReader(lines, header_index, tabbed, limits)
    rows = reader.read()
    if kind is None and reader.eagle:
        kind = "eagle-partlist"
    kind = kind or "text-report"
    notes = [reader.note("info", "text-report", _format_note(kind, tabbed, reader), None)]
    notes += reader.notes
    return RawSheet(
        name,
        rows,
        source_format=kind,
        encoding=encoding,
        delimiter="\t" if tabbed else None,
        skipped_rows=reader.skipped,
        notes=tuple(notes),
    )


def _format_note(kind: str, tabbed: bool, reader: _ReportReader) -> str:
    how = (
        "cells separated by tabs"
        if tabbed
        else "columns cut where the header's columns start, so values with spaces stay whole"
    )
    text = f"Read as {FORMAT_NAMES[kind]} ({how})."
    if reader.positions:
        text += (
            " It was exported from the board and has positions, but it lists one part per row, "
            "so it was read as a bill of materials; the positions are not imported."
        )
    return text


# --------------------------------------------------------------------------- header


def _tab_separated(header: str) -> bool:
    """Tabs between the names and nothing else: OrCAD Capture's fields. Tabs among runs of
    spaces are alignment (an editor's tab stops), to be expanded like a fixed-width report."""
    return "\t" in header and not re.search(r" \t|\t | {2,}", header.strip())


def _rough_cells(line: str) -> list[str]:
    if _tab_separated(line):
        return [c.strip() for c in _TAB_CELLS.split(line.strip())]
    return [c for c in _SPACED_CELLS.split(line.expandtabs(8).strip()) if c]


def _find_header(lines: Sequence[str]) -> int | None:
    best: tuple[float, int] | None = None
    for i, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        cells = _rough_cells(line)
        if len(cells) < 2 and len(line.split()) < 2:
            continue
        # Single spaces can separate columns too ("Part Value" over narrow designators).
        score = max(header_score(cells), header_score(line.split()))
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i)
    return best[1] if best else None


def _column_starts(header: str, below: Sequence[str]) -> list[int]:
    """Where each column starts: a rule of dash groups under the header says it exactly;
    otherwise each header name starts a column. Two header words one space apart are one
    name ("Position (mm)", "PCB Footprint") unless the rows' cells start under the second."""
    rule = next((line for line in below[:2] if line.strip()), "")
    if _SEPARATOR.match(rule):
        groups = [m.start() for m in _RULE_GROUP.finditer(rule)]
        if len(groups) >= 2:
            return groups
    data = [line for line in below[:300] if line.strip() and not _SEPARATOR.match(line)]
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", header)]
    starts = [words[0][0]]
    for (_, end, left), (start, _, right) in pairwise(words):
        if start - end >= 2 or _cells_start_at(start, data, left, right):
            starts.append(start)
    return starts


def _cells_start_at(position: int, data: Sequence[str], left: str, right: str) -> bool:
    filled = starting = 0
    for line in data:
        if position < len(line) and line[position] != " ":
            filled += 1
            starting += line[position - 1] == " "
    if filled:
        return starting >= 0.6 * filled
    # No row reaches this far: Eagle's own column names are columns of their own.
    return normalize_header(left) in _EAGLE_COLUMNS and normalize_header(right) in _EAGLE_COLUMNS


def _cut(line: str, starts: Sequence[int]) -> tuple[list[str], int | None]:
    """The cells of a fixed-width line. A word that runs across a column start (a ragged or
    hand-edited line) is not cut in two: the cut moves to its nearer end. Returns the cells
    and the first column whose start a word crossed."""
    cuts = [0]
    crossed: int | None = None
    for column, start in enumerate(starts[1:], 1):
        cut = start
        if 0 < cut < len(line) and line[cut] != " " and line[cut - 1] != " ":
            word_start = line.rfind(" ", 0, cut) + 1
            word_end = line.find(" ", cut)
            word_end = len(line) if word_end < 0 else word_end
            cut = word_start if cut - word_start <= word_end - cut else word_end
            crossed = column if crossed is None else crossed
        cuts.append(max(cut, cuts[-1]))
    cuts.append(max(len(line), cuts[-1]))
    return [line[a:b].strip() for a, b in pairwise(cuts)], crossed


def _line_key(line: str) -> str:
    """A line as a repeated page header is recognised: dates, times and page numbers vary."""
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


# --------------------------------------------------------------------------- rows


class _ReportReader:
    def __init__(self, lines: list[str], header_index: int, tabbed: bool, limits: Limits) -> None:
        self.lines = lines
        self.header_index = header_index
        self.tabbed = tabbed
        self.limits = limits
        self.skipped: dict[int, str] = {}
        self.notes: list[Problem] = []
        header_line = lines[header_index]
        self.starts: list[int] = []
        if tabbed:
            self.header = _rough_cells(header_line)
        else:
            self.starts = _column_starts(header_line, lines[header_index + 1 :])
            self.header = _cut(header_line, self.starts)[0]
        names = [normalize_header(h) for h in self.header]
        self.eagle = _is_eagle(names)
        self.positions = self.eagle and any(n.startswith("position") for n in names)
        self.package = names.index("package") if self.eagle and "package" in names else None
        mappings = apply_format_hints(self.header, map_columns(self.header))
        self.designators = next((m.index for m in mappings if m.field == "designators"), None)

    def note(self, severity: Severity, code: str, message: str, row: int | None) -> Problem:
        return Problem(severity, code, message, self.limits.file, None, row)

    def cells(self, line: str) -> tuple[list[str], int | None]:
        if self.tabbed:
            return [c.strip() for c in _TAB_CELLS.split(line)], None
        return _cut(line, self.starts)

    def is_part_row(self, cells: list[str]) -> bool:
        """A row that names parts, as opposed to a total or a remark under the table."""
        if self.designators is None:
            return not TOTAL_ROW.match(cells[0] if cells else "")
        text = cells[self.designators] if self.designators < len(cells) else ""
        return is_designator_cell(text.rstrip(",; "))

    def read(self) -> list[list[str]]:
        lines = self.lines
        rows: list[list[str]] = [[] for _ in lines]
        rows[self.header_index] = trim_row(self.header)
        title = {_line_key(line) for line in lines[: self.header_index] if line.strip()}
        title = {key for key in title if any(c.isalpha() for c in key)}
        header_key = _line_key(lines[self.header_index])
        last_row: int | None = None
        joined: list[int] = []
        ragged: list[tuple[int, int]] = []
        symbols: list[tuple[int, str]] = []
        count = 0
        for i in range(self.header_index + 1, len(lines)):
            line = lines[i]
            if not line.strip():
                continue
            key = _line_key(line)
            kind = (
                "separator"
                if _SEPARATOR.match(line)
                else "repeated column header"
                if key == header_key
                else "page header"
                if key in title or _CAPTURE_TITLE.match(line)
                else "page number"
                if _PAGE_LINE.match(line)
                else None
            )
            if kind:
                self.skipped[i] = kind
                continue
            cells, crossed = self.cells(line)
            continued = self._continuation(cells, line)
            if continued and last_row is not None and not self.eagle:
                self._join(rows[last_row], continued)
                self.skipped[i] = ""
                joined.append(i + 1)
                continue
            if self.package is not None and self._symbol_only(cells):
                symbols.append((i + 1, cells[0]))
                self.skipped[i] = ""
                continue
            if crossed is not None and self.is_part_row(cells):
                ragged.append((i + 1, crossed))
            rows[i] = trim_row(cells)
            last_row = i
            count += len(rows[i])
            if count > self.limits.max_cells:
                raise self.limits.too_many_cells()
        self._tell(joined, ragged, symbols)
        return rows

    def _continuation(self, cells: list[str], line: str) -> str | None:
        """The designators of a line that only continues the reference list above it."""
        filled = [(j, c) for j, c in enumerate(cells) if c]
        if len(filled) != 1:
            return None
        j, text = filled[0]
        if not is_designator_cell(text.rstrip(",; ")):
            return None
        # In the Reference column, or indented with nothing else on the line.
        return text if j == self.designators or line[:1].isspace() else None

    def _join(self, row: list[str], more: str) -> None:
        column = self.designators if self.designators is not None else len(row)
        row.extend([""] * (column + 1 - len(row)))
        before = row[column].rstrip()
        if not before or before.endswith((",", ";")):
            row[column] = before + more
        else:
            row[column] = before + (", " if "," in before else " ") + more

    def _symbol_only(self, cells: list[str]) -> bool:
        assert self.package is not None
        package = cells[self.package] if self.package < len(cells) else ""
        return not package and bool(cells and cells[0])

    def _tell(
        self, joined: list[int], ragged: list[tuple[int, int]], symbols: list[tuple[int, str]]
    ) -> None:
        if joined:
            lines = _lines_text(joined)
            self.notes.append(
                self.note(
                    "info",
                    "continuation-lines",
                    f"{lines} only continue{'s' if len(joined) == 1 else ''} the reference list "
                    "of the line above; the designators were added to that line.",
                    joined[0],
                )
            )
        if ragged:
            places = summarize([f"line {n} at {self.header[c]}" for n, c in ragged], 6)
            self.notes.append(
                self.note(
                    "warning",
                    "ragged-columns",
                    f"{_lines_text([n for n, _ in ragged])} do not line up with the header's "
                    f"columns: a word runs across the start of a column ({places}). The cells "
                    "were cut at the nearest space instead; check their values.",
                    ragged[0][0],
                )
            )
        if symbols:
            names = summarize([name for _, name in symbols], 8)
            self.notes.append(
                self.note(
                    "info",
                    "symbol-without-package",
                    f"Left out {names}: a partlist row without a package is a drawing symbol "
                    "(a frame or a supply symbol), not a part to place.",
                    symbols[0][0],
                )
            )


def _lines_text(numbers: Sequence[int]) -> str:
    listed = summarize([str(n) for n in numbers], 8)
    return f"Line {listed}" if len(numbers) == 1 else f"{len(numbers)} lines ({listed})"


def _holds_designators(rows: Sequence[Sequence[str]], index: int) -> bool:
    values = [row[index] for row in rows[:200] if index < len(row) and row[index]]
    return not values or sum(map(is_designator_cell, values)) >= 0.6 * len(values)


def _is_eagle(names: Sequence[str]) -> bool:
    present = set(names)
    return (
        "value" in present
        and "package" in present
        and bool(present & {"part", "parts"})
        and bool(present & {"device", "library"} or any(n.startswith("position") for n in names))
    )


# --------------------------------------------------------------------------- column meaning


@dataclass(frozen=True)
class _Hint:
    field: str | None
    confidence: float
    reason: str


def apply_format_hints(
    header: Sequence[str],
    mappings: Sequence[ColumnMapping],
    rows: Sequence[Sequence[str]] = (),
) -> list[ColumnMapping]:
    """What a column means in the tool that wrote it, where the general vocabulary is wrong:
    Eagle's "Part"/"Parts" are the designators (when the rows under it hold designators) and
    its "Device" a library name, OrCAD Capture's "Part" is the value."""
    names = [normalize_header(h) for h in header]
    fields = {m.field for m in mappings if m.field}
    # Whether a column other than Device holds the MPNs (Device may be mapped by its contents).
    other_mpn = any(
        m.field == "mpn" and (m.index >= len(names) or names[m.index] != "device") for m in mappings
    )
    hints: dict[int, _Hint] = {}
    if _is_eagle(names):
        for i, name in enumerate(names):
            if name in ("part", "parts") and _holds_designators(rows, i):
                hints[i] = _Hint(
                    "designators",
                    1.0,
                    f"Eagle and Fusion 360 list the designators under '{header[i]}'",
                )
            elif name == "device" and not other_mpn:
                hints[i] = _Hint(
                    "mpn",
                    0.5,
                    "Device names are the only part numbers in this file; those that are "
                    "library names are left out of the MPN",
                )
            elif name == "device":
                hints[i] = _Hint(None, 1.0, "Eagle's library device name, not the MPN")
            elif name == "sheet":
                hints[i] = _Hint(None, 1.0, "The schematic sheet, which a BOM does not use")
            elif name.startswith("position") or name == "orientation":
                hints[i] = _Hint(None, 1.0, "A position on the board, which a BOM does not use")
    elif {"part", "reference"} <= set(names) and "designators" in fields and "value" not in fields:
        index = names.index("part")
        if not any(m.index == index and m.field for m in mappings):
            hints[index] = _Hint(
                "value", 1.0, "OrCAD Capture's BOM report lists the part's value under 'Part'"
            )
    if not hints:
        return list(mappings)
    out: list[ColumnMapping] = []
    for m in mappings:
        hint = hints.get(m.index)
        if hint is not None:
            out.append(
                replace(
                    m,
                    field=hint.field,
                    confidence=hint.confidence if hint.field else 0.0,
                    reason=hint.reason,
                    duplicate_of=None,
                    # The format says what the column is: no guess from its contents is said.
                    note_code="",
                    note="",
                )
            )
            continue
        taken = next((i for i, h in hints.items() if h.field and h.field == m.field), None)
        if taken is None:
            out.append(m)
        else:
            out.append(
                replace(
                    m,
                    field=None,
                    confidence=0.0,
                    duplicate_of=taken,
                    reason=f"Also looks like {field_label(m.field or '')}; column "
                    f"'{header[taken]}' is used for that",
                )
            )
    return out
