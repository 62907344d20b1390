"""Rules decided per cell rather than per column, wired into parse._Parser._parse_row.

- A combined column ("MPN/Value", "Value / Part number") holds an MPN on some rows and a
  passive's value on others: a cell that reads as a component value (values.parse_value finds
  a resistance, capacitance, inductance...) is the value, anything else the MPN.
- A remark in the MPN column ("Alternative part: RC0603FR-0710KL") is a note: it never
  becomes a manufacturer part number.
"""

from __future__ import annotations

import re

from .column_evidence import is_note
from .problems import ProblemLog
from .values import parse_value
from .vocabulary import PLACEHOLDERS, is_dnp_word

_FIRST_DESIGNATOR = re.compile(r"[A-Za-z]+\d+")


class CellRules:
    """Applies the per-cell rules to one row's cells and keeps counts for the summary."""

    def __init__(self, log: ProblemLog, *, combined: str | None, mpn: str | None) -> None:
        self.log = log
        self.combined_column = combined
        self.mpn_column = mpn
        self.as_value: list[str] = []
        self.as_mpn: list[str] = []

    def apply(self, cells: dict[str, str], combined: str, designators: str, number: int) -> None:
        """Adjust `cells` (field -> cleaned text) of spreadsheet row `number` in place."""
        text = combined.strip()
        if text and text.lower() not in PLACEHOLDERS:
            self._split(cells, text, designators)
        mpn = cells.get("mpn", "")
        if mpn and is_note(mpn):
            cells["notes"] = f"{cells['notes']} {mpn}".strip() if cells.get("notes") else mpn
            cells["mpn"] = ""
            self.log.info(
                "note-in-mpn",
                f"'{mpn}' is a note, not a manufacturer part number: it was moved to the notes.",
                row=number,
                column=self.mpn_column,
            )

    def _split(self, cells: dict[str, str], text: str, designators: str) -> None:
        first = _FIRST_DESIGNATOR.search(designators)
        parsed = parse_value(text, designator=first.group(0) if first else None)
        if parsed.primary is not None or is_dnp_word(text):
            self.as_value.append(text)
            if not cells.get("value"):
                cells["value"] = text
        else:
            self.as_mpn.append(text)
            if not cells.get("mpn"):
                cells["mpn"] = text

    def report(self) -> None:
        """One info problem saying how the combined column's cells were read."""
        if self.combined_column is None or not (self.as_value or self.as_mpn):
            return
        values, mpns = len(self.as_value), len(self.as_mpn)
        self.log.info(
            "value-or-mpn",
            f"{self.combined_column} holds a value on some rows and an MPN on others: "
            f"{values} {_cells(values)} read as a component value{_examples(self.as_value)} "
            f"were taken as the value, {mpns} other {_cells(mpns)}{_examples(self.as_mpn)} "
            "as the MPN.",
        )


def _cells(n: int) -> str:
    return "cell" if n == 1 else "cells"


def _examples(texts: list[str]) -> str:
    shown = list(dict.fromkeys(texts))[:3]
    return f" ({', '.join(shown)})" if shown else ""
