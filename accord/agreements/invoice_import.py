"""An invoice's lines from a file (CSV, TSV, XLSX, XLS) as accounting systems export them,
through the importer's readers (limits, encodings, hostile files: parts/bom_import/readers.py)
and its problems, each addressed by file, sheet, row and column.

All or nothing: every cell is read and every problem listed before anything is written; a file
with any problem writes nothing. Numbers are written plainly, with a point for decimals:
"1.234,50" is refused at its cell (1234.50 in Germany, nonsense in the US: never guessed), and a
currency column that names another currency than the invoice's is refused (never converted).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from accord.agreements.choices import InvoiceLineKind
from accord.agreements.invoice_services import line_amount, line_problems
from accord.agreements.terms import _decimal
from accord.core.errors import InvalidInput
from accord.parts.bom_import.problems import ImportRejected, Problem, column_label, reject
from accord.parts.bom_import.readers import read_plain_tables
from accord.parts.bom_import.tables import strip_cells

# field -> the header texts that name it (lower case, spaces collapsed).
HEADERS: dict[str, tuple[str, ...]] = {
    "kind": ("kind", "type", "line type"),
    "description": ("description", "item", "item description"),
    "part_number": ("part", "part number", "part no", "part #", "item number"),
    "fee_code": ("fee code", "fee", "charge code"),
    "quantity": ("quantity", "qty", "invoiced qty"),
    "unit_price": ("unit price", "price", "unit cost"),
    "amount": ("amount", "line amount", "total", "extended price"),
    "currency": ("currency", "curr", "ccy"),
}
REQUIRED = ("quantity", "unit_price")
HEADER_SEARCH = 30
_KINDS = {
    "part": InvoiceLineKind.PART,
    "part line": InvoiceLineKind.PART,
    "goods": InvoiceLineKind.PART,
    "fee": InvoiceLineKind.FEE,
    "charge": InvoiceLineKind.FEE,
    "other": InvoiceLineKind.OTHER,
}
_SPACES = re.compile(r"\s+")


def _field(text: str) -> str | None:
    name = _SPACES.sub(" ", text.strip().lower())
    for field, names in HEADERS.items():
        if name in names:
            return field
    return None


def read_invoice_lines(
    data: bytes, filename: str, currency: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The lines as create_invoice takes them, and every problem. A line's kind is its Kind
    column, else a fee when it has a fee code, else a part line."""
    try:
        sheets = read_plain_tables(data, filename, what="an invoice")
    except ImportRejected as rejected:
        return [], rejected.problems
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH]):
            columns: dict[str, int] = {}
            for column, text in enumerate(row):
                field = _field(text)
                if field and field not in columns:
                    columns[field] = column
            if all(name in columns for name in REQUIRED):
                return _rows(_file(filename), sheet, index, columns, currency)
    no_header = reject(
        _file(filename),
        "no-header",
        "No header row naming the columns of an invoice was found (Quantity and Unit Price "
        "at least; also Kind, Description, Part Number, Fee Code, Amount, Currency).",
    )
    return [], no_header.problems


def _file(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).name or "upload"


def _rows(
    file: str, sheet: Any, header_index: int, columns: dict[str, int], currency: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    sheet_name = sheet.name if sheet.source_format != "csv" else None
    header = sheet.rows[header_index]
    rows = [list(r) for r in sheet.rows[header_index + 1 :]]
    strip_cells(rows)
    problems: list[Problem] = []
    lines: list[dict[str, Any]] = []

    def where(field: str) -> str | None:
        column = columns.get(field)
        if column is None:
            return None
        return column_label(header[column], sheet.first_column + column)

    for offset, row in enumerate(rows):
        if not any(cell.strip() for cell in row):
            continue
        number = sheet.first_row + header_index + 1 + offset

        def cell(field: str, row: list[str] = row) -> str:
            column = columns.get(field)
            return row[column].strip() if column is not None and column < len(row) else ""

        def refuse(field: str, message: str, number: int = number) -> None:
            problems.append(
                Problem("error", "invalid", message, file, sheet_name, number, where(field))
            )

        line: dict[str, Any] = {
            "description": cell("description"),
            "part_number": cell("part_number"),
            "fee_code": cell("fee_code"),
        }
        kind = cell("kind").lower()
        if kind:
            if kind not in _KINDS:
                refuse("kind", f"The kind '{kind}' is not part, fee or other.")
            line["kind"] = _KINDS.get(kind, InvoiceLineKind.OTHER)
        else:
            line["kind"] = InvoiceLineKind.FEE if line["fee_code"] else InvoiceLineKind.PART
        for field in ("quantity", "unit_price", "amount"):
            text = cell(field)
            if not text:
                if field in REQUIRED:
                    refuse(field, f"Give the {field.replace('_', ' ')}.")
                continue
            try:
                value = _decimal(text)
            except ValueError as error:
                refuse(field, str(error))
                continue
            if value <= 0:
                refuse(field, f"The {field.replace('_', ' ')} must be above zero (got {text}).")
                continue
            line[field] = value
        if {"quantity", "unit_price", "amount"} <= line.keys():
            expected = line_amount(line["quantity"], line["unit_price"])
            if line["amount"] != expected:
                refuse("amount", f"{line['amount']} is not quantity x unit price ({expected}).")
        given = cell("currency").upper()
        if given and given != currency:
            refuse(
                "currency",
                f"{given} in an invoice in {currency}: one currency per invoice, never converted.",
            )
        if not any(p.row == number for p in problems):
            # The rules the API applies to a line (lengths, kinds, a fee's name), at the cell.
            for field, message in line_problems(line, currency):
                refuse(field, f"The {field.replace('_', ' ')}: {message}.")
        lines.append(line)
    if not lines and not problems:
        problems.append(
            Problem("error", "no-rows", "The file has a header but no lines.", file, sheet_name)
        )
    return lines, problems


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "code": problem.code,
        "message": problem.message,
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
    }


def import_invoice_file(
    *, actor: Any, agreement: Any, header: dict[str, Any], data: bytes, filename: str
) -> Any:
    """The invoice with the file's lines (create_invoice), or InvalidInput listing every
    problem of the file by file, sheet, row and column, with nothing written."""
    from accord.agreements.invoice_services import create_invoice, parse_invoice_header

    parsed_header = parse_invoice_header(header)
    lines, problems = read_invoice_lines(data, filename, parsed_header["currency"])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        shown = "; ".join(f"{p.message} ({p.location()})" for p in errors[:10])
        raise InvalidInput(
            f"The file has {len(errors)} problem(s), nothing was written: {shown}",
            detail={"problems": [problem_dict(p) for p in errors[:1000]]},
        )
    return create_invoice(
        actor=actor, agreement=agreement, invoice={**parsed_header, "lines": lines}
    )
