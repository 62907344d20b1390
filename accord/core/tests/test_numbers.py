"""Numbers as people write them: never scientific notation, the same value back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.numbers import plain_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("20").normalize(), "20"),
        (Decimal("100").normalize(), "100"),
        (Decimal("6.0000"), "6"),
        (Decimal("0.2500"), "0.25"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("-0.0"), "0"),
        (Decimal("0E+3"), "0"),
        (7, "7"),
        (50000.0, "50000"),
        (1e-07, "0.0000001"),
        (2.5e20, "250000000000000000000"),
        (-0.0, "0"),
        (None, ""),
    ],
)
def test_plain_numbers(value: Decimal | int | float | None, text: str) -> None:
    assert plain_number(value) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12))
def test_any_decimal_reads_back_as_itself_without_an_exponent(value: Decimal) -> None:
    text = plain_number(value)
    assert "E" not in text.upper()
    assert Decimal(text) == value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_reads_back_as_itself_without_an_exponent(value: float) -> None:
    text = plain_number(value)
    assert "E" not in text.upper()
    assert float(text) == value
