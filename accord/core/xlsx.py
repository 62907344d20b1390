"""A streaming XLSX writer for exports: one worksheet, written as XML straight into the zip.

Why not openpyxl: even in write-only mode it builds an object per cell and serialises it through
an XML library; exporting 26,000 parts took 6.4 s, most of it there. This writer formats each
row as a string (inline strings, so no shared-string table to hold in memory) and streams the
worksheet through zlib while the rows arrive; benchmarks/export.py measures both in one run.

What it writes, and the choices behind it:

* text as inline strings; the caller has already made it safe (accord.core.exports: control
  characters removed, formulas neutralised). Cells are capped at Excel's 32,767 characters.
* int, float and Decimal as numbers (never text: a spreadsheet must be able to sum them);
  NaN and infinities, which the format cannot hold, as empty cells.
* date and datetime as dates with an ISO format (yyyy-mm-dd, yyyy-mm-dd hh:mm:ss), so every
  locale reads them the same; aware datetimes in UTC. Dates before 1900-03-01, which Excel's
  serial numbers get wrong, as ISO text.
* None as an empty cell; bool as the caller decides (exports write "yes" / "").
* the header row bold and frozen, columns as wide as their header.

The package is the minimal SpreadsheetML set Excel, LibreOffice, openpyxl and calamine all
open: content types, relationships, workbook, styles and the sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

# Excel refuses longer cells ("the file is damaged"); openpyxl and calamine accept them.
MAX_CELL_CHARACTERS = 32_767
MAX_COLUMNS = 16_384
MAX_ROWS = 1_048_576
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
# Rows are joined and compressed in chunks: few large writes, little memory.
ROWS_PER_CHUNK = 2_000
# zlib level 1 is several times faster than the default 6 for worksheet XML, and the file is
# only ~25% larger (measured on the parts export).
COMPRESS_LEVEL = 1

_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of the 1900 date system, as Excel counts it
_FIRST_SAFE_DATE = dt.date(1900, 3, 1)  # Excel believes 1900 was a leap year: earlier is off
# Style indexes in styles.xml below.
_DATE_STYLE = 1
_DATETIME_STYLE = 2
_HEADER_STYLE = 3

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>\
</Relationships>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>\
</Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<bookViews><workbookView/></bookViews>\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>\
</workbook>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="2">\
<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>\
</numFmts>\
<fonts count="2">\
<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
</fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
</cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>\
</sheetView></sheetViews>\
<sheetFormatPr defaultRowHeight="15"/>"""

SHEET_END = "</sheetData></worksheet>"


def column_letters(count: int) -> list[str]:
    """["A", "B", ..., "Z", "AA", ...] for the first `count` columns."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def sheet_name(name: str) -> str:
    """A name Excel accepts: no []:*?/\\, no apostrophe at either end, 1 to 31 characters."""
    cleaned = name.translate(SHEET_NAME_FORBIDDEN).strip().strip("'")[:31].strip()
    return cleaned or "Sheet1"


def _text(ref: str, value: str, style: str = "") -> str:
    if len(value) > MAX_CELL_CHARACTERS:
        value = value[:MAX_CELL_CHARACTERS]
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{value}</t></is></c>'


def _serial(value: dt.datetime) -> float:
    delta = value - _EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86_400


def _cell(ref: str, value: Any) -> str:
    """One <c> element; "" for an empty cell."""
    kind = type(value)
    if kind is str:
        return _text(ref, value) if value else ""
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if value is None:
        return ""
    if kind is Decimal:
        return f'<c r="{ref}"><v>{value:f}</v></c>' if value.is_finite() else ""
    if kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>' if math.isfinite(value) else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if value.date() < _FIRST_SAFE_DATE:
            return _text(ref, value.isoformat(sep=" "))
        return f'<c r="{ref}" s="{_DATETIME_STYLE}"><v>{_serial(value)!r}</v></c>'
    if isinstance(value, dt.date):
        if value < _FIRST_SAFE_DATE:
            return _text(ref, value.isoformat())
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    if isinstance(value, int):  # subclasses (IntEnum...)
        return _cell(ref, int(value))
    if isinstance(value, float):
        return _cell(ref, float(value))
    if isinstance(value, str):  # str subclasses (TextChoices...)
        return _cell(ref, str(value))
    return _text(ref, str(value))


def _row(number: int, letters: Sequence[str], values: Iterable[Any]) -> str:
    cells = "".join(
        [_cell(f"{letter}{number}", value) for letter, value in zip(letters, values, strict=False)]
    )
    return f'<row r="{number}">{cells}</row>'


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> bytes:
    """The workbook: headers on the first (bold, frozen) row, then the rows as they come."""
    width = min(max(len(headers), 1), MAX_COLUMNS)
    letters = column_letters(width)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(sheet_name(sheet))))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as out:
            columns = "".join(
                f'<col min="{n}" max="{n}" width="{min(max(len(h) + 4, 10), 60)}" customWidth="1"/>'
                for n, h in enumerate(headers[:width], start=1)
            )
            header = "".join(
                _text(f"{letter}1", str(h), f' s="{_HEADER_STYLE}"') if h else ""
                for letter, h in zip(letters, headers, strict=False)
            )
            out.write(
                f"{SHEET_START}{f'<cols>{columns}</cols>' if columns else ''}<sheetData>"
                f'<row r="1">{header}</row>'.encode()
            )
            chunk: list[str] = []
            for number, values in enumerate(rows, start=2):
                if number > MAX_ROWS:
                    break
                chunk.append(_row(number, letters, values))
                if len(chunk) >= ROWS_PER_CHUNK:
                    out.write("".join(chunk).encode())
                    chunk.clear()
            out.write(("".join(chunk) + SHEET_END).encode())
    return buffer.getvalue()
