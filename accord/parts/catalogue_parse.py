"""Parse parts catalogues into one canonical Polars frame (no database involved).

Layouts are recognised by their header row, never by file name: the Digi-Key KiCad library
export, the Octopart Common Parts Library (CPL) flattening, the Horizon EDA pool flattening, and
a GENERIC layout (CSV/TSV/XLSX with columns such as Manufacturer, MPN, Description, Lifecycle...).

Normalisation decisions (the BOM importer relies on them, so they are deliberately stable):

* ``manufacturer_key``: NFKD, accents dropped, lower-cased, ``.`` and apostrophes deleted (so
  "B.V." == "BV"), every other non letter/digit becomes a space, then trailing legal forms and
  generic business words are dropped repeatedly (Inc, Ltd, Co, Corp, GmbH, AG, LLC, BV,
  Electronics, Electronic Components, Semiconductor(s), Technology/ies, Manufacturing, USA,
  (North) America...), then ``MANUFACTURER_ALIASES`` maps classic abbreviations and divisions to
  one key. Acquisitions (Linear -> ADI, Atmel -> Microchip...) are NOT merged: the key says
  whose name is printed on the part, not who owns the brand today.
* ``mpn_key``: NFKC, upper-cased, whitespace (incl. invisible format characters), ``-`` and the
  Unicode dashes, ``.``, ``/`` and ``_`` removed: BOM authors and distributors disagree on exactly
  those ("ERJ-3EKF1001V" / "ERJ3EKF1001V", "SFH 4550", Yageo's "_" packaging placeholder).
  ``+`` (Maxim lead-free), ``#`` (LT "#PBF"), ``,`` (NXP ",215"), ``()`` and ``&`` are kept
  because they select a different orderable part.
* ``lifecycle``: Active / Active NonStock / Preliminary / Production -> ``active`` (NonStock is the
  distributor's stocking state, and a preliminary part moves towards production, not away);
  NRND / Not For New Designs -> ``nrnd``; Last Time Buy -> ``ltb``; EOL / End of Life /
  Pending discontinuation -> ``eol``; Obsolete / Discontinued (by the maker) -> ``obsolete``;
  "Discontinued at Digi-Key" -> ``unknown`` (the distributor dropped it, which says nothing about
  the manufacturer: TI's TPS61200DRCR, for one, is still active).
* ``parameters``: a JSON object of strings; numbers are exact decimals in SI base units written
  the way ECMAScript writes numbers (plain from 1e-6 up to 1e21, else ``1e-7`` / ``1.5e-12``).
  Quantities that do not parse are kept verbatim under ``<name>_text``: nothing is silently lost.
* ``mpn`` / ``manufacturer`` are trimmed; everything else keeps its text.
* Horizon "base" parts (templates) and the pool's "CPL" placeholder parts are skipped and
  reported: neither is an orderable manufacturer part. Blank lines are skipped silently.
* Problems are ``{"row": int | None, "column": str | None, "message": str}``; ``row`` is the
  spreadsheet row (header = 1 when the header is on the first line).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from accord.parts.normalise import (
    MANUFACTURER_ALIASES,
    manufacturer_key,
    manufacturer_key_expr,
    mpn_key,
    mpn_key_expr,
)

__all__ = [
    "CANONICAL_COLUMNS", "LIFECYCLES", "MANUFACTURER_ALIASES", "CatalogueFormatError",
    "CatalogueFrame", "format_decimal", "manufacturer_key", "manufacturer_key_expr", "mpn_key",
    "mpn_key_expr", "parse_catalogue",
]  # fmt: skip

LIFECYCLES = ("active", "nrnd", "ltb", "eol", "obsolete", "unknown")
CANONICAL_COLUMNS = (
    "manufacturer", "manufacturer_key", "mpn", "mpn_key", "description", "category",
    "lifecycle", "rohs", "reach", "datasheet", "package", "value", "parameters",
    "group_key", "alt_rank", "supplier", "supplier_pn", "source_row",
)  # fmt: skip

Problem = dict[str, object]
Stages = list[dict[str, pl.Expr]]  # successive with_columns() steps


class CatalogueFormatError(ValueError):
    """The file is not a catalogue we can read (no usable header, broken container...)."""


@dataclass
class CatalogueFrame:
    kind: str  # "digikey" | "cpl" | "horizon" | "generic"
    frame: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"


# ---------------------------------------------------------------------- exact decimal numbers


def format_decimal(value: Decimal | str) -> str:
    """Scalar reference for the decimal strings written into ``parameters``."""
    sign, digit_tuple, exponent = Decimal(value).normalize().as_tuple()
    if not any(digit_tuple):
        return "0"
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), len(digits) + exponent
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return "-" + body if sign else body


# [0-9], not \d: Rust's \d also matches Arabic-Indic and other digits.
_NUMBER_RE = (
    r"^(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]{1,4}))?$"
)


def _merge(*stage_lists: Stages) -> Stages:
    merged: Stages = []
    for stages in stage_lists:
        for i, stage in enumerate(stages):
            if i == len(merged):
                merged.append({})
            merged[i].update(stage)
    return merged


def _decimal_stages(src: pl.Expr, shift: pl.Expr, out: str) -> Stages:
    """Decimal text times 10**shift as `format_decimal` writes it, in string arithmetic (floats
    turn 0.1 µF into 1.0000000000000001e-07). Every step refers to the previous one by column
    name: nesting the expressions instead makes Polars' expression trees grow multiplicatively.
    """
    p, c = f"__{out}_", pl.col
    g = c(p + "g").struct
    frac_len = c(p + "frac").str.len_chars().cast(pl.Int64)
    k, n, core = c(p + "k"), c(p + "n"), c(p + "core")
    small_n = n.clip(0, 21)  # every branch runs on every row: keep string lengths bounded
    scientific = pl.concat_str(
        core.str.slice(0, 1), pl.when(k > 1).then("." + core.str.slice(1)).otherwise(pl.lit("")),
        pl.lit("e"), pl.when(n >= 1).then(pl.lit("+")).otherwise(pl.lit("-")),
        (n - 1).abs().cast(pl.Utf8),
    )  # fmt: skip
    body = (
        pl.when(core == "").then(pl.lit("0"))
        .when((n >= k) & (n <= 21)).then(core.str.pad_end(small_n, "0"))
        .when((n > 0) & (n <= 21)).then(core.str.slice(0, small_n) + "." + core.str.slice(small_n))
        .when((n > -6) & (n <= 0)).then("0." + core.str.zfill(k - n.clip(-6, 0)))
        .otherwise(scientific)
    )  # fmt: skip
    negative = (c(p + "sign") == "-") & (core != "")
    valid = c(p + "sign").is_not_null() & ((c(p + "int") + c(p + "frac")) != "")
    return [
        {p + "g": src.str.strip_chars().str.extract_groups(_NUMBER_RE), p + "sh": shift},
        {p + "sign": g.field("sign"), p + "int": g.field("int").fill_null(""),
         p + "frac": g.field("frac").fill_null(""),
         p + "exp": g.field("exp").cast(pl.Int64, strict=False).fill_null(0)},
        {p + "dig": pl.concat_str(c(p + "int"), c(p + "frac")).str.strip_chars_start("0")},
        {p + "core": c(p + "dig").str.strip_chars_end("0")},
        {p + "k": core.str.len_chars().cast(pl.Int64),
         p + "n": c(p + "dig").str.len_chars().cast(pl.Int64) + c(p + "exp") - frac_len
         + c(p + "sh")},
        {out: pl.when(valid).then(pl.when(negative).then("-" + body).otherwise(body))},
    ]  # fmt: skip


# ------------------------------------------------------------------------ quantity parsing

_PREFIX_EXP = {
    "p": -12, "n": -9, "u": -6, "\u00b5": -6, "\u03bc": -6, "m": -3, "k": 3, "K": 3, "M": 6, "G": 9,
}  # fmt: skip


# n/d is an exact decimal only when d = 2**a * 5**b; then n/d = n * (10**m // d) / 10**m.
_FRACTIONS = {
    str(2**a * 5**b): (10 ** max(a, b) // (2**a * 5**b), max(a, b))
    for a in range(10) for b in range(5) if 2**a * 5**b <= 1000
}  # fmt: skip
_QUANTITY_RE = (
    r"^(?:±|\+/-|\+-)?\s*(?P<num>-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:\s*/\s*(?P<den>[0-9]{1,3}))?"
    r"\s*(?P<prefix>[pnu\u03bcmkKMG]?)\s*(?P<unit>Hz|F|Ω|(?i:ohms?)|R|V|A|W|H|%)?\s*(?:@.*)?$"
)
# European exports write "0,1 µF"; "1,000 V" stays a thousands separator.
_THOUSANDS = r"^[^0-9]*[1-9][0-9]{0,2}(,[0-9]{3})+([^0-9]|$)"
_DECIMAL_COMMA = r"^([^0-9,]*[0-9]+),([0-9])"
_NULL_TEXT = "^(?i:-+|\u2013|\u2014|n/?a|none|null|\\?|tbd)?$"  # "–" means "nothing" in CPL


def _clean(expr: pl.Expr) -> pl.Expr:
    """Trim, and turn blanks and the usual 'nothing here' markers into nulls."""
    text = expr.str.strip_chars()
    return pl.when(~text.str.contains(_NULL_TEXT)).then(text)


def _quantity_stages(src: pl.Expr, key: str, default_shift: int = 0) -> Stages:
    """Parse "0.1 µF", "±10%", "1/10 W", "13 @ 1 kHz" into value/unit/prefix columns."""
    p, c = f"__{key}_", pl.col
    g = c(p + "g").struct
    unit, den, num = g.field("unit").fill_null(""), c(p + "den"), c(p + "num")
    mult = den.replace_strict({d: f[0] for d, f in _FRACTIONS.items()}, default=None,
                              return_dtype=pl.Int64)  # fmt: skip
    frac_exp = den.replace_strict({d: f[1] for d, f in _FRACTIONS.items()}, default=None,
                                  return_dtype=pl.Int64)  # fmt: skip
    bare = (c(p + "unit") == "") & (c(p + "pre") == "")
    text = c(p + "raw").str.normalize("NFKC")
    head: Stages = [
        {p + "raw": _clean(src)},
        {p + "txt": pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", ""))
         .otherwise(text.str.replace(_DECIMAL_COMMA, "${1}.${2}"))},
        {p + "g": c(p + "txt").str.extract_groups(_QUANTITY_RE)},
        {p + "num": g.field("num"), p + "den": g.field("den"),
         p + "pre": g.field("prefix").fill_null(""),
         p + "unit": pl.when(unit.str.to_lowercase().str.starts_with("ohm") | (unit == "R"))
         .then(pl.lit("Ω")).otherwise(unit)},
        {p + "mant": pl.when(den.is_null()).then(num)
         .otherwise((num.cast(pl.Int64, strict=False) * mult).cast(pl.Utf8)),
         p + "shift": c(p + "pre").replace_strict(_PREFIX_EXP, default=0, return_dtype=pl.Int64)
         - pl.when(den.is_null()).then(pl.lit(0, pl.Int64)).otherwise(frac_exp)
         + pl.when(bare).then(pl.lit(default_shift, pl.Int64)).otherwise(pl.lit(0, pl.Int64))},
    ]  # fmt: skip
    return head + _decimal_stages(c(p + "mant"), c(p + "shift"), p + "val")


def _quantity_params(key: str, name: str, kind: str) -> list[tuple[str, pl.Expr]]:
    """Parameters from the columns `_quantity_stages` made; kind is a unit, "tol" or "num"."""
    p, c = f"__{key}_", pl.col
    raw, value, unit, prefix = c(p + "raw"), c(p + "val"), c(p + "unit"), c(p + "pre")
    if kind == "tol":  # "±10%" is relative, "±0.25pF" absolute (in the main quantity's unit)
        pct = pl.when(unit.is_in(["%", ""]) & (prefix == "")).then(value)
        absolute = pl.when(unit.is_in(["F", "H", "Ω"])).then(value)
        leftover = pl.when(pct.is_null() & absolute.is_null()).then(raw)
        return [("tolerance_pct", pct), ("tolerance_abs", absolute), ("tolerance_text", leftover)]
    ok = ((unit == "") & (prefix == "")) if kind == "num" else unit.is_in([kind, ""])
    parsed = pl.when(ok).then(value)
    return [(name, parsed), (f"{name}_text", pl.when(parsed.is_null()).then(raw))]


def _parameters_json(params: Iterable[tuple[str, pl.Expr]]) -> pl.Expr:
    """One JSON object per row, null entries left out."""
    merged: dict[str, pl.Expr] = {}
    for name, expr in params:  # several source columns may feed one name: first non-null wins
        merged[name] = pl.coalesce(merged[name], expr) if name in merged else expr
    if not merged:
        return pl.lit("{}")
    encoded = pl.struct([e.cast(pl.Utf8).alias(n) for n, e in merged.items()]).struct.json_encode()
    return encoded.str.replace_all(r'"[a-z0-9_]+":null,?', "").str.replace(r",\}$", "}")


# --------------------------------------------------------------------- status vocabularies


def _classify(raw: pl.Expr, rules: Iterable[tuple[str, str]]) -> pl.Expr:
    """First matching (regex, label) over the lower-cased words of `raw`, else "unknown"."""
    words = (
        raw.fill_null("").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()
    )
    result = pl.lit("unknown")
    for pattern, label in reversed(list(rules)):
        result = pl.when(words.str.contains(pattern)).then(pl.lit(label)).otherwise(result)
    return result


_LIFECYCLE_RULES = (
    (r"\bdiscontinued at\b", "unknown"),  # the distributor's decision, not the maker's
    (r"\b(nrnd|not recommended|not for new design)", "nrnd"),
    (r"\b(ltb|last time buy|last buy|final buy)\b", "ltb"),
    (r"\b(eol|end of life|phase out|pending discontinuation)\b", "eol"),
    (r"\b(obsolete|discontinued|inactive|withdrawn)\b", "obsolete"),
    (r"\b(active|production|preliminary|pre production|prototype|sampling|new product"
     r"|released|introduction)\b", "active"),
)  # fmt: skip
_ROHS_RULES = (
    (r"\b(no|without) exempt", "compliant"),
    (r"\bexempt", "exempt"),
    (r"\b(non|not) (compliant|rohs)\b|noncompliant|contains lead|^(no|n|false|0)$",
     "non_compliant"),
    (r"\b(compliant|yes|y|true|1|lead free|pb free|rohs[0-9]?)\b", "compliant"),
)  # fmt: skip


def _reach_rules(header: str) -> tuple[tuple[str, str], ...]:
    # In a "REACH SVHC" column "Yes" means it contains an SVHC: the yes/no sense flips.
    yes, no = ("affected", "compliant") if "svhc" in header.lower() else ("compliant", "affected")
    return (
        (r"\b(unaffected|not affected|no svhc|svhc free)\b", "compliant"),
        (r"\b(affected|contains svhc|non compliant|not compliant)\b", "affected"),
        (r"^(yes|y|true|1)$", yes), (r"^(no|n|false|0)$", no), (r"\bcompliant\b", "compliant"),
    )  # fmt: skip


# --------------------------------------------------------------------------- reading files


def _norm_header(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M")).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_GENERIC_FIELDS: dict[str, tuple[str, ...]] = {  # priority order within each field
    "manufacturer": ("manufacturer", "manufacturer name", "mfr", "mfr name", "mfg",
                     "mfg name", "make", "brand"),
    "mpn": ("mpn", "manufacturer part number", "manufacturer part no", "manufacturer pn",
            "manufacturer part", "mfr part number", "mfr part no", "mfr part", "mfr pn",
            "mfg part number", "mfg part no", "mfg pn", "part number", "part no", "pn"),
    "description": ("description", "part description", "product description", "desc", "title"),
    "category": ("category", "product category", "part category", "family", "product family",
                 "part type", "type", "class"),
    "lifecycle": ("lifecycle", "life cycle", "lifecycle status", "life cycle status",
                  "part status", "product status", "status"),
    "rohs": ("rohs", "rohs status", "rohs compliance", "rohs compliant", "rohs3", "rohs 3"),
    "reach": ("reach", "reach status", "reach compliance", "reach compliant", "reach svhc",
              "svhc"),
    "datasheet": ("datasheet", "data sheet", "datasheet url", "datasheet link", "datasheets"),
    "package": ("package", "package case", "case package", "package type", "case", "case code",
                "footprint"),
    "value": ("value", "nominal value"),
    "group_key": ("group", "group key", "generic part", "internal part number", "ipn", "cpn",
                  "company part number", "cplid"),
    "alt_rank": ("alt rank", "alternate rank", "rank", "preference", "priority"),
    "supplier": ("supplier", "distributor", "vendor"),
    "supplier_pn": ("supplier part number", "supplier pn", "supplier part no", "distributor pn",
                    "distributor part number", "vendor part number", "sku",
                    "digi key part number", "digi key pn", "mouser part number", "mouser no"),
}  # fmt: skip
# Exact headers (every column the mapper reads): a near miss falls back to the generic layout.
_KNOWN_LAYOUTS = (
    ("horizon", {"pool_path", "manufacturer", "mpn", "value", "description", "package",
                 "datasheet", "parametric_table", "is_base_part", "param_type", "param_value",
                 "param_wvdc", "param_tolerance", "param_dcr", "param_idc", "param_pmax"}),
    ("cpl", {"cplid", "title", "category", "alt_rank", "manufacturer", "mpn"}),
    ("digikey", {"Digi-Key_PN", "MPN", "Manufacturer", "Description", "Category", "Family",
                 "Status", "datasheet", "DK_Datasheet_Link", "footprint"}),
)  # fmt: skip


def _generic_fields(columns: list[str]) -> dict[str, str]:
    """Map canonical field -> column name, each column used at most once."""
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(_norm_header(col), col)
    found: dict[str, str] = {}
    for fld, synonyms in _GENERIC_FIELDS.items():
        free = [by_norm[s] for s in synonyms if by_norm.get(s) not in (None, *found.values())]
        if free:
            found[fld] = free[0]
    return found


def _layout(columns: list[str]) -> str | None:
    for kind, required in _KNOWN_LAYOUTS:
        if required <= set(columns):
            return kind
    return "generic" if {"manufacturer", "mpn"} <= _generic_fields(columns).keys() else None


def _decode(data: bytes) -> tuple[str, bytes, str]:
    """Return (text, utf-8 bytes for Polars, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), data[3:], "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        text = data.decode("utf-16")
        return text, text.encode("utf-8"), "utf-16"
    try:
        return data.decode("utf-8"), data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # cp1252 leaves 5 bytes undefined; latin-1 cannot fail
        text, encoding = data.decode("latin-1"), "latin-1"
    return text, text.encode("utf-8"), encoding


_HEADER_SCAN = 20  # title blocks above the header are common in exported spreadsheets


def _read_delimited(data: bytes, filename: str) -> tuple[pl.DataFrame, int, str]:
    """Frame of strings, 1-based header row, encoding."""
    text, utf8, encoding = _decode(data)
    for index, line in enumerate(text[: 1 << 16].split("\n")[:_HEADER_SCAN]):
        for sep in (",", ";", "\t", "|"):
            cells = next(csv.reader([line.rstrip("\r")], delimiter=sep), [])
            if sep in line and _layout(cells):
                try:
                    frame = pl.read_csv(
                        utf8, separator=sep, skip_lines=index, infer_schema=False,
                        truncate_ragged_lines=True, raise_if_empty=False,
                    )  # fmt: skip
                except pl.exceptions.PolarsError as exc:
                    raise CatalogueFormatError(f"{filename}: unreadable CSV ({exc})") from exc
                return frame, index + 1, encoding
    raise CatalogueFormatError(
        f"{filename}: no header row with manufacturer and MPN columns "
        f"in the first {_HEADER_SCAN} lines"
    )


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # Excel stores every number as a float; 3.0 was typed as 3
        return str(int(value)) if value.is_integer() else repr(value)
    isoformat = getattr(value, "isoformat", None)
    return str(isoformat()) if isoformat else str(value)


def _read_workbook(data: bytes, filename: str) -> tuple[pl.DataFrame, int, str]:
    try:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)  # keeps row numbers
    except Exception as exc:  # calamine raises its own zoo of errors for damaged files
        raise CatalogueFormatError(f"{filename}: unreadable workbook ({exc})") from exc
    for index, row in enumerate(rows[:_HEADER_SCAN]):
        header = [_cell_text(c) or "" for c in row]
        if not _layout(header):
            continue
        names: list[str] = []
        for position, name in enumerate(header):
            names.append(name if name and name not in names else f"column_{position + 1}")
        body = rows[index + 1 :]
        columns = {
            n: [_cell_text(r[i]) if i < len(r) else None for r in body] for i, n in enumerate(names)
        }
        return pl.DataFrame(columns, schema=dict.fromkeys(names, pl.Utf8)), index + 1, "xlsx"
    raise CatalogueFormatError(f"{filename}: no header row with manufacturer and MPN columns")


# -------------------------------------------------------------------------- layout mappers


@dataclass
class _Staging:
    exprs: dict[str, pl.Expr]  # canonical field (or "_mfr"/"_mpn"/"_skip") -> expression
    mfr_column: str
    mpn_column: str
    stages: Stages = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_NULL = pl.lit(None, pl.Utf8)


def _col(name: str) -> pl.Expr:
    return _clean(pl.col(name))


def _digikey(frame: pl.DataFrame, header_row: int) -> _Staging:
    exprs = {
        "_mfr": _col("Manufacturer"), "_mpn": _col("MPN"), "description": _col("Description"),
        "category": pl.concat_str(_col("Category"), _col("Family"), separator=" > ",
                                  ignore_nulls=True),
        "lifecycle": _classify(pl.col("Status"), _LIFECYCLE_RULES),
        "datasheet": pl.coalesce(_col("datasheet"), _col("DK_Datasheet_Link")),
        # The KiCad footprint minus its library prefix is the only package hint in the file.
        "package": _col("footprint").str.replace(r"^[^:]*:", ""),
        "supplier": pl.when(_col("Digi-Key_PN").is_not_null()).then(pl.lit("Digi-Key")),
        "supplier_pn": _col("Digi-Key_PN"),
    }  # fmt: skip
    return _Staging(exprs, "Manufacturer", "MPN")


_SPECS: dict[str, tuple[str, str]] = {  # normalised spec/column name -> (param name, kind)
    "capacitance": ("capacitance", "F"), "resistance": ("resistance", "Ω"),
    "inductance": ("inductance", "H"), "dc resistance": ("dc_resistance", "Ω"),
    "dcr": ("dc_resistance", "Ω"), "characteristic": ("dielectric", "text"),
    "dielectric": ("dielectric", "text"), "temperature coefficient": ("dielectric", "text"),
    "dielectric material": ("technology", "text"), "size": ("case_size", "text"),
    "case size": ("case_size", "text"), "tolerance": ("tolerance", "tol"),
    "resistance tolerance": ("tolerance", "tol"), "voltage rating dc": ("voltage_rated", "V"),
    "voltage rating": ("voltage_rated", "V"), "rated voltage": ("voltage_rated", "V"),
    "voltage": ("voltage_rated", "V"), "wvdc": ("voltage_rated", "V"),
    "battery voltage": ("voltage_nominal", "V"), "output voltage": ("voltage_output", "V"),
    "maximum voltage rating dc": ("voltage_max", "V"),
    "breakdown voltage": ("voltage_breakdown", "V"), "forward voltage": ("voltage_forward", "V"),
    "forward voltage drop": ("voltage_forward", "V"),
    "peak repetitive reverse voltage": ("voltage_reverse_max", "V"),
    "max dc current": ("current_rated", "A"), "current rating": ("current_rated", "A"),
    "rated current": ("current_rated", "A"), "max current": ("current_max", "A"),
    "maximum forward continuous current": ("current_forward_max", "A"),
    "hold current": ("current_hold", "A"), "maximum fault current": ("current_fault_max", "A"),
    "current drive": ("current_drive", "A"), "power rating": ("power_rated", "W"),
    "power": ("power_rated", "W"), "bandwidth": ("bandwidth", "Hz"),
    "frequency": ("frequency", "Hz"), "q factor": ("q_factor", "num"),
    "number of circuits": ("circuits", "num"), "mounting type": ("mounting", "text"),
    "mounting": ("mounting", "text"), "color": ("color", "text"),
    "application": ("application", "text"), "orientation": ("orientation", "text"),
    "polarity": ("polarity", "text"),
}  # fmt: skip


def _snake(name: str) -> str:
    return _norm_header(name).replace(" ", "_")


Params = list[tuple[str, pl.Expr]]


def _spec_params(columns: Iterable[tuple[str, str, int]]) -> tuple[Stages, Params]:
    """(column, spec name, unit shift from the header) -> staging steps and parameters."""
    stages: Stages = []
    params: list[tuple[str, pl.Expr]] = []
    for position, (column, spec, shift) in enumerate(columns):
        fallback = (_snake(spec) or f"column_{position + 1}", "text")
        name, kind = _SPECS.get(_norm_header(spec), fallback)
        if kind == "text":
            params.append((name, _col(column)))
            continue
        stages = _merge(stages, _quantity_stages(pl.col(column), f"q{position}", shift))
        params.extend(_quantity_params(f"q{position}", name, kind))
    return stages, params


def _cpl(frame: pl.DataFrame, header_row: int) -> _Staging:
    # spec_Package feeds the package column, not the parameters.
    specs = [
        (c, c.removeprefix("spec_"), 0)
        for c in frame.columns
        if c.startswith("spec_") and c != "spec_Package"
    ]
    stages, params = _spec_params(specs)
    # Upstream reuses a cplid for different generic parts (one resistor id for its 0402, 0603,
    # 0805 and 1206 variants): those must not become alternates of each other.
    title = _col("title").str.to_lowercase().str.replace_all(r"\s+", " ")
    blocks = (
        frame.with_row_index("_i").group_by("cplid", title.alias("_t"), maintain_order=True)
        .agg(pl.col("_i").first(), pl.col("title").first())
        .with_columns(_n=pl.len().over("cplid"), _nth=pl.int_range(pl.len()).over("cplid"))
    )  # fmt: skip
    problems: list[Problem] = [
        {"row": int(b["_i"]) + header_row + 1, "column": "cplid",
         "message": f"cplid {b['cplid']} is reused for another generic part ({b['title']!r}); "
         f"its group is named {b['cplid']} [{b['title']}]."}
        for b in blocks.filter(pl.col("_nth") > 0).iter_rows(named=True)
    ]  # fmt: skip
    cplid = _col("cplid")
    group = (
        pl.when(cplid.is_in(blocks.filter(pl.col("_n") > 1)["cplid"].unique().to_list()))
        .then(pl.concat_str(cplid, pl.lit(" ["), _col("title"), pl.lit("]")))
        .otherwise(cplid)
    )

    def first_of(*columns: str) -> pl.Expr:
        return pl.coalesce(_NULL, *[_col(c) for c in columns if c in frame.columns])

    exprs = {
        "_mfr": _col("manufacturer"), "_mpn": _col("mpn"), "description": _col("title"),
        "category": _col("category"), "package": first_of("spec_Package", "spec_Size"),
        "value": first_of("spec_Capacitance", "spec_Resistance", "spec_Inductance"),
        "parameters": _parameters_json(params), "group_key": group,
        "alt_rank": _col("alt_rank").cast(pl.Int64, strict=False).fill_null(1),
    }  # fmt: skip
    return _Staging(exprs, "manufacturer", "mpn", stages=stages, problems=problems)


_HORIZON_CATEGORIES = {
    "passive/capacitor": "Capacitors", "passive/resistor": "Resistors",
    "passive/trimmer": "Potentiometers", "passive/magnetic": "Inductors",
    "passive/magnetics": "Inductors", "passive/crystal": "Crystals & Oscillators",
    "passive/diode": "Diodes", "opto/led": "LEDs", "mechanical/switch": "Switches",
    "connector": "Connectors", "ic": "ICs", "diode": "Diodes", "transistor": "Transistors",
    "opto": "Optoelectronics", "oscillator": "Crystals & Oscillators", "switch": "Switches",
    "mechanical": "Mechanical", "relay": "Relays", "psu": "Power Supplies",
    "fuse_holder": "Circuit Protection",
}  # fmt: skip
_HORIZON_NUMBERS = {  # column -> parameter; param_value depends on parametric_table
    "param_wvdc": "voltage_rated", "param_tolerance": "tolerance_pct",
    "param_dcr": "dc_resistance", "param_idc": "current_rated", "param_pmax": "power_rated",
    "param_value": "",
}  # fmt: skip


def _horizon(frame: pl.DataFrame, header_row: int) -> _Staging:
    path = pl.col("pool_path").str.split("/")
    top, sub = path.list.get(1, null_on_oob=True), path.list.get(2, null_on_oob=True)
    category = (
        pl.when(pl.col("pool_path").str.contains("ferrite")).then(pl.lit("Ferrite Beads"))
        .otherwise(pl.coalesce(
            pl.concat_str(top, sub, separator="/").replace_strict(_HORIZON_CATEGORIES,
                                                                   default=None),
            top.replace_strict(_HORIZON_CATEGORIES, default=None),
            top.str.replace_all("_", " ").str.to_titlecase(),
        ))
    )  # fmt: skip
    zero = pl.lit(0, pl.Int64)
    stages = _merge(*[_decimal_stages(_col(c), zero, f"h_{c}") for c in _HORIZON_NUMBERS])
    table = _col("parametric_table")
    params: list[tuple[str, pl.Expr]] = [
        (name, pl.when(table == tbl).then(pl.col("h_param_value")))
        for tbl, name in (("capacitors", "capacitance"), ("resistors", "resistance"),
                          ("inductors", "inductance"))
    ]  # fmt: skip
    params.append(("dielectric", _col("param_type")))
    params += [(name, pl.col(f"h_{c}")) for c, name in _HORIZON_NUMBERS.items() if name]
    skip = (
        pl.when(pl.col("is_base_part").str.to_lowercase() == "true")
        .then(pl.struct(column=pl.lit("is_base_part"), message=pl.lit(
            "Base part (a template other pool parts inherit from), not an orderable part "
            "— row skipped.")))
        .when(_col("manufacturer") == "CPL")
        .then(pl.struct(column=pl.lit("manufacturer"), message=pl.lit(
            "Generic Common Parts Library placeholder (manufacturer 'CPL'), not a "
            "manufacturer part — row skipped.")))
    )  # fmt: skip
    exprs = {
        "_mfr": _col("manufacturer"), "_mpn": _col("mpn"), "_skip": skip,
        "description": _col("description"), "category": category, "datasheet": _col("datasheet"),
        "package": _col("package"), "value": _col("value"), "parameters": _parameters_json(params),
    }  # fmt: skip
    return _Staging(exprs, "manufacturer", "mpn", stages=stages)


# "Capacitance (µF)": the unit in the header scales bare numbers in that column.
_HEADER_UNIT_RE = re.compile(
    r"^(.*?)\s*[(\[]\s*([pnuµμmkKMG]?)(F|Ω|(?i:ohms?)|H|V|A|W|Hz|%)\s*[)\]]$"
)
_SUPPLIER_FROM_HEADER = {"digi key": "Digi-Key", "mouser": "Mouser"}


def _generic(frame: pl.DataFrame, header_row: int) -> _Staging:
    fields = _generic_fields(frame.columns)
    exprs: dict[str, pl.Expr] = {"_mfr": _col(fields["manufacturer"]), "_mpn": _col(fields["mpn"])}
    for name in ("description", "category", "datasheet", "package", "value", "group_key"):
        if name in fields:
            exprs[name] = _col(fields[name])
    if "lifecycle" in fields:
        exprs["lifecycle"] = _classify(pl.col(fields["lifecycle"]), _LIFECYCLE_RULES)
    if "rohs" in fields:
        exprs["rohs"] = _classify(pl.col(fields["rohs"]), _ROHS_RULES)
    if "reach" in fields:
        exprs["reach"] = _classify(pl.col(fields["reach"]), _reach_rules(fields["reach"]))
    if "alt_rank" in fields:
        exprs["alt_rank"] = _col(fields["alt_rank"]).cast(pl.Int64, strict=False).fill_null(1)
    if "supplier_pn" in fields:
        exprs["supplier_pn"] = _col(fields["supplier_pn"])
    if "supplier" in fields:
        exprs["supplier"] = _col(fields["supplier"])
    elif "supplier_pn" in fields:
        header = _norm_header(fields["supplier_pn"])
        implied = next((v for k, v in _SUPPLIER_FROM_HEADER.items() if k in header), None)
        if implied:
            exprs["supplier"] = pl.when(exprs["supplier_pn"].is_not_null()).then(pl.lit(implied))
    specs: list[tuple[str, str, int]] = []
    for column in frame.columns:
        if column in fields.values():
            continue
        match = _HEADER_UNIT_RE.match(column.strip())
        shift = _PREFIX_EXP.get(match.group(2), 0) if match else 0
        specs.append((column, (match.group(1) if match else column).removeprefix("spec_"), shift))
    stages, params = _spec_params(specs)
    exprs["parameters"] = _parameters_json(params)
    return _Staging(exprs, fields["manufacturer"], fields["mpn"], stages=stages)


_MAPPERS: dict[str, Callable[[pl.DataFrame, int], _Staging]] = {
    "digikey": _digikey, "cpl": _cpl, "horizon": _horizon, "generic": _generic,
}  # fmt: skip
_DEFAULTS: dict[str, pl.Expr] = {
    "description": _NULL, "category": _NULL, "lifecycle": pl.lit("unknown"),
    "rohs": pl.lit("unknown"), "reach": pl.lit("unknown"), "datasheet": _NULL, "package": _NULL,
    "value": _NULL, "parameters": pl.lit("{}"), "group_key": _NULL,
    "alt_rank": pl.lit(1, pl.Int64), "supplier": _NULL, "supplier_pn": _NULL,
    "_skip": pl.lit(None, pl.Struct({"column": pl.Utf8, "message": pl.Utf8})),
}  # fmt: skip


def _reason(column: str | None, message: str | None) -> pl.Expr:
    return pl.struct(column=pl.lit(column, pl.Utf8), message=pl.lit(message, pl.Utf8))


# Control and bidi characters (accord/core/text.py), in the regex syntax of Polars.
_UNSTORABLE = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\x{202A}-\x{202E}\x{2066}-\x{2069}]"


def _strip_control_characters(
    raw: pl.DataFrame, header_row: int
) -> tuple[pl.DataFrame, list[Problem]]:
    """Remove control and bidi characters from every cell (a stray BEL is no reason to refuse a
    parts list, and is never stored), reporting each cell by row and column. One vectorised
    scan per column; the clean files that nearly every import is cost nothing more."""
    dirty = raw.select(pl.all().str.contains(_UNSTORABLE).any()).row(0)
    columns = [name for name, found in zip(raw.columns, dirty, strict=True) if found]
    if not columns:
        return raw, []
    message = "Removed control or bidi characters from this cell; the rest of its text was kept."
    problems: list[Problem] = []
    for name in columns:
        rows = (
            raw.select(row=pl.int_range(pl.len(), dtype=pl.Int64) + header_row + 1, cell=name)
            .filter(pl.col("cell").str.contains(_UNSTORABLE))
            .get_column("row")
            .to_list()
        )
        problems += [{"row": row, "column": name, "message": message} for row in rows]
    cleaned = raw.with_columns(
        pl.col(name).str.replace_all(_UNSTORABLE, "").str.strip_chars() for name in columns
    )
    return cleaned, problems


# ---------------------------------------------------------------------------------- entry


def parse_catalogue(data: bytes, filename: str) -> CatalogueFrame:
    """Parse one catalogue file (bytes) into the canonical frame plus row-level problems."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # xlsx (zip) or legacy xls
        raw, header_row, encoding = _read_workbook(data, filename)
    else:
        raw, header_row, encoding = _read_delimited(data, filename)
    kind = _layout(raw.columns)
    assert kind is not None  # the readers only return frames whose header has a layout
    raw, stripped = _strip_control_characters(raw, header_row)
    staging = _MAPPERS[kind](raw, header_row)
    lf = raw.lazy().with_columns(
        __row=pl.int_range(pl.len(), dtype=pl.Int64) + header_row + 1,
        __blank=pl.all_horizontal(pl.all().str.strip_chars().fill_null("") == ""),
    )
    for stage in staging.stages:
        lf = lf.with_columns(**stage)
    no_mfr = "No manufacturer — row skipped."
    no_mpn = "No manufacturer part number (MPN) — row skipped."
    staged = (
        lf.select(source_row="__row", _blank="__blank", **{**_DEFAULTS, **staging.exprs})
        .with_columns(manufacturer_key=manufacturer_key_expr(pl.col("_mfr")),
                      mpn_key=mpn_key_expr(pl.col("_mpn")))
        .with_columns(
            _reason=pl.when(pl.col("_blank")).then(_reason(None, None))
            .when(pl.col("_skip").is_not_null()).then(pl.col("_skip"))
            .when(pl.col("manufacturer_key") == "").then(_reason(staging.mfr_column, no_mfr))
            .when(pl.col("mpn_key") == "").then(_reason(staging.mpn_column, no_mpn))
        )
        .collect()
    )  # fmt: skip
    problems = stripped + list(staging.problems)
    problems += (
        staged.filter(pl.col("_reason").is_not_null() & ~pl.col("_blank"))
        .select(row="source_row", column=pl.col("_reason").struct.field("column"),
                message=pl.col("_reason").struct.field("message"))
        .to_dicts()
    )  # fmt: skip
    keys = ["manufacturer_key", "mpn_key"]
    kept = staged.filter(pl.col("_reason").is_null()).with_columns(
        _first=pl.col("source_row").first().over(keys),
        _first_group=pl.col("group_key").first().over(keys),
    )
    duplicate = pl.col("source_row") != pl.col("_first")
    lost_group = pl.when(pl.col("group_key") != pl.col("_first_group")).then(
        " Its listing under group " + pl.col("group_key") + " is lost."
    )
    problems += (
        kept.filter(duplicate)
        .select(
            row="source_row", column=pl.lit(staging.mpn_column),
            message=pl.concat_str(
                pl.lit("Duplicate of row "), pl.col("_first").cast(pl.Utf8),
                pl.lit(" (same manufacturer part "), pl.col("_mfr"), pl.lit(" "), pl.col("_mpn"),
                pl.lit(") — row skipped, the first one is kept."), lost_group.fill_null(""),
            ),
        )
        .to_dicts()
    )  # fmt: skip
    frame = (
        kept.filter(~duplicate)
        .rename({"_mfr": "manufacturer", "_mpn": "mpn"})
        .select(CANONICAL_COLUMNS)
    )
    problems.sort(key=lambda p: (p["row"] is None, p["row"] or 0))
    return CatalogueFrame(kind=kind, frame=frame, problems=problems, encoding=encoding)
