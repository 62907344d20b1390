"""Quantities as BOMs write them: "3", "3.0", KiBoM's "2.0000000000000000e+00", "1,000",
"4 pcs"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# A plain decimal number, exponent allowed: KiBoM writes "2.0000000000000000e+00".
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


_COUNT_WORD = re.compile(r"\s*(?:pcs?\.?|pieces?|ea|stk\.?|st\.?|x)$", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def parse_quantity(text: str) -> tuple[Decimal | None, str | None]:
    """'3', '3.0', '2.0000000000000000e+00', '1,000', '4 pcs' -> Decimal; else (None, reason)."""
    t = text.strip().replace("\u00a0", " ")
    t = _COUNT_WORD.sub("", t)
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "").replace(" ", "")
    elif _DECIMAL_COMMA.fullmatch(t):
        t = t.replace(",", ".")
    if not NUMBER.fullmatch(t):
        return None, f"Quantity '{text}' is not a number"
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None, f"Quantity '{text}' is not a number"
    if d < 0:
        return None, f"Quantity {text} is negative"
    if d.adjusted() > 9:
        return None, f"Quantity {text} is unreasonably large"
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return d, None
