"""Keys used to match manufacturers and MPNs however a file spells them.

One definition, in a scalar form (BOM import, services) and a vectorised Polars form
(catalogue import), tested to agree, so the two importers can never drift apart.

The scalar forms are cached: a BOM names a handful of manufacturers on thousands of rows, and
the importer asks for the keys of each row several times (matching, the ambiguity check, the
write); one key takes 5-25 us to work out, which made up a fifth of a 5,000-line import.
Polars is imported by the vectorised forms only (through their callers): commands and requests
that need the scalar keys do not pay for loading it (about 0.3 s of start-up).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# The lengths of the columns the keys are stored in (Manufacturer.key, ManufacturerPart.mpn_key):
# a key is cut to fit here, once, so that what is stored and what is looked up are the same key
# (and PostgreSQL, which refuses a longer value, never sees one).
MANUFACTURER_KEY_LENGTH = 200
MPN_KEY_LENGTH = 120

# --------------------------------------------------------------------------- manufacturer key

MANUFACTURER_ALIASES: dict[str, str] = {
    "TI": "Texas Instruments", "ADI": "Analog Devices",
    "Linear Technology/Analog Devices": "Analog Devices",  # Digi-Key's label for LT parts
    "ST": "STMicroelectronics", "ST Micro": "STMicroelectronics",
    "ST Microelectronics": "STMicroelectronics", "NXP Semiconductors": "NXP",
    "ON": "onsemi", "ON Semi": "onsemi", "ON Semiconductor": "onsemi",
    "Microchip Technology": "Microchip", "Panasonic Electronic Components": "Panasonic",
    "Yageo Corporation": "Yageo", "SEMCO": "Samsung Electro-Mechanics",
    "Samsung Electromechanics": "Samsung Electro-Mechanics", "TDK Corporation": "TDK",
    "EPCOS": "TDK", "EPCOS - TDK Electronics": "TDK", "KEMET Corporation": "KEMET",
    "Vishay Dale": "Vishay", "Vishay Siliconix": "Vishay", "Vishay Beyschlag": "Vishay",
    "Vishay BC Components": "Vishay", "Vishay Sfernice": "Vishay", "Vishay Draloric": "Vishay",
    "Vishay Vitramon": "Vishay", "Vishay Sprague": "Vishay",
    "Vishay General Semiconductor": "Vishay", "Vishay Semiconductor Opto Division": "Vishay",
    "Vishay Intertechnology": "Vishay",
    "Wurth": "Würth Elektronik", "Wuerth Elektronik": "Würth Elektronik",
    "Würth Elektronik eiSos": "Würth Elektronik",
    "FCI": "Amphenol ICC", "Amphenol FCI": "Amphenol ICC", "Amphenol ICC (FCI)": "Amphenol ICC",
    "Amphenol ICC (Commercial Products)": "Amphenol ICC",
    "Taiyo Yuden Co., Ltd.": "Taiyo Yuden", "Littlefuse": "Littelfuse",  # classic misspelling
    "Diodes Inc.": "Diodes Incorporated", "Diodes": "Diodes Incorporated",
    "Nexperia USA Inc.": "Nexperia", "Infineon Technologies": "Infineon",
    "Maxim": "Maxim Integrated", "Maxim Integrated Products": "Maxim Integrated",
    "TE": "TE Connectivity", "Tyco Electronics": "TE Connectivity",
    "TE Connectivity AMP Connectors": "TE Connectivity", "TE Connectivity / AMP": "TE Connectivity",
    "Silicon Labs": "Silicon Laboratories", "Allegro": "Allegro MicroSystems",
    "Toshiba Semiconductor and Storage": "Toshiba", "Hirose Electric": "Hirose",
    "JST Sales America": "JST", "Sullins Connector Solutions": "Sullins",
    "Omron Electronics Inc-EMC Div": "Omron", "MPD (Memory Protection Devices)": "MPD",
    "Knowles Acoustics": "Knowles", "Visual Communications Company - VCC": "VCC",
    "Pulse Electronics Network": "Pulse", "Pulse Electronics": "Pulse",
    "FTDI, Future Technology Devices International Ltd": "FTDI",
    "Future Technology Devices International": "FTDI",
    "ISSI, Integrated Silicon Solution Inc": "ISSI", "Integrated Silicon Solution": "ISSI",
    "IDT, Integrated Device Technology Inc": "IDT", "Integrated Device Technology": "IDT",
    "M/A-Com Technology Solutions": "MACOM",
}  # fmt: skip

_SUFFIXES = (
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
    "plc", "gmbh", "ag", "kg", "sa", "nv", "bv", "srl", "spa", "oy", "ab", "asa", "kk", "pty",
    "pte", "sas", "sarl", "se", "lp", "llp", "electronic components", "electronics",
    "components", "semiconductors", "semiconductor", "technologies", "technology",
    "manufacturing", "mfg", "industries", "group", "holdings", "usa", "north america",
    "americas", "america", "europe",
)  # fmt: skip
# A literal space, not \s: Python and Rust disagree on what \s contains.
_SUFFIX_RE = "(?: (?:" + "|".join(sorted(_SUFFIXES, key=len, reverse=True)) + "))+$"
_SUFFIX_PY = re.compile(_SUFFIX_RE)
_APOSTROPHES = "[.'\u2019`]"  # deleted, not spaced: "B.V." must equal "BV"


def _base_manufacturer_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    text = re.sub(_APOSTROPHES, "", text.lower().replace("ß", "ss"))
    text = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text)
    return _SUFFIX_PY.sub("", " ".join(text.split()))


_ALIAS_KEYS: dict[str, str] = {
    _base_manufacturer_key(alias): _base_manufacturer_key(canonical)
    for alias, canonical in MANUFACTURER_ALIASES.items()
}


@lru_cache(maxsize=8192)
def manufacturer_key(name: str | None) -> str:
    """Matching key for a manufacturer name ("Murata Electronics" -> "murata")."""
    if not name:
        return ""
    key = _base_manufacturer_key(name)
    return _ALIAS_KEYS.get(key, key)[:MANUFACTURER_KEY_LENGTH].rstrip(" ")


def manufacturer_key_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised `manufacturer_key`; "" for null or punctuation-only names."""
    key = (
        expr.fill_null("").str.normalize("NFKD").str.replace_all(r"\p{M}+", "")
        .str.to_lowercase().str.replace_all("ß", "ss", literal=True)
        .str.replace_all(_APOSTROPHES, "").str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars(" ").str.replace(_SUFFIX_RE, "")
    )  # fmt: skip
    return key.replace(_ALIAS_KEYS).str.slice(0, MANUFACTURER_KEY_LENGTH).str.strip_chars_end(" ")


# --------------------------------------------------------------------------------- mpn key

# Invisible format characters sneak in through copy/paste from web pages and PDFs.
_MPN_DROP = sorted(
    set(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\xad\u1680\u180e\u2028\u2029\u202f\u205f")
    | {chr(c) for c in range(0x2000, 0x2010)}  # typographic spaces, zero-width characters
    | set("\u2060\u3000\ufeff-./_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
)
# One character set, written out twice: once for Python's re, once for Rust's regex.
_MPN_DROP_PY = re.compile("[" + "".join(f"\\u{ord(c):04x}" for c in _MPN_DROP) + "]")
_MPN_DROP_RS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _MPN_DROP) + "]"


@lru_cache(maxsize=16384)
def mpn_key(text: str | None) -> str:
    """Matching key for an MPN ("erj-3ekf1001v" -> "ERJ3EKF1001V"); see module docstring."""
    if not text:
        return ""
    return _MPN_DROP_PY.sub("", unicodedata.normalize("NFKC", text).upper())[:MPN_KEY_LENGTH]


def mpn_key_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised `mpn_key` (same rules, same results)."""
    return (
        expr.fill_null("")
        .str.normalize("NFKC")
        .str.to_uppercase()
        .str.replace_all(_MPN_DROP_RS, "")
        .str.slice(0, MPN_KEY_LENGTH)
    )
