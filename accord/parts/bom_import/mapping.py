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
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .column_evidence import (
    SAMPLE_ROWS,
    ColumnProfile,
    best_kind_evidence,
    contradiction,
    describe,
    field_plural,
    fit,
    profile_columns,
)
from .content_mapping import ALL_FIELDS, infer_field, infer_from_profile
from .designators import parse_designators
from .problems import column_label
from .vocabulary import (
    ALIASES,
    ALT_PREFIXES,
    AMBIGUOUS_HEADERS,
    CANONICAL_FIELDS,
    DISPLAY_NAMES,
    FIELD_LABELS,
    GENERIC_HEADER,
    IGNORED_HEADERS,
    MANUFACTURER_HEADERS,
    MPN_HEADERS,
    ROTATION_HEADERS,
    WEAK_PN_HEADERS,
    X_HEADERS,
    Y_HEADERS,
    field_label,
    is_boards_per_panel,
    is_dnp_word,
    is_per_panel_quantity,
    is_valid_field,
    normalize_header,
    supplier_from_header,
    unused_quantity_reason,
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
    "lower_first",
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
    # When the contents decided or overruled the header: a problem code and the message
    # stating the evidence ("... holds prices, not MPNs: 58 of 60 cells look like prices").
    note_code: str = ""
    note: str = ""


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
    # A second field the header word can name ("Oznaczenie": designators or the value).
    other: str | None = None
    # For a misspelt header: the known name it is spelt like.
    spelt_like: str = ""
    note_code: str = ""
    note: str = ""
    # The header named a field the contents contradict: guess again from the contents.
    overruled: str | None = None
    header: str = ""


_KNOWN_UNUSED = "Known column that the import does not use"
_MIN_CELLS_FOR_A_NAMED_COLUMN = 3
# "MPN/Value", "Value or part number": one column holding either, decided per cell.
_COMBINED_SPLIT = re.compile(r"\s*(?:/|\\|\||\bor\b|\boder\b|\bou\b|\blub\b|\bnebo\b|或)\s*", re.I)
# "Mfr Part Number (Input)", "Manufacturer [matched]": a known name with a qualifier.
_QUALIFIED = re.compile(r"^(?P<base>.*?\S)\s*[(\[](?P<qualifier>[^()\[\]]*)[)\]]\s*$")


@functools.lru_cache(maxsize=8192)
def _classify(header: str, *, fuzzy: bool = True) -> _Candidate:
    norm = normalize_header(header)
    if not norm or GENERIC_HEADER.match(norm):
        return _Candidate(None, 0.0, "generic")
    unused = unused_quantity_reason(norm)
    if unused:
        return _Candidate(None, 1.0, f"{_KNOWN_UNUSED}: {unused}")
    if norm in IGNORED_HEADERS:
        return _Candidate(None, 1.0, _KNOWN_UNUSED)
    if is_boards_per_panel(norm):
        return _Candidate(
            None, 1.0, f"{_KNOWN_UNUSED} as a field: it gives the number of boards per panel"
        )
    if _is_value_or_mpn(header):
        return _Candidate(
            "value_or_mpn",
            1.0,
            f"Header '{header}' names both the value and the MPN: each cell is read as one or "
            "the other",
        )
    known = f"Header '{header}' is a known name for this field"
    if norm in ALIASES:
        field_name, conf = ALIASES[norm]
        other = AMBIGUOUS_HEADERS.get(norm, (None, None))[1]
        if conf < 0.9:
            reason = f"Header '{header}' is a name some tools use for this field"
            return _Candidate(field_name, conf, reason, other=other)
        return _Candidate(field_name, conf, known, other=other)
    found = _mfr_or_mpn(norm)
    if found:
        kind, rank, conf = found
        return _Candidate(kind, conf, known, rank)
    if is_per_panel_quantity(norm):
        return _Candidate(
            "quantity", 0.9, f"Header '{header}' counts the parts on a panel of several boards"
        )
    qualified = _QUALIFIED.match(header.strip())
    if qualified:
        base, qualifier = qualified.group("base"), qualified.group("qualifier")
        if unused_quantity_reason(normalize_header(qualifier)):
            return _Candidate(None, 1.0, f"{_KNOWN_UNUSED}: '({qualifier})' qualifies it")
        inner = _classify(base, fuzzy=False)
        if inner.reason.startswith(_KNOWN_UNUSED):
            return replace(inner)
        if inner.field:
            return _Candidate(
                inner.field,
                round(inner.confidence * 0.9, 2),
                f"Header '{header}' is the known name '{base}' with '({qualifier})' added",
                inner.rank,
                other=inner.other,
            )
    if not fuzzy:
        return _Candidate(None, 0.0, "unknown")
    close = _spelt_like(norm)
    if close:
        inner = _classify_key(close)
        if inner.field:
            ratio = difflib.SequenceMatcher(None, norm, close).ratio()
            shown = DISPLAY_NAMES.get(close, close)
            return _Candidate(
                inner.field,
                round(min(inner.confidence, 1.0) * ratio * 0.9, 2),
                f"Header '{header}' is spelt almost like '{shown}'",
                inner.rank,
                spelt_like=shown,
            )
    return _Candidate(None, 0.0, "unknown")


def classify_header(header: str) -> str | None:
    """The field a header names by its words alone ('weak_pn' for a bare "Part Number")."""
    return _classify(header).field


def _is_value_or_mpn(header: str) -> bool:
    parts = [p for p in _COMBINED_SPLIT.split(header.strip()) if p.strip()]
    if len(parts) != 2:
        return False
    return {_value_or_mpn_part(p) for p in parts} == {"value", "mpn"}


def _value_or_mpn_part(part: str) -> str:
    norm = normalize_header(part)
    if ALIASES.get(norm, ("",))[0] == "value":
        return "value"
    if norm in ("part", "partno") or norm in MPN_HEADERS or norm in WEAK_PN_HEADERS:
        return "mpn"
    return ""


def _spelt_like(norm: str) -> str | None:
    """The known name `norm` is a plausible typo of: one letter added, dropped or two swapped
    (short names), up to two edits for names of eight letters or more, same first letter.
    "Nodes" is not "Notes", "Supplier link" is not "Supplier PN"."""
    if len(norm) < 5:
        return None
    for key in difflib.get_close_matches(norm, _FUZZY_KEYS, n=3, cutoff=0.8):
        if key[0] != norm[0]:
            continue
        distance = _typo_distance(norm, key)
        if len(key) >= 8 and distance <= 2:
            return key
        same_length = len(key) == len(norm)
        substitution = same_length and sum(a != b for a, b in zip(key, norm, strict=True)) == 1
        if distance == 1 and not substitution:
            return key
    return None


def _typo_distance(a: str, b: str) -> int:
    """Edits between a and b, a swap of two neighbouring letters counting as one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


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
        if cand.field and cand.reason.startswith("Header") and not cand.spelt_like:
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
    header: Sequence[str],
    data_rows: Sequence[Sequence[str]] | None = None,
    *,
    first_column: int = 0,
) -> list[ColumnMapping]:
    """Map each column to a canonical field (or None) with a confidence and reason.

    `data_rows` (a sample of the rows under the header) lets the contents speak: they choose
    between the meanings of an ambiguous header word, overrule a header they contradict,
    veto a misspelling guess, tell same-named columns apart and map anonymous or unknown
    columns. `first_column` (0 = "A") places the columns for the messages.
    """
    rows = list(data_rows or [])[:SAMPLE_ROWS]
    width = max([len(header)] + [len(r) for r in rows]) if rows else len(header)
    headers = list(header) + [""] * (width - len(header))
    profiles = profile_columns(rows, width)
    where = [column_label(h, first_column + i) for i, h in enumerate(headers)]
    # Copies: the classifier is cached and the candidates are adjusted below.
    cands = [replace(_classify(h), header=h) for h in headers]
    for cand, profile, label in zip(cands, profiles, where, strict=True):
        _check_against_contents(cand, profile, label)

    _resolve_part_numbers(cands)
    _drop_weak_part_numbers(cands)
    _assign_alternates(cands)
    result = [
        ColumnMapping(
            i,
            headers[i],
            c.field,
            c.confidence if c.field else 0.0,
            c.reason if c.field else "",
            note_code=c.note_code,
            note=c.note,
        )
        for i, c in enumerate(cands)
    ]
    result = _resolve_duplicates(result, profiles)
    taken = {m.field for m in result if m.field}
    for i, c in enumerate(cands):
        m = result[i]
        if m.field:
            continue
        if m.duplicate_of is not None:
            same_name = normalize_header(headers[i]) == normalize_header(headers[m.duplicate_of])
            if same_name:
                guess = infer_from_profile(profiles[i], _values(rows, i), taken=taken)
                # Only contents that plainly fit another field tell the twin apart.
                if guess and fit(profiles[i], guess[0]) < fit(profiles[i], _header_field(c)) + 0.3:
                    guess = None
                if guess:
                    result[i] = _guessed(m, guess, where[i], twin=where[m.duplicate_of])
                    taken.add(guess[0])
            continue
        if c.reason.startswith("Known column"):
            result[i] = replace(m, reason=c.reason)
            continue
        allowed = [f for f in ALL_FIELDS if f != _plain_field(c.overruled)]
        # A named column the vocabulary does not know needs a few cells to speak for it; an
        # anonymous one ("Field3", no header) has nothing else to go by.
        if c.reason != "generic" and profiles[i].filled < _MIN_CELLS_FOR_A_NAMED_COLUMN:
            allowed = []
        guess = infer_from_profile(profiles[i], _values(rows, i), allowed=allowed, taken=taken)
        if guess:
            result[i] = _guessed(m, guess, where[i])
            taken.add(guess[0])
        elif not m.reason:
            if c.overruled:
                why = c.reason
            elif c.reason != "generic":
                why = "Header not recognised"
            elif headers[i].strip():
                why = "Generic column name and the content was not recognised"
            else:
                why = "Column has no header and the content was not recognised"
            result[i] = replace(m, reason=why)
    _say_who_took_over(cands, result, profiles, where)
    return result


def _header_field(cand: _Candidate) -> str:
    """The field a candidate's header named, for comparing fits ('weak_pn' as an MPN)."""
    return _plain_field(cand.field) or ""


def _values(rows: Sequence[Sequence[str]], index: int) -> list[str]:
    return [r[index] for r in rows if index < len(r) and r[index]]


def _plain_field(name: str | None) -> str | None:
    """The field a header's candidate stands for in content checks ('weak_pn' is an MPN)."""
    return "mpn" if name == "weak_pn" else name


def _check_against_contents(cand: _Candidate, profile: ColumnProfile, where: str) -> None:
    """Let the cells speak on a header-based candidate: choose the other meaning of an
    ambiguous word, veto a misspelling guess they do not fit, or drop a header they
    contradict (the column is then guessed again from its contents)."""
    name = _plain_field(cand.field)
    if name is None or not profile.filled:
        return
    if cand.other:
        usual, other = fit(profile, name), fit(profile, cand.other)
        if other >= 0.6 and other >= usual + 0.3:
            evidence = best_kind_evidence(profile, cand.other)
            cand.reason = (
                f"Header '{cand.header}' can name {field_plural(name)} or "
                f"{field_plural(cand.other)}: {evidence}"
            )
            cand.note_code = "header-ambiguous"
            against = best_kind_evidence(profile, name, typical=True) or (
                f"none of its {profile.filled} cells look like {field_plural(name)}"
            )
            cand.note = (
                f"{where} was read as {field_label(cand.other)}, not {field_label(name)}: its "
                f"header can name either, and {evidence}, while {against}."
            )
            cand.field, cand.confidence = cand.other, round(cand.confidence * 0.9, 2)
            return
    if cand.spelt_like:
        label = field_label(name)
        if profile.filled >= 3 and fit(profile, name) < 0.3:
            evidence = describe_cells(profile, name)
            cand.note_code = "header-misspelt"
            cand.note = (
                f"{where} was not read as {label}: its header is spelt almost like "
                f"'{cand.spelt_like}', but {evidence}."
            )
            cand.reason = f"{cand.reason}, but {evidence}"
            cand.overruled, cand.field, cand.confidence = cand.field, None, 0.0
            return
        evidence = best_kind_evidence(profile, name)
        cand.note_code = "column-guess"
        cand.note = (
            f"{where} was read as {label}: its header is spelt almost like '{cand.spelt_like}'"
            + (f", and {evidence}" if evidence else "")
            + ". Please check."
        )
        return
    # An alternate's column ("Alternate MPN") is named so in the message.
    shown = f"alt_{name}_2" if cand.rank and name in ("mpn", "manufacturer") else name
    found = contradiction(profile, shown, where)
    if found:
        cand.note_code = "header-not-trusted"
        cand.note = f"{found.message}; the header is not trusted."
        cand.reason = found.message
        cand.overruled, cand.field, cand.confidence = cand.field, None, 0.0


def describe_cells(profile: ColumnProfile, field_name: str) -> str:
    """'38 of 40 cells are whole numbers (3)', else 'its 40 cells do not look like notes'."""
    return describe(profile) or (
        f"its {profile.filled} cells do not look like {field_plural(field_name)}"
    )


def lower_first(text: str) -> str:
    """'Header ...' -> 'header ...', for a reason quoted inside a sentence."""
    return text[:1].lower() + text[1:]


def _guessed(
    m: ColumnMapping, guess: tuple[str, float, str], where: str, *, twin: str = ""
) -> ColumnMapping:
    field_name, conf, reason = guess
    why = lower_first(reason)
    label = field_label(field_name)
    if twin:
        note = (
            f"{where} has the same header as {twin} and was read as {label} from its "
            f"contents: {why}."
        )
        code = "same-header"
    elif m.note:
        evidence = "" if why in m.note else f": {why}"
        note = f"{m.note} It was read as {label} from its contents{evidence}."
        code = m.note_code
    else:
        note = f"{where} was read as {label} from its contents: {why}. Please check."
        code = "column-by-content"
    return replace(
        m,
        field=field_name,
        confidence=conf,
        reason=reason,
        duplicate_of=None,
        note_code=code,
        note=note,
    )


def _say_who_took_over(
    cands: list[_Candidate],
    result: list[ColumnMapping],
    profiles: list[ColumnProfile],
    where: list[str],
) -> None:
    """A header the contents overruled: name the column now read as that field."""
    for i, c in enumerate(cands):
        name = _plain_field(c.overruled)
        if name is None or result[i].field:
            continue
        heir = next((m for m in result if m.field == name and m.index != i), None)
        if heir is None:
            continue
        evidence = best_kind_evidence(profiles[heir.index], name)
        instead = f" {where[heir.index]} is read as {field_label(name)} instead"
        result[i] = replace(result[i], note=result[i].note + instead + f": {evidence}.")


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


def _resolve_duplicates(
    mappings: list[ColumnMapping], profiles: Sequence[ColumnProfile] = ()
) -> list[ColumnMapping]:
    """Two columns for one field: the more confident one wins; between equally confident
    ones (two "Value" columns) the one whose cells fit clearly better, else the first."""

    def fits(m: ColumnMapping) -> float:
        if m.field is None or m.index >= len(profiles):
            return 0.0
        return fit(profiles[m.index], m.field)

    winners: dict[str, ColumnMapping] = {}
    for m in mappings:
        if not m.field:
            continue
        w = winners.get(m.field)
        if (
            w is None
            or m.confidence > w.confidence
            or (m.confidence == w.confidence and fits(m) >= fits(w) + 0.2)
        ):
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
                    note_code="",
                    note="",
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
            out.append(
                replace(
                    m,
                    field=f,
                    confidence=1.0,
                    reason=reason,
                    duplicate_of=None,
                    note_code="",
                    note="",
                )
            )
        elif m.field in chosen:
            out.append(
                replace(
                    m,
                    field=None,
                    confidence=0.0,
                    reason="Replaced by your choice of another column",
                    note_code="",
                    note="",
                )
            )
        else:
            out.append(m)
    return out


# --------------------------------------------------------------------------- cells


@functools.lru_cache(maxsize=4096)
def is_designator_cell(text: str) -> bool:
    """True when every token is a plain designator like C12, LED3, R1A. Kept for the last
    cells asked: locating the table, skipping rows and reading them each ask of the same cell."""
    parsed = parse_designators(text)
    return (
        bool(parsed.designators)
        and not parsed.unusual
        and all(re.fullmatch(r"[A-Z]{1,4}\d{1,5}[A-Z]?", d) for d in parsed.designators)
    )
