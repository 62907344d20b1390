"""Quantities counted per panel become quantities per board.

A BOM for panelised assembly may give "Qty per panel" with a "Boards per panel" column, or a
title cell like "Panel: 4 boards". The importer stores the quantity per board: the per-panel
figure divided by the boards per panel, said in an info problem. Without a boards-per-panel
count the per-panel figure cannot be used, and the quantities are counted from the designators
(a warning says so).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from .mapping import ColumnMapping
from .problems import ProblemLog, column_label
from .vocabulary import is_boards_per_panel, is_per_panel_quantity, normalize_header

_PANEL_CELL = (
    re.compile(
        r"(\d+)\s*(?:boards?|pcbs?|units?|up|x)\s*(?:per|/|on(?:\s+(?:a|the|one))?)\s*panel",
        re.I,
    ),
    re.compile(r"(?:boards?|pcbs?|units?)\s*(?:per|/|on)\s*panel\s*[:=]?\s*(\d+)", re.I),
    re.compile(
        r"panel(?:i[sz]ed|i[sz]ation|\s*size)?\s*[:=]\s*(\d+)\s*(?:up|boards?|pcbs?|x)?", re.I
    ),
    re.compile(r"(\d+)\s*-?\s*fach\s*nutzen|nutzen\s*[:=]\s*(\d+)", re.I),
)


@dataclass(frozen=True)
class PanelCount:
    boards: int | None  # one count for the whole file, or None when each row gives its own
    column: int | None  # the boards-per-panel column, if any
    source: str  # where the count comes from, for the message


def find_panel_count(
    header: Sequence[str], above: Sequence[Sequence[str]], *, first_row: int, first_column: int
) -> PanelCount | None:
    """A boards-per-panel column of the header, else a title cell above it."""
    for i, name in enumerate(header):
        if name and is_boards_per_panel(normalize_header(name)):
            return PanelCount(None, i, column_label(name, first_column + i))
    for r, row in enumerate(above):
        for cell in row:
            for pattern in _PANEL_CELL:
                found = pattern.search(cell)
                if found:
                    digits = next(g for g in found.groups() if g)
                    boards = int(digits)
                    if boards > 0:
                        return PanelCount(boards, None, f"the cell '{cell}' in row {first_row + r}")
    return None


def per_board_quantities(
    mappings: list[ColumnMapping],
    rows: list[list[str]],
    *,
    header: Sequence[str],
    header_index: int,
    data_start: int,
    first_row: int,
    first_column: int,
    log: ProblemLog,
) -> list[ColumnMapping]:
    """Divide a per-panel quantity column by the boards per panel, in place in `rows`; drop
    the column (quantities from designators) when the file does not say how many boards."""
    quantity = next((m for m in mappings if m.field == "quantity"), None)
    if quantity is None or not is_per_panel_quantity(normalize_header(quantity.header)):
        return mappings
    where = column_label(quantity.header, first_column + quantity.index)
    count = find_panel_count(
        header, rows[:header_index], first_row=first_row, first_column=first_column
    )
    if count is None:
        log.warning(
            "quantity-per-panel",
            f"{where} counts the parts on a panel, but the file does not say how many boards a "
            "panel holds (no 'Boards per panel' column or cell): the quantities were counted "
            "from the designators instead.",
        )
        return [
            replace(
                m, field=None, confidence=0.0, reason="Quantity per panel; boards per panel unknown"
            )
            if m.index == quantity.index
            else m
            for m in mappings
        ]
    divided = 0
    example = ""
    for offset, row in enumerate(rows[data_start:]):
        number = first_row + data_start + offset
        per_panel = _number(row[quantity.index]) if quantity.index < len(row) else None
        boards = count.boards
        if count.column is not None:
            boards_text = row[count.column] if count.column < len(row) else ""
            boards = int(b) if (b := _number(boards_text)) and b == b.to_integral_value() else None
        if per_panel is None or not boards:
            continue
        per_board = (per_panel / boards).normalize()
        if per_board != per_board.to_integral_value():
            log.warning(
                "quantity-per-panel",
                f"{per_panel} per panel is not a whole number of parts for each of {boards} "
                f"boards; {per_board} per board was used.",
                row=number,
                column=where,
            )
        else:
            per_board = per_board.quantize(Decimal(1))
        row[quantity.index] = format(per_board, "f")
        divided += 1
        if not example:
            example = f"row {number}: {per_panel} per panel, {per_board} per board"
    if count.boards:
        source = f"{count.source} gives {count.boards} boards per panel"
        divisor = str(count.boards)
    else:
        source = f"{count.source} gives the boards per panel on each row"
        divisor = "the boards per panel of their row"
    log.info(
        "quantity-per-panel",
        f"{where} counts the parts on a panel; {source}, so {divided} quantities were divided "
        f"by {divisor} to give the quantity per board ({example}).",
    )
    return mappings


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and value >= 0 else None
