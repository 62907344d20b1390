"""Value keys: a part's electrical values as exact words that search can match.

Engineers type a value the way their tools write it: "10k", "10K", "10 kΩ", "10000", "4u7",
"0.1µF", "1R5"; catalogues write "RES 10K OHM 1% 1/16W 0402" or "CAP CER 0.1UF 10V X5R 0402".
The EDA value parser (`bom_import/values.py`, `parse_value`) reads all of them into exact SI
Decimals; this module writes each value a part has as a key in `Part.value_keys`, and turns the
words of a search into the same keys, so that "100n" finds a capacitor described as "0.1UF".

A key is ``q`` + the significant digits + ``e`` + ``m`` (negative) or ``p`` + the power of ten in
two digits + the unit letter: 0.1 µF is ``q1em07f``, 10 kΩ ``q1ep04r``, 4.7 µH ``q47em07h``,
10 V ``q1ep01v``. Unit letters: ``r`` ohm (resistance and impedance), ``f`` farad, ``h`` henry,
``z`` hertz, ``v`` volt, ``a`` ampere. The unit comes last so that a search that does not say
its unit ("100n", "4u7", "10000") matches any unit through the key without it (``q1em07``); the
two-digit power keeps ``q1em07`` from matching ``q1em070...``.

Which values a part has: those `parse_value` reads in its value field, as the part's kind
(resistor, capacitor, inductor, ferrite, crystal: from the category's name, else from the first
word of the description, e.g. CAP, RES, IND); where the value field gives none, those of its
description, where the main value (resistance, capacitance, inductance) counts only when the
kind is known (in a connector's "TERM BLK 7P", "7P" is seven pins, not 7 pF) and a bare number
is no value (in "RES ARRAY 8 RES 10K OHM" the 8 is a count). Voltage, current and frequency
carry their unit ("10V", "500MA", "16MHZ") and count in any description. Power and
tolerance are no keys (their words still match as text).

Two implementations compute the keys: `part_value_keys` in Python, for one part (single-part
edits) and the words of a search; `value_keys_column` in Polars, for whole columns (imports,
the migration, `refresh_value_keys`). The Polars one runs the parser's own regular expressions
and tables (its lookarounds rewritten: Rust's regex engine has none) on every token at once;
`tests/test_value_keys.py` checks with hypothesis that the two agree on any text.

Text neither computes keys for: longer than 500 characters (the parser's own limit), with a
number of more than 40 digits, with digits other than 0-9, or with the two letters whose case
folding the two regex engines disagree on (the Kelvin sign and the long s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from itertools import product
from typing import TYPE_CHECKING, Any

from accord.parts.bom_import import values as grammar

# Polars is imported inside the column functions: what only reads keys (a search, a page, a
# command) does not pay for loading it (about 0.3 s of start-up).
if TYPE_CHECKING:
    import polars as pl

# Keyed quantities, in the order keys are written (parse_value finds at most one main value).
KEY_UNITS: dict[str, str] = {
    "resistance": "r",
    "capacitance": "f",
    "inductance": "h",
    "impedance": "r",
    "frequency": "z",
    "voltage": "v",
    "current": "a",
}
UNIT_SYMBOLS = {"r": "Ω", "f": "F", "h": "H", "z": "Hz", "v": "V", "a": "A"}
UNIT_QUANTITIES = {
    "r": "resistance",
    "f": "capacitance",
    "h": "inductance",
    "z": "frequency",
    "v": "voltage",
    "a": "current",
}
MAIN = ("resistance", "capacitance", "inductance", "impedance")
BARE_NUMBER_KINDS = ("resistor", "ferrite")  # whose bare numbers are ohms, in a value field
# The kind of a part from its category's name (lower-cased), first match wins.
CATEGORY_KINDS = (
    ("ferrite", r"ferrite|bead"),
    ("resistor", r"resistor"),
    ("capacitor", r"capacitor"),
    ("inductor", r"inductor"),
    ("crystal", r"crystal"),
)
# ... else from the description's first word ("CAP CER 0.1UF", "Resistor 10k 1% 0402").
WORD_KINDS = {word: kind for word, kind in grammar._KIND_ALIASES.items() if len(word) > 1}
_FIRST_WORD = r"^\s*([A-Za-z]+)"
MAX_TEXT = 500
_UNUSABLE = r"[0-9]{41}|[\u212a\u017f]"
_UNUSABLE_RE = re.compile(_UNUSABLE + r"|(?![0-9])\d")
_UNUSABLE_RUST = _UNUSABLE + r"|[\d--0-9]"
_PRECISION = Context(prec=100)  # exact for every number a usable text can hold


def value_key(quantity: str, value: Decimal) -> str | None:
    """Decimal('1E-7'), 'capacitance' -> 'q1em07f'."""
    with localcontext(_PRECISION):
        if value == 0:
            digits, exponent = "0", 0
        else:
            sign, digit_tuple, exp = value.normalize().as_tuple()
            if sign or not isinstance(exp, int):
                return None
            digits, exponent = "".join(map(str, digit_tuple)), exp
    if abs(exponent) > 99:
        return None
    return f"q{digits}e{'m' if exponent < 0 else 'p'}{abs(exponent):02d}{KEY_UNITS[quantity]}"


_KEY_RE = re.compile(r"^q([0-9]+)e([mp])([0-9]{2})([a-z])$")


def key_value(key: str) -> tuple[str, Decimal, str] | None:
    """'q1em07f' -> ('capacitance', Decimal('1E-7'), 'F')."""
    m = _KEY_RE.match(key)
    if not m or m.group(4) not in UNIT_SYMBOLS:
        return None
    digits, sign, power, unit = m.groups()
    value = Decimal(digits).scaleb(-int(power) if sign == "m" else int(power))
    return UNIT_QUANTITIES[unit], value, UNIT_SYMBOLS[unit]


def describe_value_keys(keys: str) -> str:
    """'q1em07f q1ep01v' -> '100 nF, 10 V' (what the parts list shows for a part without value)."""
    shown = []
    for key in keys.split():
        found = key_value(key)
        if found:
            shown.append(grammar.format_si(found[1], found[2]))
    return ", ".join(shown)


# ------------------------------------------------------------------------ one part, in Python


def usable(text: str) -> bool:
    return bool(text) and len(text) <= MAX_TEXT and not _UNUSABLE_RE.search(text)


def part_kind(category: str | None, description: str | None) -> str | None:
    name = (category or "").lower()
    for kind, pattern in CATEGORY_KINDS:
        if re.search(pattern, name):
            return kind
    m = re.match(_FIRST_WORD, description or "")
    return WORD_KINDS.get(m.group(1).lower()) if m else None


def _parameters(text: str, kind: str | None) -> dict[str, Decimal | str]:
    if not usable(text):
        return {}
    with localcontext(_PRECISION):
        return grammar.parse_value(text, kind).parameters


def text_value_keys(text: str, kind: str | None, *, main: bool = True) -> list[str]:
    keys = []
    for quantity, value in _parameters(text, kind).items():
        if quantity in KEY_UNITS and isinstance(value, Decimal) and (main or quantity not in MAIN):
            key = value_key(quantity, value)
            if key:
                keys.append(key)
    return keys


def description_kind(kind: str | None) -> str | None:
    """The kind a description is read as: a bare number in a description is a count ("RES
    ARRAY 8 RES 10K OHM"), never ohms; its resistances carry a prefix or a unit."""
    return None if kind in BARE_NUMBER_KINDS else kind


def part_value_keys(value: str | None, description: str | None, category: str | None) -> str:
    """The keys of one part (see the module's docstring), space-separated."""
    kind = part_kind(category, description)
    keys = text_value_keys(value or "", kind) or text_value_keys(
        description or "", description_kind(kind), main=kind is not None
    )
    return " ".join(keys)


# --------------------------------------------------------------------- the words of a search


@dataclass(frozen=True)
class SearchWord:
    text: str  # lower-cased, as Part.search_text holds text
    key: str | None = None  # the value key, without its unit letter when the word has no unit


_BARE_NUMBER = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def _first_value(parameters: dict[str, Decimal | str]) -> tuple[str, Decimal] | None:
    for quantity in KEY_UNITS:
        value = parameters.get(quantity)
        if isinstance(value, Decimal):
            return quantity, value
    return None


def _unit_is_said(word: str, quantity: str) -> bool:
    """Whether the word itself names its unit: read as any kind of part, it stays one unit
    ("100nF", "1R5", "10 kΩ"), where "100n" is 100 nF or 100 nH and "10k" no capacitance."""
    if quantity not in MAIN:
        return True  # voltage, current and frequency are only read with their unit
    for kind in grammar.KINDS:
        found = _first_value(_parameters(word, kind))
        if found is None or KEY_UNITS[found[0]] != KEY_UNITS[quantity]:
            return False
    return True


def word_key(word: str) -> str | None:
    """The key a search word matches, or its stem (no unit letter) when the word has no unit.

    A bare number is a resistance, as EDA values write one ("10000" is 10 kΩ), but without
    its unit it matches 10000 of any unit, as "10k" does.
    """
    found = _first_value(_parameters(word, None))
    said = found is not None and _unit_is_said(word, found[0])
    if found is None and _BARE_NUMBER.match(word):
        found = _first_value(_parameters(word, "resistor"))
    if found is None:
        return None
    key = value_key(*found)
    return key if key is None or said else key[:-1]


def _glued(first: str, second: str) -> str | None:
    """The value two words of a search make together, if they do: "10 kΩ", "0.1 µF" (the
    parser reads a number and its unit apart as one value) and "10K OHM" (as catalogues write
    it; the parser reads the OHM alone as nothing, a search reads it as 10K's unit)."""
    if " " not in grammar._normalise_text(f"{first} {second}"):
        return f"{first} {second}"
    if second.lower() in ("ohm", "ohms", "ω") and word_key(first + second) is not None:
        return first + second
    return None


def search_words(q: str, limit: int = 5) -> list[SearchWord]:
    words = q.split()
    out: list[SearchWord] = []
    i = 0
    while i < len(words) and len(out) < limit:
        word, value = words[i], words[i]
        if i + 1 < len(words) and (glued := _glued(word, words[i + 1])):
            word, value = f"{word} {words[i + 1]}", glued
            i += 1
        out.append(SearchWord(word.lower(), word_key(value)))
        i += 1
    return out


# ----------------------------------------------------------------- whole columns, in Polars


def _rust(pattern: re.Pattern[str]) -> str:
    return ("(?i)" if pattern.flags & re.IGNORECASE else "") + pattern.pattern


# The letters and units the token patterns can capture, for tabulating the parser's choices.
_LETTERS = sorted({""} | {c for c in "pnumkgrt"} | {c.upper() for c in "pnumkgrt"})
_UNITS = ["", "OHM", "OHMS", "R", "F", "H", "Ω"]
_KINDS = ["", *grammar.KINDS]


def _table_key(*parts: pl.Expr) -> pl.Expr:
    import polars as pl

    return pl.concat_str([p.fill_null("") for p in parts], separator="|")


_MAIN_QUANTITY = {
    f"{letter}|{unit}|{kind}": grammar._main_quantity(letter, unit, kind or None)
    for letter, unit, kind in product(_LETTERS, _UNITS, _KINDS)
}
_PREFIX = {
    f"{letter}|{quantity}": grammar._prefix_exp(letter, quantity)
    for letter, quantity in product(_LETTERS, KEY_UNITS)
}


def _quantity_of(letter: pl.Expr, unit: pl.Expr, kind: pl.Expr) -> pl.Expr:
    import polars as pl

    return _table_key(letter, unit.str.to_uppercase(), kind).replace_strict(
        _MAIN_QUANTITY, default=None, return_dtype=pl.Utf8
    )


def _exponent(letter: pl.Expr, quantity: pl.Expr) -> pl.Expr:
    import polars as pl

    return _table_key(letter, quantity).replace_strict(_PREFIX, default=0, return_dtype=pl.Int64)


_GLUE = (  # values._GLUE_UNIT, its lookahead consumed and put back
    r"(\d)\s+((?:[pnumkKMGu]?(?:F|H|Hz|HZ|hz|ohms?|Ohms?|OHMS?|V|A|W)(?:[^A-Za-z]|$))|%|ppm)"
)
_DECIMAL_COMMA = r"(\d),(\d+\s*[pnumkKMGRFHVAW%])"  # values._DECIMAL_COMMA, likewise
_FRACTION = r"(?i)(^|[^\d.])(\d+)\s*/\s*(\d+)\s*W([^A-Za-z]|$)"  # values._FRACTION_POWER
_TOKEN = "[^" + grammar._SPLIT.pattern.removeprefix("[").removesuffix("]+") + "]+"
_NUMBER = r"^([0-9]*)(?:\.([0-9]*))?$"


def _normalised(text: pl.Expr) -> pl.Expr:
    """values._normalise_text, the tolerance and the fractional power taken out (the parser's
    order). A consumed lookahead can hide the next match: two passes find those."""
    s = text.str.replace_all(r"[\x1c-\x1f]", " ")  # Python's \s has them, Rust's has not
    for old, new in (
        ("\u00b5", "u"),
        ("\u03bc", "u"),
        ("\u03a9", "ohm"),
        ("\u2126", "ohm"),
        ("±", "+/-"),
    ):
        s = s.str.replace_all(old, new, literal=True)
    s = s.str.replace_all(_DECIMAL_COMMA, "${1}.${2}")
    s = s.str.replace_all(_GLUE, "${1}${2}").str.replace_all(_GLUE, "${1}${2}")
    s = s.str.replace_all(grammar._TOLERANCE.pattern, " ")
    return s.str.replace_all(_FRACTION, "${1} ${4}").str.replace_all(_FRACTION, "${1} ${4}")


def _groups(token: pl.Expr, pattern: re.Pattern[str]) -> Any:
    return token.str.extract_groups(_rust(pattern)).struct


def _token_values(token: pl.Expr, kind: pl.Expr, whole: pl.Expr) -> dict[str, pl.Expr]:
    """What `values._classify_token` makes of each token: its class, quantity, number (text)
    and power of ten. Classes: main (a resistance, capacitance, inductance or impedance),
    vfreq (a frequency read as a value: a crystal's "24M"), freq ("16MHz"), voltage, current;
    null for a token that is no key (a package, a dielectric, a power, a word)."""
    import polars as pl

    freq, vrnot, volt, cur, rnot, lead, std = (
        _groups(token, p)
        for p in (
            grammar._FREQUENCY,
            grammar._VOLTAGE_RNOT,
            grammar._VOLTAGE,
            grammar._CURRENT,
            grammar._RNOTATION,
            grammar._LEADING,
            grammar._STANDARD,
        )
    )
    taken = pl.any_horizontal(
        token.str.contains(_rust(p))
        for p in (grammar._DIELECTRIC, grammar._PACKAGE, grammar._TEMPCO, grammar._POWER)
    )

    def value_token(letter: pl.Expr, unit: pl.Expr, number: pl.Expr) -> tuple[pl.Expr, ...]:
        is_r = letter.is_in(["R", "r"])
        prefix = pl.when(is_r).then(pl.lit("")).otherwise(letter)
        unit = pl.when(unit.is_null() & is_r).then(pl.lit("R")).otherwise(unit.fill_null(""))
        quantity = _quantity_of(prefix, unit, kind)
        klass = (
            pl.when(quantity.is_in(MAIN))
            .then(pl.lit("main"))
            .when(quantity == "frequency")
            .then(pl.lit("vfreq"))
        )
        return klass, quantity, number, _exponent(prefix, quantity)

    # A bare number is a value only in a resistor's (or a ferrite bead's) value.
    bare = (std.field("2") == "") & std.field("3").is_null() & ~kind.is_in(["resistor", "ferrite"])
    standard = value_token(std.field("2"), std.field("3"), std.field("1"))
    none = pl.lit(None, pl.Utf8)
    frequency_power = (
        freq.field("2")
        .str.to_lowercase()
        .replace_strict(grammar._FREQUENCY_EXP, default=0, return_dtype=pl.Int64)
    )
    # (condition, class, quantity, number, power of ten), in the parser's order.
    branches: list[tuple[pl.Expr, ...]] = [
        (taken, none, none, none, pl.lit(0)),
        (
            freq.field("1").is_not_null(),
            pl.lit("freq"),
            pl.lit("frequency"),
            freq.field("1"),
            frequency_power,
        ),
        (
            vrnot.field("1").is_not_null(),
            pl.lit("voltage"),
            pl.lit("voltage"),
            vrnot.field("1") + "." + vrnot.field("2"),
            pl.lit(0),
        ),
        (
            volt.field("1").is_not_null(),
            pl.lit("voltage"),
            pl.lit("voltage"),
            volt.field("1"),
            _exponent(volt.field("2"), pl.lit("voltage")),
        ),
        (
            cur.field("1").is_not_null(),
            pl.lit("current"),
            pl.lit("current"),
            cur.field("1"),
            _exponent(cur.field("2"), pl.lit("current")),
        ),
        (
            rnot.field("1").is_not_null(),
            *value_token(rnot.field("2"), rnot.field("4"), rnot.field("1") + "." + rnot.field("3")),
        ),
        (
            whole & lead.field("1").is_not_null(),
            *value_token(lead.field("1"), lead.field("3"), "0." + lead.field("2")),
        ),
        (std.field("1").is_not_null() & ~bare, *standard),
    ]
    names = ("class", "quantity", "number", "power")
    out: dict[str, Any] = dict.fromkeys(names)
    for condition, *results in reversed(branches):
        for name, result in zip(names, results, strict=True):
            out[name] = pl.when(condition).then(result).otherwise(out[name])
    return out


def _keys(quantity: pl.Expr, number: pl.Expr, shift: pl.Expr) -> pl.Expr:
    """`value_key` on columns: exact decimal digits in string arithmetic, never floats."""
    import polars as pl

    g = number.str.extract_groups(_NUMBER).struct
    integer, fraction = g.field("1").fill_null(""), g.field("2").fill_null("")
    digits = (integer + fraction).str.strip_chars_start("0")
    core = digits.str.strip_chars_end("0")
    exponent = (
        shift
        - fraction.str.len_chars().cast(pl.Int64)
        + digits.str.len_chars().cast(pl.Int64)
        - core.str.len_chars().cast(pl.Int64)
    )
    exponent = pl.when(core == "").then(pl.lit(0, pl.Int64)).otherwise(exponent)
    unit = quantity.replace_strict(KEY_UNITS, default=None, return_dtype=pl.Utf8)
    key = pl.concat_str(
        pl.lit("q"),
        pl.when(core == "").then(pl.lit("0")).otherwise(core),
        pl.lit("e"),
        pl.when(exponent < 0).then(pl.lit("m")).otherwise(pl.lit("p")),
        exponent.abs().cast(pl.Utf8).str.zfill(2),
        unit,
    )
    return pl.when(exponent.abs() <= 99).then(key)


# Polars pays 75-100 ms per call however few the rows (measured here with 9 to 300 rows), and
# Python about 70 us per distinct text: 0.2 s for 3,000 texts against Polars' 0.65 s, 1.3 s
# for 20,000 against 0.6-1.2 s. Below this many distinct rows, Python computes the keys.
PYTHON_KEYS_BELOW = 2000


def value_keys_list(
    value: Sequence[str | None], description: Sequence[str | None], category: Sequence[str | None]
) -> list[str]:
    """`part_value_keys` of every row, each distinct row once: in Python for up to a couple of
    thousand distinct rows (a BOM's new parts), else in Polars (`value_keys_column`). The two
    agree on any text (tests/test_value_keys.py)."""
    rows = list(zip(value, description, category, strict=True))
    distinct = list(dict.fromkeys(rows))
    if len(distinct) < PYTHON_KEYS_BELOW:
        keys = {row: part_value_keys(*row) for row in distinct}
    else:
        column = value_keys_column(*(list(texts) for texts in zip(*distinct, strict=True)))
        keys = dict(zip(distinct, column.to_list(), strict=True))
    return [keys[row] for row in rows]


def value_keys_column(
    value: Sequence[str | None] | pl.Series,
    description: Sequence[str | None] | pl.Series,
    category: Sequence[str | None] | pl.Series,
) -> pl.Series:
    """`part_value_keys` of every row at once ("" where a part has none)."""
    import polars as pl

    frame = pl.DataFrame(
        {"value": value, "description": description, "category": category},
        schema={"value": pl.Utf8, "description": pl.Utf8, "category": pl.Utf8},
    )
    return value_keys_frame(frame.lazy()).collect()["value_keys"]


def _text_keys(texts: pl.LazyFrame, main: pl.Expr) -> pl.LazyFrame:
    """(_vk_row, _keys) of the rows whose text (_text, read as _kind) gives keys; `main` says
    whether a row's main value counts."""
    import polars as pl

    text = pl.col("_text")
    ok = (
        text.is_not_null() & (text.str.len_chars() <= MAX_TEXT) & ~text.str.contains(_UNUSABLE_RUST)
    )
    tokens = (
        texts.filter(ok)
        .with_columns(_tok=_normalised(text).str.extract_all(_TOKEN))
        .with_columns(_whole=pl.col("_tok").list.len() == 1)
        .explode("_tok")
        .with_columns(_pos=pl.int_range(pl.len()).over("_vk_row"))
        # Every keyed notation has a digit: the others (CAP, X7R's kin, OHM) are read as nothing.
        .filter(pl.col("_tok").str.contains("[0-9]"))
    )
    parsed = _token_values(pl.col("_tok"), pl.col("_kind").fill_null(""), pl.col("_whole"))
    per_token = (
        tokens.with_columns(
            _class=parsed["class"], _q=parsed["quantity"], _n=parsed["number"], _x=parsed["power"]
        )
        .filter(pl.col("_class").is_not_null())
        .with_columns(_key=_keys(pl.col("_q"), pl.col("_n"), pl.col("_x")))
        .with_columns(
            _first_main=pl.col("_pos").filter(pl.col("_class") == "main").min().over("_vk_row")
        )
    )
    c = pl.col("_class")
    first_main = pl.col("_first_main")
    frequency = (c == "freq") | (
        (c == "vfreq") & (first_main.is_null() | (pl.col("_pos") < first_main))
    )
    return (
        per_token.sort("_vk_row", "_pos")
        .group_by("_vk_row", maintain_order=True)
        .agg(
            _main=pl.col("_key").filter((c == "main") & main).first(),
            _fr=pl.col("_key").filter(frequency).first(),
            _vo=pl.col("_key").filter(c == "voltage").first(),
            _cu=pl.col("_key").filter(c == "current").first(),
        )
        .select(
            "_vk_row",
            _keys=pl.concat_str("_main", "_fr", "_vo", "_cu", separator=" ", ignore_nulls=True),
        )
        .filter(pl.col("_keys") != "")
    )


def value_keys_frame(
    frame: pl.LazyFrame,
    value: str = "value",
    description: str = "description",
    category: str = "category",
) -> pl.LazyFrame:
    """Add a `value_keys` column computed from the named columns (see `part_value_keys`)."""
    import polars as pl

    rows = frame.with_row_index("_vk_row")
    name = pl.col(category).fill_null("").str.to_lowercase()
    category_kind = pl.lit(None, pl.Utf8)
    for kind, pattern in reversed(CATEGORY_KINDS):
        category_kind = (
            pl.when(name.str.contains(pattern)).then(pl.lit(kind)).otherwise(category_kind)
        )
    first_word = (
        pl.col(description).str.replace_all(r"[\x1c-\x1f]", " ").str.extract(_FIRST_WORD, 1)
    )
    word_kind = first_word.str.to_lowercase().replace_strict(
        WORD_KINDS, default=None, return_dtype=pl.Utf8
    )
    kinds = rows.select(
        "_vk_row",
        pl.col(value).alias("_v"),
        pl.col(description).alias("_d"),
        _kind=pl.coalesce(category_kind, word_kind),
    )
    # The value field's keys; the description's only for the rows whose value field gives none
    # (read as described by `description_kind`; its main value counts only with a known kind).
    by_value = _text_keys(kinds.select("_vk_row", "_kind", _text="_v"), main=pl.lit(True))
    described = kinds.join(by_value, on="_vk_row", how="anti").select(
        "_vk_row",
        _text="_d",
        _kind=pl.when(~pl.col("_kind").is_in(BARE_NUMBER_KINDS)).then("_kind"),
        _known=pl.col("_kind").is_not_null(),
    )
    chosen = pl.concat([by_value, _text_keys(described, main=pl.col("_known"))])
    return (
        rows.join(chosen, on="_vk_row", how="left")
        .sort("_vk_row")
        .with_columns(value_keys=pl.col("_keys").fill_null(""))
        .drop("_vk_row", "_keys")
    )


# ------------------------------------------------------------------------ stored, in batches


def refresh_value_keys(part_ids: Iterable[int], *, parts: Any = None, batch: int = 5000) -> int:
    """Recompute `value_keys` of these parts with Polars, writing only those that changed.

    `parts` is the Part model (the historical one in a migration); returns how many changed.
    """
    if parts is None:
        from accord.parts.models import Part as parts
    from accord.core.db import chunked

    changed = 0
    for ids in chunked(list(part_ids), batch):
        rows = list(
            parts.objects.filter(pk__in=ids).values_list(
                "pk", "value", "description", "category__name", "value_keys"
            )
        )
        if not rows:
            continue
        pks, value, description, category, current = zip(*rows, strict=True)
        keys = value_keys_column(list(value), list(description), list(category)).to_list()
        stale = [
            parts(pk=pk, value_keys=new)
            for pk, old, new in zip(pks, current, keys, strict=True)
            if old != new
        ]
        parts.objects.bulk_update(stale, ["value_keys"], batch_size=1000)
        changed += len(stale)
    return changed
