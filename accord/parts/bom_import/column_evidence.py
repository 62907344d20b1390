"""What a column's cells look like, and how well that fits each BOM field.

A header says what a column should hold; its cells say what it does hold. Each cell is
classified once (cached by its text) into kinds — designator lists, whole numbers, EDA values,
manufacturer names, MPN-shaped tokens, prices, URLs, footprints, distributor order codes,
prose — and a column's profile counts them over a sample of rows. `fit` scores a field
against a profile (how typical the cells are for that field, 0..1); `contradiction` says when
the cells plainly hold something else ("58 of 60 cells look like prices ($1.11)"), which is
when a header is not trusted.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntFlag

from .codes import distributor_of, is_library_reference
from .designators import parse_designators
from .values import parse_value
from .vocabulary import (
    DISTRIBUTOR_NAMES,
    DNP_FALSE,
    DNP_TRUE,
    FITTED_FALSE,
    FITTED_TRUE,
    KNOWN_MANUFACTURERS,
    PLACEHOLDERS,
    field_label,
    is_dnp_word,
    normalize_header,
)

# How many data rows a profile reads: enough to be sure, few enough to stay fast.
SAMPLE_ROWS = 200


class Kind(IntFlag):
    """What a cell looks like; a cell may be several things ('C2040': designator and LCSC)."""

    NONE = 0
    PLACEHOLDER = 1 << 0
    DNP = 1 << 1
    FLAG = 1 << 2
    INTEGER = 1 << 3
    NUMBER = 1 << 4
    PRICE = 1 << 5
    URL = 1 << 6
    DESIGNATOR = 1 << 7
    DESIGNATOR_LIST = 1 << 8
    VALUE = 1 << 9
    MAKER = 1 << 10
    DISTRIBUTOR = 1 << 11
    ORDER_CODE = 1 << 12
    LCSC = 1 << 13
    LIBRARY = 1 << 14
    FOOTPRINT = 1 << 15
    MPN = 1 << 16
    WORDS = 1 << 17
    SENTENCE = 1 << 18
    PROSE = 1 << 19
    OTHER = 1 << 20


# How each kind is named in messages: (plural noun, "look like ..." phrase).
KIND_NAMES: dict[Kind, tuple[str, str]] = {
    Kind.PRICE: ("prices", "look like prices"),
    Kind.URL: ("links", "are links"),
    Kind.DESIGNATOR_LIST: ("designator lists", "list designators"),
    Kind.DESIGNATOR: ("designators", "look like designators"),
    Kind.INTEGER: ("whole numbers", "are whole numbers"),
    Kind.NUMBER: ("numbers", "are numbers"),
    Kind.VALUE: ("component values", "look like component values"),
    Kind.MAKER: ("manufacturer names", "name a manufacturer"),
    Kind.DISTRIBUTOR: ("distributor names", "name a distributor"),
    Kind.ORDER_CODE: ("distributor order codes", "look like distributor order codes"),
    Kind.LCSC: ("LCSC part numbers", "look like LCSC part numbers"),
    Kind.LIBRARY: ("library names", "look like library or symbol names"),
    Kind.FOOTPRINT: ("footprints", "look like footprints or packages"),
    Kind.MPN: ("part numbers", "look like part numbers"),
    Kind.FLAG: ("yes/no marks", "are yes/no marks"),
    Kind.DNP: ("DNP marks", "are DNP marks"),
    Kind.PROSE: ("notes", "are sentences"),
    Kind.SENTENCE: ("descriptions", "are descriptions of several words"),
    Kind.WORDS: ("words", "are words"),
}

# Plural nouns for fields, for "holds prices, not MPNs".
FIELD_PLURALS: dict[str, str] = {
    "item": "line numbers",
    "designators": "designators",
    "quantity": "quantities",
    "value": "values",
    "footprint": "footprints",
    "description": "descriptions",
    "manufacturer": "manufacturer names",
    "mpn": "MPNs",
    "supplier": "supplier names",
    "supplier_pn": "supplier part numbers",
    "lcsc": "LCSC part numbers",
    "datasheet": "datasheet links",
    "part_number": "part numbers",
    "dnp": "DNP marks",
    "fitted": "fitted marks",
    "notes": "notes",
    "value_or_mpn": "values or MPNs",
}


def field_plural(name: str) -> str:
    if name.startswith("alt_mpn"):
        return "alternate MPNs"
    if name.startswith("alt_manufacturer"):
        return "alternate manufacturer names"
    return FIELD_PLURALS.get(name, field_label(name))


# --------------------------------------------------------------------------- cell detectors

_CURRENCY = r"(?:[$€£¥₹]|US\$|USD|EUR|GBP|CHF|PLN|CZK|CNY|RMB|JPY|zł|Kč|元|円)"
_AMOUNT = r"-?\d{1,3}(?:[ ,.\u00a0]?\d{3})*(?:[.,]\d+)?"
_PRICE = re.compile(rf"^(?:{_CURRENCY}\s?{_AMOUNT}|{_AMOUNT}\s?{_CURRENCY})$", re.IGNORECASE)
_URL = re.compile(r"^(?:https?://|ftp://|www\.)\S+$|^\S+\.(?:pdf|html?|aspx?)$", re.IGNORECASE)
_WHOLE = re.compile(
    r"^\d{1,9}(?:\.0+)?(?:[eE]\+?0*\d)?$|^\d{1,9}\s?(?:pcs?\.?|pieces?|ea|stk\.?|szt\.?|ks|x)$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
_LCSC = re.compile(r"^C\d{3,8}$")
# Designator prefixes seen in real BOMs; a lone token like "BAT54" or "LM358" is an MPN.
_DESIGNATOR_PREFIXES = frozenset(
    re.findall(
        r"\w+",
        """R C L U D Q J P K F T X Y S M H E B A G W Z V RN RA RV VR RP CP CN FB FL TP SW LED IC
        JP BT MH FID LS BZ TR VD VT XS XP XT DS PS HS MK MIC ANT JMP MT TH NTC PTC IR OPT CR ZD
        SP SPK MOV PTH REF LD DA DD IND CON CONN HDR SJ TVS ESD OSC XTAL SV RLY RL LP LBL LOGO
        PCB ST KEY""",
    )
)
_PLAIN_DESIGNATOR = re.compile(r"^([A-Z]{1,4})(\d{1,4})([A-Z]?)$", re.IGNORECASE)
_PACKAGE = re.compile(
    r"(?<![A-Z0-9])(?:01005|0201|0402|0603|0805|1008|1206|1210|1812|2010|2512|SOT|SOD|SOIC|SOP"
    r"|SSOP|TSSOP|MSOP|QFN|DFN|QFP|LQFP|TQFP|BGA|LGA|WLCSP|CSP|TO-?\d|DO-?\d|SMA|SMB|SMC|DIP"
    r"|SIP|SC-?70|DPAK|D2PAK|TSOT|SON|PLCC|CAPC|RESC|INDC|LEDC|DIOM|SOT23|MELF|CASE)",
    re.IGNORECASE,
)
_IMPERIAL_SIZE = re.compile(r"^(?:01005|0201|0402|0603|0805|1008|1206|1210|1812|2010|2512)$")
_FOOTPRINT_LIBRARY = re.compile(r"^[A-Za-z][\w.\-]*:[\w.+\-]+$")
_WORD = re.compile(r"[^\W\d_]{3,}")
_NOTE_OPENERS = re.compile(
    r"^(?:alternative|alternate|alt\.?|alternativ|note|nb|use|see|or|replace|replaced|"
    r"substitute|equivalent|optional|e\.g\.|if|only|do not|don't|check|tbd:|ersatz|alternativa|"
    r"zamiennik|náhrada|remplacement|替代|代替|代用)\b",
    re.IGNORECASE,
)
_FLAG_WORDS = (DNP_TRUE | DNP_FALSE | FITTED_TRUE | FITTED_FALSE) - {"", "-", "1", "0"}


def is_price(text: str) -> bool:
    """'$1.11', '0,35 €', 'USD 12.00', '1.234,50 zł'."""
    return bool(_PRICE.match(text.strip()))


def is_url(text: str) -> bool:
    """'https://…', 'www.…', 'datasheet.pdf'."""
    return bool(_URL.match(text.strip()))


def is_whole_number(text: str) -> bool:
    """'3', '3.0', '2.0000000000000000e+00' (KiBoM), '4 pcs'."""
    return bool(_WHOLE.match(text.strip()))


def is_number(text: str) -> bool:
    """Any plain decimal number, with a point or a decimal comma."""
    return bool(_NUMBER.match(text.strip()))


def designator_kind(text: str) -> Kind:
    """DESIGNATOR_LIST for 'C1, C3, C5' or 'R1-R4'; DESIGNATOR for one plain designator with a
    usual prefix ('C12', 'LED3'); NONE otherwise ('BAT54' is an MPN, 'CAP' a word)."""
    t = text.strip()
    single = _PLAIN_DESIGNATOR.match(t)
    if single:
        return Kind.DESIGNATOR if single.group(1).upper() in _DESIGNATOR_PREFIXES else Kind.NONE
    if len(t) > 20_000 or not re.search(r"\d", t):
        return Kind.NONE
    parsed = parse_designators(t)
    if len(parsed.designators) < 2 or parsed.unusual or parsed.problems:
        return Kind.NONE
    plain = [_PLAIN_DESIGNATOR.match(d) for d in parsed.designators[:50]]
    prefixes = {m.group(1).upper() for m in plain if m is not None}
    if None not in plain and prefixes & _DESIGNATOR_PREFIXES:
        return Kind.DESIGNATOR_LIST
    return Kind.NONE


def is_eda_value(text: str) -> bool:
    """'100nF', '4k7', '10uF/16V X7R', '1R0', '8 MHz': a passive's value with its unit or
    EDA notation (values.parse_value finds a resistance, capacitance, inductance...)."""
    t = text.strip()
    if not t or len(t) > 60 or not any(c.isdigit() for c in t):
        return False
    return parse_value(t).primary is not None


def is_manufacturer_name(text: str) -> bool:
    """'Murata', 'Murata Electronics', 'Texas Instruments', 'TI'."""
    norm = normalize_header(text)
    if not norm or len(text) > 60:
        return False
    return any(norm == m or (len(m) >= 3 and norm.startswith(m)) for m in KNOWN_MANUFACTURERS)


def is_distributor_name(text: str) -> bool:
    """'Digi-Key', 'Mouser Electronics', 'LCSC'."""
    return normalize_header(text) in DISTRIBUTOR_NAMES


def is_footprint(text: str) -> bool:
    """'C_0402', 'Capacitor_SMD:C_0402_1005Metric', 'SOT-23-5', '0603', 'CAPC0603X33N'."""
    t = text.strip()
    if not t or len(t) > 80 or len(t.split()) > 2:
        return False
    return bool(_FOOTPRINT_LIBRARY.match(t) or _PACKAGE.search(t))


def is_mpn_shaped(text: str) -> bool:
    """'GRM155R61A104KA01D', 'LM358', '1868076': one token of letters and digits, 3 to 40
    characters (a second token only when it is a short suffix, 'PTS525SM15SMTR2 LFS')."""
    t = text.strip()
    if not 3 <= len(t) <= 40:
        return False
    tokens = t.split()
    if len(tokens) > 2 or (len(tokens) == 2 and len(tokens[1]) > 4):
        return False
    has_digit = any(c.isdigit() for c in t)
    return has_digit and (any(c.isalpha() for c in t) or len(t) >= 5)


def is_note(text: str) -> bool:
    """A remark in words, not a part number: 'Alternative part: RC0603FR-0710KL', 'use any
    X7R 100nF', 'See assembly drawing for orientation'. Narrow on purpose: 'M3 Spade
    Terminal' and 'FSM2JSMA or 2-1437565-7' are names and numbers, not notes."""
    t = text.strip()
    words = t.split()
    if len(words) < 2:
        return False
    if _NOTE_OPENERS.match(t) and (":" in t or len(words) >= 3):
        return True
    lower_words = [w for w in _WORD.findall(t) if w.islower() and len(w) >= 3]
    return len(words) >= 4 and len(lower_words) >= 2


def is_sentence(text: str) -> bool:
    """Several words: a description ('CAP CER 0.1UF 10V X5R 0402') or a remark."""
    words = text.split()
    return len(words) >= 3 and len(_WORD.findall(text)) >= 2


@functools.lru_cache(maxsize=32768)
def cell_kinds(text: str) -> Kind:
    """Every kind a (stripped, non-empty) cell looks like."""
    t = text.strip()
    low = t.lower()
    if low in PLACEHOLDERS:
        return Kind.PLACEHOLDER
    kinds = Kind.NONE
    if is_dnp_word(t):
        kinds |= Kind.DNP
    if low in _FLAG_WORDS:
        kinds |= Kind.FLAG
    if is_price(t):
        return kinds | Kind.PRICE
    if is_url(t):
        return kinds | Kind.URL
    if is_whole_number(t):
        # "0603" in a package column is a size code, not a count.
        package = Kind.FOOTPRINT if _IMPERIAL_SIZE.match(t) else Kind.NONE
        return kinds | Kind.INTEGER | Kind.NUMBER | package
    if is_number(t):
        return kinds | Kind.NUMBER
    kinds |= designator_kind(t)
    if kinds & Kind.DESIGNATOR_LIST:
        return kinds
    if _LCSC.match(t):
        kinds |= Kind.LCSC
    if distributor_of(t):
        kinds |= Kind.ORDER_CODE
    if is_library_reference(t):
        kinds |= Kind.LIBRARY
    if is_eda_value(t):
        kinds |= Kind.VALUE
    if is_footprint(t):
        kinds |= Kind.FOOTPRINT
    if is_mpn_shaped(t):
        kinds |= Kind.MPN
    if is_distributor_name(t):
        kinds |= Kind.DISTRIBUTOR
    elif is_manufacturer_name(t):
        kinds |= Kind.MAKER
    if is_note(t):
        kinds |= Kind.PROSE | Kind.SENTENCE
    elif is_sentence(t):
        kinds |= Kind.SENTENCE
    elif not any(c.isdigit() for c in t) and len(t.split()) <= 3:
        kinds |= Kind.WORDS
    return kinds or Kind.OTHER


# --------------------------------------------------------------------------- field fit

# How typical each kind is for a field (a cell scores its best kind; unlisted kinds score 0).
_W = Kind
FIELD_WEIGHTS: dict[str, dict[Kind, float]] = {
    "designators": {_W.DESIGNATOR_LIST: 1.0, _W.DESIGNATOR: 0.9},
    "quantity": {_W.INTEGER: 1.0, _W.NUMBER: 0.8},
    "item": {_W.INTEGER: 1.0, _W.NUMBER: 0.5, _W.MPN: 0.2},
    "value": {
        _W.VALUE: 1.0,
        _W.DNP: 0.7,
        _W.MPN: 0.6,
        _W.WORDS: 0.6,
        _W.LIBRARY: 0.5,
        _W.INTEGER: 0.4,
        _W.NUMBER: 0.4,
        _W.FOOTPRINT: 0.4,
        _W.SENTENCE: 0.4,
        _W.OTHER: 0.4,
        _W.DESIGNATOR: 0.3,
        _W.MAKER: 0.3,
        _W.LCSC: 0.3,
        _W.PROSE: 0.1,
    },
    "footprint": {
        _W.FOOTPRINT: 1.0,
        _W.LIBRARY: 0.6,
        _W.MPN: 0.4,
        _W.WORDS: 0.4,
        _W.OTHER: 0.3,
        _W.VALUE: 0.2,
        _W.SENTENCE: 0.1,
    },
    "description": {
        _W.SENTENCE: 1.0,
        _W.PROSE: 1.0,
        _W.WORDS: 0.6,
        _W.OTHER: 0.4,
        _W.VALUE: 0.3,
        _W.FOOTPRINT: 0.2,
        _W.MAKER: 0.2,
        _W.DNP: 0.2,
        _W.MPN: 0.1,
    },
    "manufacturer": {
        _W.MAKER: 1.0,
        _W.WORDS: 0.6,
        _W.OTHER: 0.3,
        _W.DNP: 0.3,
        _W.DISTRIBUTOR: 0.2,
        _W.SENTENCE: 0.2,
        _W.MPN: 0.1,
    },
    "mpn": {
        _W.MPN: 1.0,
        _W.INTEGER: 0.6,
        _W.DESIGNATOR: 0.6,
        _W.VALUE: 0.5,
        _W.FOOTPRINT: 0.5,
        _W.DNP: 0.5,
        _W.ORDER_CODE: 0.4,
        _W.LCSC: 0.4,
        _W.LIBRARY: 0.3,
        _W.WORDS: 0.3,
        _W.OTHER: 0.3,
        _W.NUMBER: 0.3,
        _W.SENTENCE: 0.2,
    },
    "supplier": {_W.DISTRIBUTOR: 1.0, _W.WORDS: 0.5, _W.MAKER: 0.3, _W.OTHER: 0.3},
    "supplier_pn": {
        _W.ORDER_CODE: 1.0,
        _W.LCSC: 1.0,
        _W.MPN: 0.7,
        _W.INTEGER: 0.6,
        _W.DESIGNATOR: 0.3,
        _W.OTHER: 0.2,
        _W.WORDS: 0.2,
    },
    "lcsc": {_W.LCSC: 1.0, _W.DESIGNATOR: 0.3},
    "datasheet": {_W.URL: 1.0, _W.OTHER: 0.2, _W.WORDS: 0.1},
    # A DNP column may list the line's not-fitted designators ("C5, C6", Accord's own export).
    "dnp": {
        _W.DNP: 1.0,
        _W.FLAG: 1.0,
        _W.INTEGER: 0.5,
        _W.DESIGNATOR_LIST: 0.8,
        _W.DESIGNATOR: 0.8,
    },
    "fitted": {_W.DNP: 1.0, _W.FLAG: 1.0, _W.INTEGER: 0.5},
    "notes": {
        _W.PROSE: 1.0,
        _W.SENTENCE: 0.6,
        _W.WORDS: 0.4,
        _W.OTHER: 0.4,
        _W.MPN: 0.3,
        _W.VALUE: 0.3,
        _W.DNP: 0.4,
    },
    "part_number": {_W.MPN: 0.8, _W.INTEGER: 0.7, _W.OTHER: 0.5, _W.WORDS: 0.4, _W.NUMBER: 0.4},
}
FIELD_WEIGHTS["value_or_mpn"] = {**FIELD_WEIGHTS["value"], _W.MPN: 1.0, _W.INTEGER: 0.6}
FIELD_WEIGHTS["weak_pn"] = FIELD_WEIGHTS["mpn"]

# Kinds that, when nearly every cell shows one, are named as what the column really holds.
_TELLING_KINDS = (
    Kind.PRICE,
    Kind.URL,
    Kind.DESIGNATOR_LIST,
    Kind.DESIGNATOR,
    Kind.PROSE,
    Kind.INTEGER,
    Kind.NUMBER,
    Kind.VALUE,
    Kind.ORDER_CODE,
    Kind.LCSC,
    Kind.MAKER,
    Kind.DISTRIBUTOR,
    Kind.FLAG,
    Kind.FOOTPRINT,
    Kind.MPN,
    Kind.SENTENCE,
)


def weights_for(field_name: str) -> dict[Kind, float]:
    if field_name.startswith("alt_mpn"):
        return FIELD_WEIGHTS["mpn"]
    if field_name.startswith("alt_manufacturer"):
        return FIELD_WEIGHTS["manufacturer"]
    return FIELD_WEIGHTS.get(field_name, {})


@dataclass
class ColumnProfile:
    """The kinds of one column's cells over the sampled rows. `filled` counts cells with
    something other than a placeholder; `examples` keeps the first cell of each kind."""

    index: int
    filled: int = 0
    placeholders: int = 0
    counts: dict[Kind, int] = field(default_factory=dict)
    examples: dict[Kind, str] = field(default_factory=dict)
    # How many cells showed each combination of kinds (few distinct ones per column).
    combinations: Counter[Kind] = field(default_factory=Counter)

    def count(self, kind: Kind) -> int:
        return self.counts.get(kind, 0)

    def count_any(self, kinds: Kind) -> int:
        """Cells showing at least one of `kinds`."""
        return sum(n for combination, n in self.combinations.items() if combination & kinds)

    def share(self, kind: Kind) -> float:
        """The share of cells of `kind`; for DESIGNATOR, of cells holding one or several."""
        if not self.filled:
            return 0.0
        if kind == Kind.DESIGNATOR:
            return self.count_any(Kind.DESIGNATOR | Kind.DESIGNATOR_LIST) / self.filled
        return self.count(kind) / self.filled

    def evidence(self, kind: Kind) -> str:
        """'58 of 60 cells look like prices ($1.11)'."""
        phrase = KIND_NAMES.get(kind, (kind.name or "", f"look like {kind.name}"))[1]
        if kind in (Kind.DESIGNATOR, Kind.DESIGNATOR_LIST):
            # One example for both kinds, so that the same evidence reads the same.
            example = self.examples.get(Kind.DESIGNATOR_LIST) or self.examples.get(kind, "")
        else:
            example = self.examples.get(kind, "")
        if len(example) > 40:
            example = example[:37] + "..."
        shown = f" ({example})" if example else ""
        if kind in (Kind.DESIGNATOR, Kind.DESIGNATOR_LIST):
            # One designator or several: both are designators to the reader.
            count = self.count_any(Kind.DESIGNATOR | Kind.DESIGNATOR_LIST)
            phrase = "hold designators"
        else:
            count = self.count(kind)
        return f"{count} of {self.filled} cells {phrase}{shown}"


def profile_column(index: int, values: Sequence[str]) -> ColumnProfile:
    """Profile one column from its cells (empty cells are skipped)."""
    profile = ColumnProfile(index)
    combinations = profile.combinations
    for value in values:
        if not value:
            continue
        kinds = cell_kinds(value)
        if kinds == Kind.PLACEHOLDER:
            profile.placeholders += 1
            continue
        profile.filled += 1
        if kinds not in combinations:
            for kind in _members(kinds):
                profile.examples.setdefault(kind, value.strip())
        combinations[kinds] += 1
    for kinds, n in combinations.items():
        for kind in _members(kinds):
            profile.counts[kind] = profile.counts.get(kind, 0) + n
    return profile


@functools.lru_cache(maxsize=4096)
def _members(kinds: Kind) -> tuple[Kind, ...]:
    return tuple(k for k in Kind if k and k in kinds)


def profile_columns(rows: Sequence[Sequence[str]], width: int) -> list[ColumnProfile]:
    """One profile per column over the first SAMPLE_ROWS rows: one pass per column."""
    sample = rows[:SAMPLE_ROWS]
    return [
        profile_column(i, [row[i] for row in sample if i < len(row) and row[i]])
        for i in range(width)
    ]


def fit(profile: ColumnProfile, field_name: str) -> float:
    """How typical the column's cells are for `field_name`, 0..1 (0 for an empty column)."""
    weights = weights_for(field_name)
    if not profile.filled or not weights:
        return 0.0
    total = 0.0
    for kinds, n in profile.combinations.items():
        total += n * max((w for k, w in weights.items() if k in kinds), default=0.0)
    return total / profile.filled


def dominant_kind(profile: ColumnProfile, *, share: float = 0.8) -> Kind | None:
    """The most telling kind that at least `share` of the cells show."""
    for kind in _TELLING_KINDS:
        if profile.filled and profile.share(kind) >= share:
            return kind
    return None


@dataclass(frozen=True)
class Contradiction:
    field: str
    kind: Kind
    message: str


def contradiction(
    profile: ColumnProfile, field_name: str, where: str, *, min_cells: int = 3
) -> Contradiction | None:
    """The column's cells plainly hold something other than `field_name`: nearly all of them
    (80%) are of one telling kind that scores nothing for the field. `where` names the column
    ("Mfr Part Number (G)") for the message."""
    if profile.filled < min_cells:
        return None
    weights = weights_for(field_name)
    if not weights or fit(profile, field_name) > 0.3:
        return None
    for kind in _TELLING_KINDS:
        if weights.get(kind, 0.0) <= 0.2 and profile.share(kind) >= 0.8:
            plural = KIND_NAMES[kind][0]
            message = (
                f"{where} holds {plural}, not {field_plural(field_name)}: {profile.evidence(kind)}"
            )
            return Contradiction(field_name, kind, message)
    return None


def describe(profile: ColumnProfile) -> str:
    """What the column mostly holds, for a message ('40 of 40 cells list designators (C1,
    C3)'), or '' when no kind stands out."""
    kind = dominant_kind(profile, share=0.6)
    return profile.evidence(kind) if kind is not None else ""


def best_kind_evidence(profile: ColumnProfile, field_name: str, *, typical: bool = False) -> str:
    """The evidence for a field from the kind that carries most of its fit ('' when no cell
    shows one); `typical` counts only the kinds typical of the field (weight 0.9 or more)."""
    weights = weights_for(field_name)
    ranked = sorted(
        (k for k in weights if profile.count(k) and (not typical or weights[k] >= 0.9)),
        key=lambda k: (weights[k] * profile.count(k), weights[k]),
        reverse=True,
    )
    return profile.evidence(ranked[0]) if ranked else ""
