"""CSV and XLSX downloads of any table, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from accord.core.errors import InvalidInput

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers stay numbers: only text can carry an injected formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        return value.normalize() if value == value.to_integral() else value
    return neutralise(value) if isinstance(value, str) else value


def to_csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(_cell(v)) for v in row])
    # A BOM so that Excel opens UTF-8 (µ, Ω, ±) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def to_xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31] or "Sheet1")
    worksheet.append([neutralise(h) for h in headers])
    for row in rows:
        worksheet.append([_xlsx_value(_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, str) and value.startswith("'"):
        # openpyxl writes strings as strings, never formulas, once the apostrophe is there.
        return value
    return value


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    if fmt == "csv":
        body = to_csv_bytes(headers, rows)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = to_xlsx_bytes(headers, rows, sheet=filename)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise InvalidInput(f"Unknown export format {fmt!r}; use csv or xlsx.")
    response = HttpResponse(body, content_type=content_type)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response
