"""Reference designators: parsing the many ways EDA tools and humans write them.

Seen in the wild: "C1, C3, C5" (KiCad grouped), "C1 C14 C19 " (KiCad XSL, trailing
space), "R10..R12", "C1-C6", "C1-6", one per line inside a quoted cell, mixed case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

# A range cell like "R1-R100000" would otherwise allocate a huge list from a few bytes.
MAX_RANGE_SIZE = 10_000
# Cap for one cell as a whole (many ranges in one cell).
MAX_DESIGNATORS_PER_CELL = 100_000

_SEPARATORS = re.compile(r"[,;\s\u00a0\u3001\uff0c]+")
# Join "C1 - C6", "R10 .. R12" into one token before splitting on whitespace.
_RANGE_GLUE = re.compile(r"(?<=\d)\s*(-|\u2013|\u2014|\.\.|~)\s*(?=[A-Za-z]*\d)")
_RANGE = re.compile(
    r"^([A-Z][A-Z_]*)(\d+)(?:-|\u2013|\u2014|\.\.|~)([A-Z][A-Z_]*)?(\d+)$", re.IGNORECASE
)
_SIMPLE = re.compile(r"^[A-Z][A-Z_]*\d+[A-Z]?$", re.IGNORECASE)
# Characters we accept in an unusual but plausible designator (Eagle "U$1", "J1.1", "#PWR01").
_PLAUSIBLE = re.compile(r"^[A-Z0-9_$#.+/:'\-]+$", re.IGNORECASE)
# Plausible, with a letter, and without the characters of a range ("-", "..", "~", dashes):
# "U$1", "R12_1", "#PWR01" are neither ranges nor unusual.
_PLAIN_NAME = re.compile(r"^(?=.*[A-Z])[A-Z0-9_$#+/:']+$", re.IGNORECASE)
_NATURAL_CHUNK = re.compile(r"(\d+)")
_LETTERS = re.compile(r"[A-Za-z]+")


@dataclass
class DesignatorParse:
    """Result of `parse_designators`: the designators in order of appearance (each once)
    plus what was odd about the cell."""

    designators: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unusual: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[str]:
        return iter(self.designators)

    def __len__(self) -> int:
        return len(self.designators)


def natural_key(designator: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key so that C2 < C10 < D1 and R1 < R1A < R2."""
    parts: list[tuple[int, int | str]] = []
    for i, chunk in enumerate(_NATURAL_CHUNK.split(designator.upper())):
        if not chunk:
            continue
        # Odd positions of re.split with one group are the digit runs.
        parts.append((1, int(chunk)) if i % 2 else (0, chunk))
    return tuple(parts)


def natural_sorted(designators: Iterable[str]) -> list[str]:
    listed = list(designators)
    return sorted(listed, key=natural_key) if len(listed) > 1 else listed


def _expand_range(token: str, out: DesignatorParse, budget: int) -> list[str] | None:
    m = _RANGE.match(token)
    if not m:
        return None
    prefix, start_s, prefix2, end_s = m.groups()
    if prefix2 is not None and prefix2.casefold() != prefix.casefold():
        out.problems.append(f"'{token}' mixes two designator prefixes and is not a range.")
        return [token]
    start, end = int(start_s), int(end_s)
    if end <= start:
        # "U1-1" is more often a sub-unit name than a backwards range; keep it verbatim.
        return [token]
    size = end - start + 1
    if size > MAX_RANGE_SIZE:
        out.problems.append(
            f"The range {token} would expand to {size:,} designators; the limit is "
            f"{MAX_RANGE_SIZE:,}."
        )
        return []
    if size > budget:
        out.problems.append(
            f"The cell expands to more than {MAX_DESIGNATORS_PER_CELL:,} designators; the rest "
            "were ignored."
        )
        return []
    width = len(start_s) if start_s.startswith("0") and len(start_s) > 1 else 0
    return [f"{prefix}{str(n).zfill(width)}" for n in range(start, end + 1)]


def parse_designators(text: str) -> DesignatorParse:
    """Split a designator cell into designators.

    Any mix of commas, semicolons, spaces, tabs and newlines separates; ranges
    "C1-C6", "C1-6", "R10..R12" are expanded. Designators keep their case as written
    ("LDx" stays "LDx": a schematic may name it so) and are compared without it: duplicates
    inside the cell ("C1, c1") are reported in `duplicates` and kept once, as first written.
    """
    if len(text) > _CACHED_CELL_LENGTH:
        return _parse_cell(text)
    parsed = _parse_short_cell(text)
    return DesignatorParse(
        list(parsed.designators),
        list(parsed.duplicates),
        list(parsed.unusual),
        list(parsed.problems),
    )


# The importer reads each designator cell twice (is it a designator cell at all? then its
# designators): short cells are split once and each caller gets copies of the lists. Long cells
# (a range list of thousands) are not kept.
_CACHED_CELL_LENGTH = 200


@lru_cache(maxsize=1024)
def _parse_short_cell(text: str) -> DesignatorParse:
    return _parse_cell(text)


def _parse_cell(text: str) -> DesignatorParse:
    out = DesignatorParse()
    if not text or not text.strip():
        return out
    glued = _RANGE_GLUE.sub(lambda m: "-" if m.group(1) != ".." else "..", text.strip())
    seen: set[str] = set()
    dup_seen: set[str] = set()
    for raw in _SEPARATORS.split(glued):
        token = raw.strip()
        if not token:
            continue
        # Most tokens are plain designators ("C12", "U$1"): no range has their shape, and none
        # is unusual, so they skip both checks.
        plain = bool(_SIMPLE.match(token) or _PLAIN_NAME.match(token))
        expanded = [token]
        if not plain:
            budget = MAX_DESIGNATORS_PER_CELL - len(out.designators)
            ranged = _expand_range(token, out, budget)
            if ranged is not None:
                expanded = ranged
        for d in expanded:
            key = d.casefold()
            if key in seen:
                if key not in dup_seen:
                    out.duplicates.append(d)
                    dup_seen.add(key)
                continue
            if len(out.designators) >= MAX_DESIGNATORS_PER_CELL:
                out.problems.append(
                    f"The cell has more than {MAX_DESIGNATORS_PER_CELL:,} designators; the rest "
                    "were ignored."
                )
                return out
            seen.add(key)
            out.designators.append(d)
            if plain or _SIMPLE.match(d):
                continue
            implausible = not _PLAUSIBLE.match(d) or not any(map(str.isalpha, d))
            if implausible and d not in out.unusual:
                out.unusual.append(d)
    return out


def format_designators(designators: Iterable[str]) -> str:
    """'C1, C2, C10' — natural order, comma+space, no range compression, so that
    `parse_designators(format_designators(x))` gives back the same designators."""
    first = {d.strip().casefold(): d.strip() for d in reversed(list(designators)) if d.strip()}
    return ", ".join(natural_sorted(first.values()))


def designator_prefix(designator: str) -> str:
    """'C12' -> 'C', 'LED3' -> 'LED', 'U$1' -> 'U'."""
    m = _LETTERS.match(designator)
    return m.group(0).upper() if m else ""


def summarize(designators: list[str], limit: int = 10) -> str:
    """Short list for messages: 'C1, C2, C3' or 'C1, C2, ... (57 in total)'."""
    if len(designators) <= limit:
        return ", ".join(designators)
    return ", ".join(designators[:limit]) + f", ... ({len(designators)} in total)"
