"""Fields guessed from a column's contents, for columns whose header says nothing usable:
anonymous ("Field1", no header), unknown words, headers the contents contradict, and the
second of two same-named columns. Each guess carries its evidence with counts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .column_evidence import (
    ColumnProfile,
    Kind,
    best_kind_evidence,
    fit,
    profile_column,
)

ALL_FIELDS: tuple[str, ...] = (
    "designators",
    "quantity",
    "item",
    "dnp",
    "lcsc",
    "supplier_pn",
    "datasheet",
    "manufacturer",
    "supplier",
    "value",
    "footprint",
    "description",
    "notes",
    "mpn",
)

Guess = tuple[str, float, str]


def infer_field(
    values: Sequence[str],
    *,
    allowed: Sequence[str] = ALL_FIELDS,
    taken: set[str] | None = None,
) -> Guess | None:
    """Guess a column's field from its non-empty values: (field, confidence, reason)."""
    profile = profile_column(0, [v for v in values if v])
    return infer_from_profile(profile, values, allowed=allowed, taken=taken or set())


def infer_from_profile(
    profile: ColumnProfile,
    values: Sequence[str],
    *,
    allowed: Sequence[str] = ALL_FIELDS,
    taken: set[str],
) -> Guess | None:
    """The rules of `infer_field` on a profile already made. The order matters: the most
    specific shapes first (designators, counting numbers, LCSC and order codes, links),
    then names, values, descriptions, footprints and MPNs."""

    def ok(name: str) -> bool:
        return name in allowed and name not in taken

    n = profile.filled
    if not n:
        return None
    dnp_only = profile.count(Kind.DNP)
    if dnp_only == n:
        if ok("dnp"):
            return "dnp", 0.6, f"All {n} cells are DNP marks"
        return None

    def share(kind: Kind) -> float:
        return profile.share(kind)

    def because(field_name: str, kind: Kind | None = None) -> str:
        evidence = profile.evidence(kind) if kind else best_kind_evidence(profile, field_name)
        return evidence[0].upper() + evidence[1:]

    designator_cells = profile.count(Kind.DESIGNATOR) + profile.count(Kind.DESIGNATOR_LIST)
    # A cell cannot be both a single designator and a list, so the counts add up.
    if ok("designators") and designator_cells >= 0.8 * n:
        kind = Kind.DESIGNATOR_LIST if profile.count(Kind.DESIGNATOR_LIST) else Kind.DESIGNATOR
        if not (share(Kind.LCSC) >= 0.8 and ok("lcsc")):
            return "designators", 0.6, because("designators", kind)
    if share(Kind.INTEGER) == 1.0:
        numbers = _whole_numbers(values)
        if n >= 3 and numbers == list(range(1, len(numbers) + 1)):
            if ok("item"):
                return "item", 0.5, f"The {n} cells count up 1, 2, 3..."
            return None
        if ok("quantity") and numbers and max(numbers) < 1_000_000:
            return "quantity", 0.6, because("quantity", Kind.INTEGER)
        return None
    if ok("lcsc") and share(Kind.LCSC) >= 0.8:
        return "lcsc", 0.6, because("lcsc", Kind.LCSC)
    if ok("supplier_pn") and share(Kind.ORDER_CODE) >= 0.6:
        return "supplier_pn", 0.5, because("supplier_pn", Kind.ORDER_CODE)
    if ok("datasheet") and share(Kind.URL) >= 0.8:
        return "datasheet", 0.6, because("datasheet", Kind.URL)
    if share(Kind.PRICE) >= 0.5 or share(Kind.URL) >= 0.8:
        return None  # prices (and links once the datasheet is taken) feed no field
    if ok("manufacturer") and share(Kind.MAKER) >= 0.5:
        return "manufacturer", 0.6, because("manufacturer", Kind.MAKER)
    if ok("supplier") and share(Kind.DISTRIBUTOR) >= 0.6:
        return "supplier", 0.5, because("supplier", Kind.DISTRIBUTOR)
    if share(Kind.PROSE) >= 0.6:
        # Remarks in words ("Alternative part: ...") are notes, never a part number.
        if ok("notes"):
            return "notes", 0.5, because("notes", Kind.PROSE)
        if ok("description"):
            return "description", 0.4, because("description", Kind.PROSE)
        return None
    if ok("value") and share(Kind.VALUE) >= 0.6:
        return "value", 0.5, because("value", Kind.VALUE)
    if ok("description") and share(Kind.SENTENCE) >= 0.6:
        return "description", 0.5, because("description", Kind.SENTENCE)
    if ok("footprint") and share(Kind.FOOTPRINT) >= 0.6:
        return "footprint", 0.4, because("footprint", Kind.FOOTPRINT)
    # Values like "4k7" have an MPN's shape: a column of them is no MPN column.
    mpn_like = fit(profile, "mpn") >= 0.7 and share(Kind.MPN) >= 0.6 and share(Kind.VALUE) < 0.5
    if ok("mpn") and mpn_like:
        return "mpn", 0.5, because("mpn", Kind.MPN)
    return None


def _whole_numbers(values: Sequence[str]) -> list[int]:
    out: list[int] = []
    for v in values:
        digits = re.match(r"\s*(\d+)", v)
        if digits:
            out.append(int(digits.group(1)))
    return out
