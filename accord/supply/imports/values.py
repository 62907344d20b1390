"""Cells to typed values, each problem addressed to its file, sheet, row and column.

`Cells` wraps the table and the problem log: every reader returns the value, or None after
logging an error at the cell (so one pass over the file reports every bad cell)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from accord.core.text import has_unstorable
from accord.parts.bom_import.problems import Problem, ProblemLog
from accord.supply.imports.table import Table
from accord.supply.imports.vocabulary import FIELD_LABELS

QUANTITY_LIMIT = Decimal("9999999999")
_MONEY_LIMIT = Decimal("1000000000000")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_EURO = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_NAMED = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ ,-]*(\d{4})$")
_NAMED_US = re.compile(r"^([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}),? (\d{4})$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(w|wk|wks|week|weeks|d|day|days)?$", re.IGNORECASE)


def parse_number(text: str) -> Decimal | None:
    """'1,250' -> 1250, '1.250,5' -> 1250.5, '0,25' -> 0.25, '$0.12' -> 0.12; None if not."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    for symbol in _SYMBOLS:
        cleaned = cleaned.replace(symbol, "")
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _EURO.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def date_order(texts: list[str]) -> str | None:
    """'dmy' or 'mdy' for a column of dates written 04/03/2026, decided by the column: a
    first number above 12 says day first, a second above 12 month first; None if undecided."""
    day_first = month_first = False
    for text in texts:
        found = _NUMERIC.match(text.strip())
        if found:
            a, b = int(found.group(1)), int(found.group(2))
            day_first |= a > 12
            month_first |= b > 12
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def parse_date(text: str, order: str | None) -> dt.date | str:
    """The date, or the reason it is not one."""
    value = text.strip()
    try:
        if found := _ISO.match(value):
            return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _NAMED.match(value):
            month = _MONTHS.get(found.group(2).lower())
            if month:
                return dt.date(int(found.group(3)), month, int(found.group(1)))
        if found := _NAMED_US.match(value):
            month = _MONTHS.get(found.group(1).lower())
            if month:
                return dt.date(int(found.group(3)), month, int(found.group(2)))
        if found := _NUMERIC.match(value):
            a, b, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
            year += 2000 if year < 100 else 0
            if a == b:
                return dt.date(year, a, a)
            if order is None and (a > 12) == (b > 12):
                return "is ambiguous (day or month first?): write dates as 2026-03-04"
            day_first = order == "dmy" or (order is None and a > 12)
            return dt.date(year, b, a) if day_first else dt.date(year, a, b)
    except ValueError:
        return "is not a date in the calendar"
    return "is not a date: write it as 2026-03-04"


class Cells:
    """Typed reads of the table's cells, logging a problem at each cell that fails."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.log = ProblemLog(table.file, table.sheet)
        self._orders: dict[str, str | None] = {}

    def error(self, index: int | None, name: str | None, code: str, message: str) -> None:
        row = None if index is None else self.table.row_number(index)
        column = None if name is None else self.table.label(name)
        self.log.error(code, message, row=row, column=column)

    def error_at(self, index: int, column: int, code: str, message: str) -> None:
        self.log.error(
            code,
            message,
            row=self.table.row_number(index),
            column=self.table.column_label(column),
        )

    def problems(self) -> list[Problem]:
        return [*self.table.notes, *self.log.finish()]

    def blank(self, index: int) -> bool:
        return not any(cell.strip() for cell in self.table.rows[index])

    def text(self, index: int, name: str, *, limit: int, required: bool = False) -> str | None:
        value = self.table.cell(index, name).strip()
        label = FIELD_LABELS[name]
        if not value:
            if required:
                self.error(index, name, "missing-value", f"Give the {label}.")
                return None
            return ""
        if "\n" in value or "\t" in value or has_unstorable(value):
            value = " ".join(value.split())
        if len(value) > limit:
            self.error(index, name, "too-long", f"The {label} is longer than {limit} characters.")
            return None
        return value

    def number(
        self,
        index: int,
        name: str,
        *,
        required: bool = True,
        allow_zero: bool = False,
        places: int = 4,
        column: int | None = None,
    ) -> Decimal | None:
        raw = (
            self.table.cell(index, name)
            if column is None
            else (self.table.rows[index][column] if column < len(self.table.rows[index]) else "")
        ).strip()
        label = FIELD_LABELS[name]

        def fail(code: str, message: str) -> None:
            if column is None:
                self.error(index, name, code, message)
            else:
                self.error_at(index, column, code, message)

        if not raw:
            if required:
                fail("missing-value", f"Give the {label}.")
            return None
        number = parse_number(raw)
        if number is None:
            fail("not-a-number", f"The {label} '{raw}' is not a number.")
            return None
        limit = _MONEY_LIMIT if places == 6 else QUANTITY_LIMIT
        if number < 0 or (number == 0 and not allow_zero):
            wanted = "zero or more" if allow_zero else "more than zero"
            fail("out-of-range", f"The {label} must be {wanted} (got {raw}).")
            return None
        if number >= limit:
            fail("out-of-range", f"The {label} {raw} is too large.")
            return None
        step = Decimal(1).scaleb(-places)
        if number != number.quantize(step):
            fail("too-many-decimals", f"The {label} {raw} has more than {places} decimals.")
            return None
        return number.quantize(step)

    def date(self, index: int, name: str, *, required: bool = True) -> dt.date | None:
        raw = self.table.cell(index, name).strip()
        label = FIELD_LABELS[name]
        if not raw:
            if required:
                self.error(index, name, "missing-value", f"Give the {label}.")
            return None
        if name not in self._orders:
            column = [self.table.cell(i, name) for i in range(len(self.table.rows))]
            self._orders[name] = date_order(column)
        value = parse_date(raw, self._orders[name])
        if isinstance(value, str):
            self.error(index, name, "not-a-date", f"The {label} '{raw}' {value}.")
            return None
        if not dt.date(1990, 1, 1) <= value <= dt.date(2100, 12, 31):
            self.error(index, name, "out-of-range", f"The {label} {raw} is out of range.")
            return None
        return value

    def currency(self, index: int, name: str = "currency", default: str = "") -> str | None:
        raw = self.table.cell(index, name).strip().upper()
        raw = _SYMBOLS.get(raw, raw)
        if not raw:
            return default
        if not _CURRENCY.fullmatch(raw):
            self.error(
                index,
                name,
                "bad-currency",
                f"The currency '{raw}' is not a three-letter code such as USD or EUR.",
            )
            return None
        return raw

    def lead_time_days(self, index: int) -> int | bool | None:
        """Days (weeks x 7), None when not given, False after a problem."""
        for name, factor in (("lead_time_weeks", 7), ("lead_time_days", 1)):
            raw = self.table.cell(index, name).strip()
            if not raw:
                continue
            found = _DURATION.match(raw)
            if not found:
                self.error(index, name, "not-a-number", f"The lead time '{raw}' is not a number.")
                return False
            unit = (found.group(2) or "").lower()
            per = 7 if unit.startswith("w") else 1 if unit.startswith("d") else factor
            days = int((Decimal(found.group(1)) * per).to_integral_value())
            if days > 3650:
                self.error(index, name, "out-of-range", f"The lead time {raw} is over 10 years.")
                return False
            return days
        return None
