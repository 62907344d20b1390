"""Numbers as people write them.

Decimal's own text is scientific whenever its exponent is positive or small enough:
str(Decimal("20").normalize()) is "2E+1", and a value read as 0.1 µF is "1E-7". Every number a
person or a client reads (pages, exports, the API's JSON, the command line) goes through
`plain_number`.
"""

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | int | float | None) -> str:
    """20 -> "20" (never "2E+1"), 6.0000 -> "6", 0.2500 -> "0.25", 1E-7 -> "0.0000001",
    and floats alike (50000.0 -> "50000"); None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        # Its shortest repr, written out: 50000.0 -> "50000", 1e-07 -> "0.0000001".
        value = Decimal(repr(value))
    if not isinstance(value, Decimal):
        return str(value)
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("", "-0"):
        return "0"
    return text
