"""Find the header row of a BOM table and map its columns to canonical fields.

Header names vary wildly between EDA tools, distributors and humans ("Qty",
"Quantity Per PCB", "Reference(s)", "Ref Des", "Mfg", "Manufactuer"...). Matching
is on a normalised form of the name, then fuzzy, then — for anonymous columns
like KiCad's "Field1..Field8" or headerless files — by looking at the data.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .designators import parse_designators
from .values import parse_value
from .vocabulary import (
    ALIASES,
    ALT_PREFIXES,
    CANONICAL_FIELDS,
    FIELD_LABELS,
    GENERIC_HEADER,
    IGNORED_HEADERS,
    KNOWN_MANUFACTURERS,
    MANUFACTURER_HEADERS,
    MPN_HEADERS,
    ROTATION_HEADERS,
    WEAK_PN_HEADERS,
    X_HEADERS,
    Y_HEADERS,
    field_label,
    is_dnp_word,
    is_valid_field,
    normalize_header,
    supplier_from_header,
)

__all__ = [
    "CANONICAL_FIELDS",
    "FIELD_LABELS",
    "ColumnMapping",
    "apply_overrides",
    "field_label",
    "find_header",
    "header_cells",
    "header_score",
    "header_signature",
    "infer_field",
    "is_designator_cell",
    "is_dnp_word",
    "is_valid_field",
    "looks_like_placement",
    "map_columns",
    "normalize_header",
    "supplier_from_header",
]


@dataclass(frozen=True)
class ColumnMapping:
    index: int
    header: str
    field: str | None
    confidence: float
    reason: str
    duplicate_of: int | None = None


_FUZZY_KEYS = sorted(
    {k for k in ALIASES if len(k) >= 5}
    | {k for k in MANUFACTURER_HEADERS | MPN_HEADERS if len(k) >= 5}
)


def _mfr_or_mpn(norm: str) -> tuple[str, int, float] | None:
    """('manufacturer'|'mpn', rank, confidence). Rank orders primary vs alternates:
    0 plain, n for a number in the name, 1000+ for an 'alt'/'A' prefix."""
    number = 0
    digits = re.findall(r"\d+", norm)
    base = norm
    if len(digits) == 1 and len(digits[0]) <= 2:
        number = int(digits[0])
        base = norm.replace(digits[0], "", 1)
    alt = False
    for prefix in ALT_PREFIXES:
        if base.startswith(prefix) and base != prefix:
            base, alt = base[len(prefix) :], True
            break
    else:
        # Fomu-style "AManufacturer", "AMPN": a single 'a' in front of a known name.
        if base.startswith("a") and (
            base[1:] in MANUFACTURER_HEADERS
            or base[1:] in MPN_HEADERS
            or base[1:] in WEAK_PN_HEADERS
        ):
            base, alt = base[1:], True
    rank = (1000 if alt else 0) + number
    if base in MPN_HEADERS:
        return "mpn", rank, 1.0
    if base in MANUFACTURER_HEADERS:
        return "manufacturer", rank, 1.0
    if base in WEAK_PN_HEADERS:
        return "weak_pn", rank, 0.9
    return None


@dataclass
class _Candidate:
    field: str | None
    confidence: float
    reason: str
    rank: int = 0


@functools.lru_cache(maxsize=8192)
def _classify(header: str, *, fuzzy: bool = True) -> _Candidate:
    norm = normalize_header(header)
    if not norm or GENERIC_HEADER.match(norm):
        return _Candidate(None, 0.0, "generic")
    if norm in IGNORED_HEADERS:
        return _Candidate(None, 1.0, "Known column that the import does not use")
    if norm in ALIASES:
        field_name, conf = ALIASES[norm]
        return _Candidate(field_name, conf, f"Header '{header}' is a known name for this field")
    found = _mfr_or_mpn(norm)
    if found:
        kind, rank, conf = found
        return _Candidate(kind, conf, f"Header '{header}' is a known name for this field", rank)
    if not fuzzy:
        return _Candidate(None, 0.0, "unknown")
    close = difflib.get_close_matches(norm, _FUZZY_KEYS, n=1, cutoff=0.8) if len(norm) >= 5 else []
    if close:
        ratio = difflib.SequenceMatcher(None, norm, close[0]).ratio()
        inner = _classify_key(close[0])
        if inner.field:
            return _Candidate(
                inner.field,
                round(min(inner.confidence, 1.0) * ratio * 0.9, 2),
                f"Header '{header}' looks like a misspelling of a known name",
                inner.rank,
            )
    return _Candidate(None, 0.0, "unknown")


def _classify_key(key: str) -> _Candidate:
    if key in ALIASES:
        field_name, conf = ALIASES[key]
        return _Candidate(field_name, conf, "")
    found = _mfr_or_mpn(key)
    if found:
        return _Candidate(found[0], found[2], "", found[1])
    return _Candidate(None, 0.0, "")


def header_score(row: Sequence[str]) -> float:
    """How much a row looks like a BOM header: +1 per recognised column name."""
    score = 0.0
    for cell in row:
        if not cell:
            continue
        if _looks_like_data(cell):
            score -= 0.5
            continue
        # Exact names only: fuzzy matching every cell of the first rows costs seconds, and a
        # header row is recognised by its well-spelt columns; misspellings are mapped later.
        cand = _classify(cell, fuzzy=False)
        if cand.field and cand.reason.startswith("Header") and "misspelling" not in cand.reason:
            score += 1.0
        elif cand.field or cand.reason.startswith("Known column"):
            score += 0.5
    return score


def _looks_like_data(cell: str) -> bool:
    if re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?", cell):
        return True
    return is_designator_cell(cell)


def find_header(rows: Sequence[Sequence[str]], *, search_rows: int = 60) -> int | None:
    """Index (0-based, into `rows`) of the header row, or None for a headerless table.

    Title blocks above the header are skipped because the best-scoring row wins.
    """
    best: tuple[float, int] | None = None
    for i, row in enumerate(rows[:search_rows]):
        if not any(row):
            continue
        score = header_score(row)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i)
    if best is not None:
        return best[1]
    # Unknown vocabulary (another language, custom names): a first row that is all
    # text above rows holding numbers/designators is still a header.
    first = next((i for i, r in enumerate(rows[:search_rows]) if any(r)), None)
    if first is None:
        return None
    row = [c for c in rows[first] if c]
    following = [r for r in rows[first + 1 : first + 21] if any(r)]
    if (
        len(row) >= 2
        and not any(_looks_like_data(c) or is_designator_cell(c) for c in row)
        and following
        and sum(any(_looks_like_data(c) for c in r) for r in following) >= len(following) / 2
    ):
        return first
    return None


def header_cells(rows: Sequence[Sequence[str]], index: int) -> tuple[list[str], int]:
    """The header at `index`, merged with the next row when that row continues it
    ("Manufacturer" spanning "Name" | "Part Number"). Returns (header, rows used)."""
    header = list(rows[index])
    if index + 1 >= len(rows):
        return header, 1
    below = list(rows[index + 1])
    if (
        not any(below)
        or any(_looks_like_data(c) for c in below if c)
        or any(len(c) > 30 for c in below)
    ):
        return header, 1
    width = max(len(header), len(below))
    header += [""] * (width - len(header))
    below += [""] * (width - len(below))
    merged: list[str] = []
    group = ""
    for top, bottom in zip(header, below, strict=True):
        if top:
            group = top if bottom else ""
        elif not bottom:
            group = ""
        # A blank top cell under a merged group header inherits the group name.
        name = " ".join(x for x in ((top or group), bottom) if x)
        merged.append(name)
    if header_score(merged) > header_score(header):
        return merged, 2
    return header, 1


def looks_like_placement(row: Sequence[str]) -> bool:
    """Pick-and-place / centroid header: X and Y columns plus rotation or side."""
    names = {normalize_header(c) for c in row if c}
    return bool(names & X_HEADERS and names & Y_HEADERS and names & ROTATION_HEADERS)


def header_signature(header: Sequence[str]) -> str:
    """Stable id of a header layout, to remember a user's mapping for files that
    look the same (case, spacing and punctuation do not matter)."""
    names = [normalize_header(h) for h in header]
    while names and not names[-1]:
        names.pop()
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- mapping


def map_columns(
    header: Sequence[str], data_rows: Sequence[Sequence[str]] | None = None
) -> list[ColumnMapping]:
    """Map each column to a canonical field (or None) with a confidence and reason.

    `data_rows` (a sample of the rows under the header) lets anonymous columns be
    mapped by their content.
    """
    rows = list(data_rows or [])
    width = max([len(header)] + [len(r) for r in rows[:200]]) if rows else len(header)
    headers = list(header) + [""] * (width - len(header))
    # Copies: the classifier is cached and the candidates are adjusted below.
    cands = [replace(_classify(h)) for h in headers]

    _resolve_part_numbers(cands)
    _drop_weak_part_numbers(cands)
    _assign_alternates(cands)
    result = [
        ColumnMapping(
            i, headers[i], c.field, c.confidence if c.field else 0.0, c.reason if c.field else ""
        )
        for i, c in enumerate(cands)
    ]
    result = _resolve_duplicates(result)
    taken = {m.field for m in result if m.field}
    for i, c in enumerate(cands):
        if result[i].field or result[i].duplicate_of is not None:
            continue
        if c.reason.startswith("Known column"):
            result[i] = replace(result[i], reason=c.reason)
            continue
        values = [r[i] for r in rows[:200] if i < len(r) and r[i]]
        allowed = _INFER_ALL if c.reason == "generic" else ("item", "designators")
        guess = infer_field(values, allowed=allowed, taken=taken)
        if guess:
            field_name, conf, why = guess
            result[i] = replace(result[i], field=field_name, confidence=conf, reason=why)
            taken.add(field_name)
        elif not result[i].reason:
            if c.reason != "generic":
                why = "Header not recognised"
            elif headers[i].strip():
                why = "Generic column name and the content was not recognised"
            else:
                why = "Column has no header and the content was not recognised"
            result[i] = replace(result[i], reason=why)
    return result


def _resolve_part_numbers(cands: list[_Candidate]) -> None:
    strong_primary = any(c.field == "mpn" and c.rank < 1000 for c in cands)
    for c in cands:
        if c.field != "weak_pn":
            continue
        if strong_primary and c.rank == 0:
            c.field, c.confidence = "part_number", 0.8
            c.reason += " (an MPN column exists, so this is taken as an internal number)"
        else:
            c.field, c.confidence = "mpn", min(c.confidence, 0.9)


def _drop_weak_part_numbers(cands: list[_Candidate]) -> None:
    """A library reference (Altium's LibRef) stands in for the MPN only when nothing better
    does: beside a real MPN column ("Manufacturer Part Number 1") it is not imported."""
    if not any(c.field == "mpn" and c.confidence >= 0.9 for c in cands):
        return
    for c in cands:
        if c.field == "mpn" and c.confidence < 0.8:
            c.field, c.confidence = None, 1.0
            c.reason = (
                "Known column that the import does not use: a library reference, and another "
                "column holds the manufacturer part numbers"
            )


def _assign_alternates(cands: list[_Candidate]) -> None:
    for kind in ("manufacturer", "mpn"):
        ranks = sorted({c.rank for c in cands if c.field == kind})
        ordinal = {rank: n for n, rank in enumerate(ranks)}
        for c in cands:
            if c.field == kind and ordinal[c.rank] > 0:
                c.field = f"alt_{kind}_{ordinal[c.rank] + 1}"
                c.reason += " (alternate source)"


def _resolve_duplicates(mappings: list[ColumnMapping]) -> list[ColumnMapping]:
    """Two columns for one field: the more confident one wins, ties go to the first."""
    winners: dict[str, ColumnMapping] = {}
    for m in mappings:
        if m.field and (m.field not in winners or m.confidence > winners[m.field].confidence):
            winners[m.field] = m
    out: list[ColumnMapping] = []
    for m in mappings:
        if m.field and winners[m.field].index != m.index:
            w = winners[m.field]
            out.append(
                replace(
                    m,
                    field=None,
                    confidence=0.0,
                    duplicate_of=w.index,
                    reason=f"Also looks like {field_label(m.field)}; "
                    f"column '{w.header}' is used for that",
                )
            )
        else:
            out.append(m)
    return out


def apply_overrides(
    mappings: Sequence[ColumnMapping], overrides: dict[int, str | None]
) -> list[ColumnMapping]:
    """Apply a user's choices {column index: field or None}. A field chosen for one
    column is taken away from any other column that had it."""
    for field_name in overrides.values():
        if field_name is not None and not is_valid_field(field_name):
            raise ValueError(f"unknown field {field_name!r}")
    chosen = {f for f in overrides.values() if f}
    out: list[ColumnMapping] = []
    for m in mappings:
        if m.index in overrides:
            f = overrides[m.index]
            reason = "Chosen by you" if f else "Ignored by your choice"
            out.append(replace(m, field=f, confidence=1.0, reason=reason, duplicate_of=None))
        elif m.field in chosen:
            out.append(
                replace(
                    m,
                    field=None,
                    confidence=0.0,
                    reason="Replaced by your choice of another column",
                )
            )
        else:
            out.append(m)
    return out


# --------------------------------------------------------------------------- data inference

_INFER_ALL = (
    "designators",
    "quantity",
    "item",
    "dnp",
    "lcsc",
    "supplier_pn",
    "manufacturer",
    "value",
    "footprint",
    "description",
    "mpn",
)


def infer_field(
    values: Sequence[str], *, allowed: Sequence[str] = _INFER_ALL, taken: set[str] | None = None
) -> tuple[str, float, str] | None:
    """Guess a column's field from its non-empty values: (field, confidence, reason)."""
    taken = taken or set()
    values = [v for v in values if v]
    if not values:
        return None

    def ok(name: str) -> bool:
        return name in allowed and name not in taken

    real = [v for v in values if not is_dnp_word(v)]
    if not real:
        return ("dnp", 0.6, "Every value in this column is a DNP marker") if ok("dnp") else None
    n = len(real)

    def share(pred: Callable[[str], object]) -> float:
        return sum(1 for v in real if pred(v)) / n

    if ok("designators") and share(is_designator_cell) >= 0.8:
        return "designators", 0.6, "Values look like reference designators"
    if all(re.fullmatch(r"\d+(?:\.0+)?", v) for v in real):
        numbers = [int(float(v)) for v in real]
        if numbers == list(range(1, n + 1)) and n >= 3:
            return ("item", 0.5, "Values count up 1, 2, 3...") if ok("item") else None
        if ok("quantity") and max(numbers) < 1_000_000:
            return "quantity", 0.6, "Values are whole numbers"
        return None
    if ok("lcsc") and share(lambda v: re.fullmatch(r"C\d{3,9}", v)) >= 0.8:
        return "lcsc", 0.6, "Values look like LCSC part numbers (C123456)"
    if ok("supplier_pn") and share(lambda v: v.upper().endswith("-ND")) >= 0.6:
        return "supplier_pn", 0.5, "Values look like Digi-Key part numbers"
    if ok("manufacturer") and share(_manufacturer_name) >= 0.5:
        return "manufacturer", 0.6, "Values look like manufacturer names"
    if ok("value") and share(lambda v: parse_value(v).primary is not None) >= 0.6:
        return "value", 0.5, "Values look like component values"
    if (
        ok("description")
        and sum(len(v.split()) for v in real) / n >= 3
        and sum(map(len, real)) / n >= 15
    ):
        return "description", 0.5, "Values look like descriptions"
    if ok("footprint") and share(_footprint_like) >= 0.6:
        return "footprint", 0.4, "Values look like footprints"
    if ok("mpn") and share(_mpn_like) >= 0.6:
        return "mpn", 0.5, "Values look like manufacturer part numbers"
    return None


def is_designator_cell(text: str) -> bool:
    """True when every token is a plain designator like C12, LED3, R1A."""
    parsed = parse_designators(text)
    return (
        bool(parsed.designators)
        and not parsed.unusual
        and all(re.fullmatch(r"[A-Z]{1,4}\d{1,5}[A-Z]?", d) for d in parsed.designators)
    )


def _footprint_like(text: str) -> bool:
    return " " not in text and bool(
        ":" in text
        or re.search(r"(0201|0402|0603|0805|1206|SOT|SOD|SOIC|QFN|DFN|TSSOP|QFP|BGA)", text, re.I)
    )


def _manufacturer_name(text: str) -> bool:
    norm = normalize_header(text)
    return any(norm == m or (len(m) >= 3 and norm.startswith(m)) for m in KNOWN_MANUFACTURERS)


def _mpn_like(text: str) -> bool:
    t = text.strip()
    return (
        3 <= len(t) <= 40
        and " " not in t
        and any(c.isdigit() for c in t)
        and any(c.isalpha() for c in t)
    ) or t.upper() in ("TBD", "ANY")
