"""CSV and XLSX downloads of any table, safe to open in a spreadsheet.

Every text cell is made safe twice over: control, bidi and non-XML characters are removed
(accord/core/text.py `exportable`: rows stored before the rule, or by a direct database write,
may still hold them, and one BEL made every XLSX export that included it fail), and text a
spreadsheet would run as a formula gets a leading apostrophe. Numbers stay numbers, dates stay
dates. XLSX files come from the streaming writer in accord/core/xlsx.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from accord.core.errors import InvalidInput
from accord.core.text import exportable
from accord.core.xlsx import write_xlsx

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers stay numbers: only text can carry an injected formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_text(value: str) -> str:
    """A text cell as exported: exportable characters only, never a formula."""
    return neutralise(exportable(value))


def _cell(value: Any) -> Any:
    """A value as both formats write it: text made safe, None and False empty, True "yes",
    6.0000 as 6."""
    if isinstance(value, str):
        return safe_text(value)
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        return value.to_integral_value() if value == value.to_integral_value() else value
    return value


def _cells(row: Sequence[Any]) -> list[Any]:
    return [_cell(v) for v in row]


def to_csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headers])
    writer.writerows(_csv_row(row) for row in rows)
    # A BOM so that Excel opens UTF-8 (µ, Ω, ±) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_row(row: Sequence[Any]) -> list[Any]:
    out = _cells(row)
    for i, value in enumerate(out):
        if isinstance(value, Decimal):
            out[i] = format(value, "f")
        elif isinstance(value, dt.datetime) and value.tzinfo is not None:
            out[i] = value.astimezone(dt.UTC).replace(tzinfo=None)
    return out


def to_xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> bytes:
    return write_xlsx([safe_text(h) for h in headers], _xlsx_rows(rows), sheet=exportable(sheet))


def _xlsx_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield _cells(row)


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    if fmt == "csv":
        body = to_csv_bytes(headers, rows)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = to_xlsx_bytes(headers, rows, sheet=filename)
        content_type = XLSX_CONTENT_TYPE
    else:
        raise InvalidInput(f"Unknown export format {fmt!r}; use csv or xlsx.")
    response = HttpResponse(body, content_type=content_type)
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in filename)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response
