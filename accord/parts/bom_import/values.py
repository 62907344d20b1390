"""Turn EDA value notations into numeric parameters.

"4k7", "4.7k", "1R0", "u1", "8p2", "0.1µF", "10uF/16V X7R 0603 ±10%",
"CC0201_100NF_6.3V_10%_X5R", "1k@100MHz"... The original text is always kept: the
parameters are a help for comparing and searching, never a replacement.

Values are `Decimal` in SI base units (ohm, farad, henry, volt, watt, ampere,
hertz) so that "4k7" is exactly 4700, not 4699.999...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, getcontext
from functools import lru_cache

from .designators import designator_prefix

PARAMETER_UNITS: dict[str, str] = {
    "resistance": "Ω",
    "capacitance": "F",
    "inductance": "H",
    "impedance": "Ω",
    "frequency": "Hz",
    "voltage": "V",
    "current": "A",
    "power": "W",
    "tolerance_pct": "%",
    "tempco_ppm": "ppm/K",
    "dielectric": "",
    "package": "",
}

_PREFIX_EXP: dict[str, int] = {
    "f": -15,
    "p": -12,
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
}

KINDS = ("resistor", "capacitor", "inductor", "ferrite", "crystal")

_KIND_ALIASES: dict[str, str] = {
    "r": "resistor",
    "res": "resistor",
    "resistor": "resistor",
    "c": "capacitor",
    "cap": "capacitor",
    "capacitor": "capacitor",
    "l": "inductor",
    "ind": "inductor",
    "inductor": "inductor",
    "fb": "ferrite",
    "ferrite": "ferrite",
    "bead": "ferrite",
    "y": "crystal",
    "xtal": "crystal",
    "crystal": "crystal",
}

_PREFIX_KIND: dict[str, str] = {
    "R": "resistor",
    "RN": "resistor",
    "RA": "resistor",
    "RV": "resistor",
    "VR": "resistor",
    "C": "capacitor",
    "CP": "capacitor",
    "L": "inductor",
    "FB": "ferrite",
    "FL": "ferrite",
    "Y": "crystal",
    "XT": "crystal",
    "XTAL": "crystal",
}


@dataclass(frozen=True)
class ParsedValue:
    """`parameters` maps a parameter name (see PARAMETER_UNITS) to a Decimal in SI base
    units, or to a string for categorical ones (dielectric 'X7R', package '0603')."""

    original: str
    parameters: dict[str, Decimal | str] = field(default_factory=dict)
    kind: str | None = None

    @property
    def units(self) -> dict[str, str]:
        return {name: PARAMETER_UNITS.get(name, "") for name in self.parameters}

    @property
    def primary(self) -> tuple[str, Decimal] | None:
        """The main electrical value, e.g. ('resistance', Decimal('4700'))."""
        for name in ("resistance", "capacitance", "inductance", "impedance", "frequency"):
            v = self.parameters.get(name)
            if isinstance(v, Decimal):
                return name, v
        return None

    def display(self) -> str:
        """'4.7 kΩ, 1%, 0603' — for showing the interpretation next to the original."""
        bits: list[str] = []
        for name, v in self.parameters.items():
            if isinstance(v, str):
                bits.append(v)
            elif name == "tolerance_pct":
                bits.append(f"±{_plain(v)}%")
            elif name == "tempco_ppm":
                bits.append(f"{_plain(v)} ppm/K")
            else:
                bits.append(format_si(v, PARAMETER_UNITS[name]))
        return ", ".join(bits)


def _plain(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _clean(d: Decimal) -> Decimal:
    """Canonical form: 4.7E+3 -> 4700, 1.00E-7 -> 1E-7, -0 -> 0."""
    if d == 0:
        return Decimal(0)
    d = d.normalize()
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        d = d.quantize(Decimal(1))
    return d


# format_si's prefixes, largest first (femto and tera are never shown), with their thresholds.
_SHOWN_PREFIXES = [
    ("µ" if name == "u" else name, e, Decimal(1).scaleb(e))
    for name, e in sorted(_PREFIX_EXP.items(), key=lambda kv: -kv[1])
    if name not in ("f", "T")
]


def format_si(value: Decimal, unit: str) -> str:
    """Decimal('4700'), 'Ω' -> '4.7 kΩ'; Decimal('1E-7'), 'F' -> '100 nF'."""
    if value == 0:
        return f"0 {unit}".strip()
    magnitude = abs(value)
    prefix, exp3 = "p", -12
    for name, e, threshold in _SHOWN_PREFIXES:
        if magnitude >= threshold:
            prefix, exp3 = name, e
            break
    return f"{_plain(_clean(value.scaleb(-exp3)))} {prefix}{unit}"


def normalize_kind(kind: str | None, designator: str | None = None) -> str | None:
    if kind:
        k = _KIND_ALIASES.get(kind.strip().lower())
        if k:
            return k
    if designator:
        return _PREFIX_KIND.get(designator_prefix(designator))
    return None


# Glue "10 uF", "8 MHz", "470 µF" into one token before splitting on spaces.
_GLUE_UNIT = re.compile(
    r"(\d)\s+(?=[pnumkKMGu]?(?:F|H|Hz|HZ|hz|ohms?|Ohms?|OHMS?|V|A|W)(?![A-Za-z])|%|ppm)"
)
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d+\s*[pnumkKMGRFHVAW%])")
_TOLERANCE = re.compile(r"(?:\+/-|\+-)?\s*(\d+(?:\.\d+)?)\s*%")
_FRACTION_POWER = re.compile(r"(?<![\d.])(\d+)\s*/\s*(\d+)\s*W(?![A-Za-z])", re.IGNORECASE)
_SPLIT = re.compile(r"[\s,;_/@()\[\]{}]+")

_DIELECTRIC = re.compile(r"^(X[5-8][PRSTUV]|Y5V|Y5U|Z5U|C0G|COG|NP0|NPO|U2J|SL)$", re.IGNORECASE)
_PACKAGE = re.compile(
    r"^(?:[A-Z]{1,4})?(01005|0201|0402|0603|0805|1008|1206|1210|1806|1812|2010|2220|2512)$"
)
_TEMPCO = re.compile(r"^(\d+)ppm(?:/K|/°?C)?$", re.IGNORECASE)
_VOLTAGE = re.compile(r"^(\d+(?:\.\d+)?)([mkKM]?)V(?:DC|AC)?$", re.IGNORECASE)
_VOLTAGE_RNOT = re.compile(r"^(\d+)V(\d+)$", re.IGNORECASE)
_CURRENT = re.compile(r"^(\d+(?:\.\d+)?)([munkMU]?)A$")
_POWER = re.compile(r"^(\d+(?:\.\d+)?)([mkMK]?)W$")
_FREQUENCY = re.compile(r"^(\d+(?:\.\d+)?)([kKmMgG]?)HZ$", re.IGNORECASE)
_FREQUENCY_EXP = {"k": 3, "m": 6, "g": 9}  # "MHZ" and "mhz" always mean mega
# 4k7, 1R0, 8p2, 4u7, 0R15, 4K7, 4N7 (letter in place of the decimal point).
_RNOTATION = re.compile(r"^(\d+)([pnumkKMGRr])(\d+)(ohms?|Ω|F|H)?$", re.IGNORECASE)
# u1, n47, R47 (leading letter = "0.").
_LEADING = re.compile(r"^([pnuR])(\d+)(ohms?|F|H)?$", re.IGNORECASE)
_STANDARD = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)([pnumkKMGT]?)(ohms?|R|F|H)?$", re.IGNORECASE)

_UNIT_QUANTITY = {
    "F": "capacitance",
    "H": "inductance",
    "OHM": "resistance",
    "OHMS": "resistance",
    "R": "resistance",
}


_LOWER_EXP: dict[str, int] = {"f": -15, "p": -12, "n": -9, "u": -6, "k": 3, "g": 9, "t": 12}


def _prefix_exp(letter: str, quantity: str | None) -> int:
    """Exponent for an SI prefix letter, resolving case the way BOMs use it."""
    if letter == "m":
        return -3
    if letter == "M":
        # Upper-case descriptions write "10MH", "500MA": nobody means mega-henry.
        return -3 if quantity in ("capacitance", "inductance", "current", "power", "voltage") else 6
    return _LOWER_EXP.get(letter.lower(), 0)


def _scaled(mantissa: str, letter: str, quantity: str | None) -> Decimal:
    return _clean(Decimal(mantissa).scaleb(_prefix_exp(letter, quantity)))


def _main_quantity(letter: str, unit: str, kind: str | None) -> str | None:
    """Which physical quantity a value token denotes, from its unit, then the kind."""
    u = unit.upper()
    if u in _UNIT_QUANTITY:
        q = _UNIT_QUANTITY[u]
        if q == "resistance" and kind in ("ferrite", "inductor"):
            return "impedance"
        return q
    lower = letter.lower()
    if kind == "resistor":
        return "resistance"
    if kind == "ferrite":
        return "impedance"
    if kind == "crystal":
        return "frequency" if lower in ("k", "m", "g") else None
    if kind == "capacitor":
        return "capacitance" if lower in ("p", "n", "u", "m") or letter == "f" else None
    if kind == "inductor":
        # An "L" with a value like "1k" or "600" is a ferrite bead rated in ohms.
        return "inductance" if lower in ("p", "n", "u", "m") else "impedance"
    if lower in ("p", "n", "u"):
        return "capacitance"
    if lower in ("k", "g", "r") or letter == "M":
        return "resistance"
    return None


def _value_token(token: str, kind: str | None, *, whole: bool = True) -> tuple[str, Decimal] | None:
    m = _RNOTATION.match(token)
    if m:
        integer, letter, frac, unit = m.groups()
        quantity = _main_quantity(
            "" if letter in "Rr" else letter, unit or ("R" if letter in "Rr" else ""), kind
        )
        if quantity is None:
            return None
        exp_letter = "" if letter in "Rr" else letter
        return quantity, _scaled(f"{integer}.{frac}", exp_letter, quantity)
    # "u1" / "R47" only when it is the whole value: inside "U3_RXD" it is a name.
    m = _LEADING.match(token) if whole else None
    if m:
        letter, digits, unit = m.groups()
        is_r = letter in "Rr"
        quantity = _main_quantity("" if is_r else letter, unit or ("R" if is_r else ""), kind)
        if quantity is None:
            return None
        return quantity, _scaled(f"0.{digits}", "" if is_r else letter, quantity)
    m = _STANDARD.match(token)
    if m:
        number, letter, unit = m.groups()
        if not unit and not letter and kind not in ("resistor", "ferrite"):
            return None  # a bare number only means ohms when we know it is a resistor
        quantity = _main_quantity(letter, unit or "", kind)
        if quantity is None:
            return None
        return quantity, _scaled(number, letter, quantity)
    return None


def _normalise_text(text: str) -> str:
    s = text.replace("\u00b5", "u").replace("\u03bc", "u")
    s = s.replace("\u03a9", "ohm").replace("\u2126", "ohm").replace("±", "+/-")
    s = _DECIMAL_COMMA.sub(".", s)
    return _GLUE_UNIT.sub(r"\1", s)


def parse_value(text: str, kind: str | None = None, designator: str | None = None) -> ParsedValue:
    """Parse a BOM value cell. Never raises: unknown text gives no parameters.

    `kind` ('resistor', 'capacitor', 'inductor', 'ferrite', 'crystal' or R/C/L) or
    the first `designator` (prefix R/C/L/FB/Y) decides what a unitless "4k7" is.
    """
    original = text if isinstance(text, str) else str(text)
    resolved_kind = normalize_kind(kind, designator)
    if not original.strip() or len(original) > 500:
        return ParsedValue(original, {}, resolved_kind)
    context = getcontext()
    parameters = _parameters(original, resolved_kind, context.prec, context.rounding)
    return ParsedValue(original, dict(parameters), resolved_kind)


# A BOM repeats its values ("100n", "10k") on hundreds of lines, and the importer reads each
# line's value more than once: each (text, kind) is parsed once. Cached as immutable pairs, so
# that no caller can change what the next one gets; keyed on the decimal context's precision
# and rounding too, which the arithmetic below follows (value_keys.py parses with 100 digits).
@lru_cache(maxsize=8192)
def _parameters(
    original: str, resolved_kind: str | None, precision: int, rounding: str | None
) -> tuple[tuple[str, Decimal | str], ...]:
    params: dict[str, Decimal | str] = {}
    try:
        s = _normalise_text(original)

        def take_tolerance(m: re.Match[str]) -> str:
            params.setdefault("tolerance_pct", _clean(Decimal(m.group(1))))
            return " "

        def take_fraction(m: re.Match[str]) -> str:
            num, den = int(m.group(1)), int(m.group(2))
            if den:
                watts = (
                    (Decimal(num) / Decimal(den)).quantize(Decimal("1E-9"))
                    if num % den
                    else Decimal(num // den)
                )
                params.setdefault("power", _clean(watts))
            return " "

        s = _TOLERANCE.sub(take_tolerance, s)
        s = _FRACTION_POWER.sub(take_fraction, s)
        tokens = [t for t in _SPLIT.split(s) if t]
        for token in tokens:
            _classify_token(token, resolved_kind, params, whole=len(tokens) == 1)
    except (InvalidOperation, ValueError, KeyError):
        # Defensive: a notation we did not foresee must not break an import.
        params = {}
    # Canonical order (main value first) so display() reads naturally.
    return tuple((name, params[name]) for name in PARAMETER_UNITS if name in params)


def _classify_token(
    token: str, kind: str | None, params: dict[str, Decimal | str], *, whole: bool
) -> None:
    if m := _DIELECTRIC.match(token):
        d = m.group(1).upper().replace("COG", "C0G").replace("NPO", "NP0")
        params.setdefault("dielectric", d)
    elif m := _PACKAGE.match(token):
        params.setdefault("package", m.group(1))
    elif m := _TEMPCO.match(token):
        params.setdefault("tempco_ppm", _clean(Decimal(m.group(1))))
    elif m := _FREQUENCY.match(token):
        letter = m.group(2)
        exp = _FREQUENCY_EXP.get(letter.lower(), 0)
        params.setdefault("frequency", _clean(Decimal(m.group(1)).scaleb(exp)))
    elif m := _VOLTAGE_RNOT.match(token):
        params.setdefault("voltage", _clean(Decimal(f"{m.group(1)}.{m.group(2)}")))
    elif m := _VOLTAGE.match(token):
        params.setdefault("voltage", _scaled(m.group(1), m.group(2), "voltage"))
    elif m := _CURRENT.match(token):
        params.setdefault("current", _scaled(m.group(1), m.group(2), "current"))
    elif m := _POWER.match(token):
        params.setdefault("power", _scaled(m.group(1), m.group(2), "power"))
    else:
        found = _value_token(token, kind, whole=whole)
        if found and not any(
            k in params for k in ("resistance", "capacitance", "inductance", "impedance")
        ):
            name, value = found
            if name == "frequency":
                params.setdefault("frequency", value)
            else:
                params[name] = value
