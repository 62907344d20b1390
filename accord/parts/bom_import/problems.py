"""Problems found while importing a BOM, and the exception for files we refuse.

A `Problem` is addressed to a buyer, not a developer: the message must make sense
on its own, and the location is given the way a spreadsheet shows it (1-based row,
column header text plus its letter).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    message: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def location(self) -> str:
        """Human-readable place, e.g. 'bom.xlsx, sheet BOM, row 12, column Qty (B)'."""
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{self.severity}: {self.message}" + (f" ({where})" if where else "")


class ImportRejected(Exception):
    """The file cannot be imported at all (empty, too large, hostile, not a BOM...)."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = (
            [problems] if isinstance(problems, Problem) else list(problems)
        )
        super().__init__("; ".join(p.message for p in self.problems) or "The file was rejected.")

    @property
    def message(self) -> str:
        return str(self)


def reject(file: str, code: str, message: str, *, sheet: str | None = None) -> ImportRejected:
    """Shorthand used by the readers: one file-level error wrapped in ImportRejected."""
    return ImportRejected(Problem("error", code, message, file, sheet))


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA' (spreadsheet column naming)."""
    if index < 0:
        raise ValueError("column index must be >= 0")
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_label(header: str, index: int) -> str:
    """'Qty (B)', or 'Column B' when the header cell is blank."""
    letter = column_letter(index)
    header = header.strip()
    return f"{header} ({letter})" if header else f"Column {letter}"


class ProblemLog:
    """Collects problems for one file, capping repeats so a broken 50,000-row file
    does not produce 50,000 identical messages."""

    def __init__(self, file: str, sheet: str | None = None, *, per_code_limit: int = 100) -> None:
        self.file = file
        self.sheet = sheet
        self.per_code_limit = per_code_limit
        self.problems: list[Problem] = []
        self._counts: Counter[str] = Counter()
        self._dropped: Counter[str] = Counter()
        self._dropped_severity: dict[str, Severity] = {}

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self._counts[code] += 1
        if self._counts[code] > self.per_code_limit:
            self._dropped[code] += 1
            self._dropped_severity[code] = severity
            return
        self.problems.append(Problem(severity, code, message, self.file, self.sheet, row, column))

    def error(
        self, code: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.add("error", code, message, row=row, column=column)

    def warning(
        self, code: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.add("warning", code, message, row=row, column=column)

    def info(
        self, code: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.add("info", code, message, row=row, column=column)

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for code, n in self._dropped.items():
            out.append(
                Problem(
                    self._dropped_severity[code],
                    code,
                    f"{n:,} more problems of the same kind were not listed.",
                    self.file,
                    self.sheet,
                )
            )
        order = {s: i for i, s in enumerate(SEVERITIES)}
        # Stable sort: errors first, then by row, so the UI can show the worst on top.
        out.sort(key=lambda p: (order[p.severity], p.row if p.row is not None else 0))
        return out
