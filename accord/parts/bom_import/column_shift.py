"""Data shifted against its header: every data row has one field more than the header.

A KiCad grouped BOM edited by hand, or a tool that writes an empty field the header does not
name, leaves the data one column to the right of its header from some column on: the
"Footprint" header stands over an empty column, "Description" over the footprints, "MPN" over
the vendors, and the MPNs sit in a column without a header. Here the contents decide: when
(nearly) every row is one field wider than the header, and the field at some position k is
empty while the columns after it fit the headers one to their left far better than their own,
the rows are realigned (field k removed) and the evidence is stated.

CSV readers drop trailing empty fields, so a shifted row whose last fields are empty is not
wider than the header; it is realigned too when its field k is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .column_evidence import SAMPLE_ROWS, best_kind_evidence, fit, profile_columns
from .mapping import classify_header
from .problems import column_label

# A realignment must win clearly: at least this much fit in total (about one column's worth),
# and at least two columns must fit better.
_MIN_GAIN = 1.0
_MIN_BETTER_COLUMNS = 2


@dataclass(frozen=True)
class Realignment:
    """Remove field `extra` (0-based, within the row) from the shifted data rows."""

    extra: int
    header_width: int
    wide_rows: int
    sampled_rows: int
    empty_rows: int  # sampled rows whose extra field is empty
    evidence: tuple[str, ...]
    after: str  # the column after which the extra field sits, as a problem names it


def find_shift(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, first_column: int = 0
) -> Realignment | None:
    """The realignment the data under `header` needs, or None when it lines up."""
    names = list(header)
    while names and not names[-1].strip():
        names.pop()
    width = len(names)
    sample = [r for r in rows[:SAMPLE_ROWS] if any(r)]
    if width < 3 or len(sample) < 3:
        return None
    wide = sum(1 for r in sample if len(r) == width + 1)
    wider = sum(1 for r in sample if len(r) > width + 1)
    if wide < 0.5 * len(sample) or wider > 0.05 * len(sample):
        return None
    profiles = profile_columns(sample, width + 1)
    fields = [_plain(classify_header(h)) for h in names]
    best: tuple[float, int, list[str]] | None = None
    for extra in range(width):
        # The extra field is an empty one on the wide rows (the shift inserted nothing else);
        # a few narrower rows may fill it: rows nobody shifted.
        wide_filled = sum(1 for r in sample if len(r) == width + 1 and r[extra])
        reaching = [r for r in sample if len(r) > extra]
        if wide_filled > 0.1 * wide or sum(1 for r in reaching if r[extra]) > 0.25 * len(reaching):
            continue
        gain = 0.0
        better: list[str] = []
        for j in range(extra, width):
            name = fields[j]
            if name is None:
                continue
            # Weighted by how many rows fill the column: one odd cell proves little.
            shifted = fit(profiles[j + 1], name) * profiles[j + 1].filled / len(sample)
            own = fit(profiles[j], name) * profiles[j].filled / len(sample)
            gain += shifted - own
            if shifted >= own + 0.3:
                evidence = best_kind_evidence(profiles[j + 1], name)
                better.append(f"under '{names[j]}', {evidence}")
        clear = len(better) >= _MIN_BETTER_COLUMNS and gain >= _MIN_GAIN
        if clear and (best is None or gain > best[0]):
            best = (gain, extra, better)
    if best is None:
        return None
    _, extra, better = best
    after = column_label(names[extra - 1], first_column + extra - 1) if extra else ""
    empty = sum(1 for r in sample if len(r) <= extra or not r[extra])
    return Realignment(extra, width, wide, len(sample), empty, tuple(better), after)


def realign(rows: list[list[str]], start: int, shift: Realignment) -> int:
    """Remove the extra field from the data rows (rows[start:]) in place; returns how many
    rows moved. A row no wider than the header whose field there is filled was not shifted
    (a row someone left alone) and stays as it is."""
    moved = 0
    k = shift.extra
    for row in rows[start:]:
        if len(row) <= k:
            continue
        if len(row) > shift.header_width or not row[k]:
            del row[k]
            moved += 1
    return moved


def message(shift: Realignment, moved: int) -> str:
    """The info problem for a realignment, with its counts and the columns that now fit."""
    width = shift.header_width
    where = f"after {shift.after}" if shift.after else "before the first column"
    fits = "; ".join(shift.evidence[:4])
    empty = (
        "on every row"
        if shift.empty_rows == shift.sampled_rows
        else f"on {shift.empty_rows} of {shift.sampled_rows} rows"
    )
    return (
        f"The data stands one column to the right of its header: {shift.wide_rows} of "
        f"{shift.sampled_rows} data rows have {width + 1} fields under a header of {width}, and "
        f"the field {where} is empty {empty}. Read one column to the left, the cells fit their "
        f"headers ({fits}), so {moved} rows were realigned."
    )


def _plain(field_name: str | None) -> str | None:
    if field_name == "weak_pn":
        return "mpn"
    if field_name and field_name.startswith("alt_"):
        return "mpn" if "mpn" in field_name else "manufacturer"
    return field_name
