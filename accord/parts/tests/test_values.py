"""Value notation parsing: EDA shorthand to exact SI Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.parts.bom_import.values import format_si, parse_value

D = Decimal


@pytest.mark.parametrize(
    ("text", "kind", "designator", "expected"),
    [
        ("4k7", None, None, {"resistance": D(4700)}),
        ("4.7k", None, None, {"resistance": D(4700)}),
        ("4.7k", "resistor", None, {"resistance": D(4700)}),
        ("4K7", None, "R14", {"resistance": D(4700)}),
        ("1R0", None, None, {"resistance": D(1)}),
        ("0R", None, None, {"resistance": D(0)}),
        ("0R15", None, None, {"resistance": D("0.15")}),
        ("470", None, "R1", {"resistance": D(470)}),
        ("1M", "resistor", None, {"resistance": D(1_000_000)}),
        ("100n", "capacitor", None, {"capacitance": D("1E-7")}),
        ("100n", None, "C4", {"capacitance": D("1E-7")}),
        ("0.1uF", None, None, {"capacitance": D("1E-7")}),
        ("0.1\u00b5F", None, None, {"capacitance": D("1E-7")}),  # MICRO SIGN
        ("0.1\u03bcF", None, None, {"capacitance": D("1E-7")}),  # GREEK SMALL LETTER MU
        ("u1", None, None, {"capacitance": D("1E-7")}),
        ("8p2", None, None, {"capacitance": D("8.2E-12")}),
        ("4u7", None, "C1", {"capacitance": D("4.7E-6")}),
        ("4u7", None, "L10", {"inductance": D("4.7E-6")}),
        ("10uF/16V", None, None, {"capacitance": D("1E-5"), "voltage": D(16)}),
        (
            "10uF 16V X7R 0603 \u00b110%",
            None,
            None,
            {
                "capacitance": D("1E-5"),
                "voltage": D(16),
                "tolerance_pct": D(10),
                "dielectric": "X7R",
                "package": "0603",
            },
        ),
        ("\u00b11%", None, None, {"tolerance_pct": D(1)}),
        ("1%", None, None, {"tolerance_pct": D(1)}),
        ("+/-5%", None, None, {"tolerance_pct": D(5)}),
        (
            "1n 50V C0G",
            None,
            "C90",
            {"capacitance": D("1E-9"), "voltage": D(50), "dielectric": "C0G"},
        ),
        ("100p NPO", None, None, {"capacitance": D("1E-10"), "dielectric": "NP0"}),
        ("Y5V", None, None, {"dielectric": "Y5V"}),
        ("1/8W", None, None, {"power": D("0.125")}),
        ("0.125W", None, None, {"power": D("0.125")}),
        ("2A", None, None, {"current": D(2)}),
        ("10MHz", None, None, {"frequency": D(10_000_000)}),
        ("32.768kHz", None, None, {"frequency": D(32768)}),
        ("24M", None, "Y1", {"frequency": D(24_000_000)}),
        ("6V3", None, None, {"voltage": D("6.3")}),
        (
            "470UF_16V_20%",
            None,
            None,
            {"capacitance": D("0.00047"), "voltage": D(16), "tolerance_pct": D(20)},
        ),
        (
            "R0201_200R_1%_0.05W_200PPM",
            None,
            "R59",
            {
                "resistance": D(200),
                "power": D("0.05"),
                "tolerance_pct": D(1),
                "tempco_ppm": D(200),
                "package": "0201",
            },
        ),
        ("600R, 0.5A", None, "FB1", {"impedance": D(600), "current": D("0.5")}),
        ("1k@100MHz", None, "L35", {"impedance": D(1000), "frequency": D(100_000_000)}),
        ("4.7k\u03a9", None, None, {"resistance": D(4700)}),
        ("500uOhm", None, "R27", {"resistance": D("0.0005")}),
        ("4,7\u00b5F", None, None, {"capacitance": D("4.7E-6")}),
    ],
)
def test_examples(
    text: str, kind: str | None, designator: str | None, expected: dict[str, object]
) -> None:
    parsed = parse_value(text, kind=kind, designator=designator)
    assert parsed.original == text
    assert parsed.parameters == expected


@pytest.mark.parametrize(
    "text", ["", "GRN", "USB_C_USB2.0", "U3_RXD", "=1+2", "SKY13350", "Testpoint", "10NF?"]
)
def test_unparseable_text_gives_no_main_value(text: str) -> None:
    parsed = parse_value(text)
    assert parsed.primary is None


def test_exactness_and_units() -> None:
    parsed = parse_value("4k7")
    assert (
        parsed.parameters["resistance"] == 4700 and str(parsed.parameters["resistance"]) == "4700"
    )
    assert parsed.units == {"resistance": "\u03a9"}
    assert parsed.primary == ("resistance", D(4700))
    assert format_si(D(4700), "\u03a9") == "4.7 k\u03a9"
    assert format_si(D("1E-7"), "F") == "100 nF"
    assert (
        parse_value("0201, 22ohm, 1/16W, 1%", designator="R12").display()
        == "22 \u03a9, 62.5 mW, \u00b11%, 0201"
    )


RESISTOR_PREFIXES = {"R": 0, "m": -3, "k": 3, "K": 3, "M": 6, "G": 9}
REACTIVE_PREFIXES = {"p": -12, "P": -12, "n": -9, "N": -9, "u": -6, "U": -6, "m": -3}

MANTISSA = st.builds(
    lambda whole, frac_digits, frac: (
        D(f"{whole}.{str(frac).zfill(frac_digits)}") if frac_digits else D(whole)
    ),
    st.integers(0, 999),
    st.integers(0, 2),
    st.integers(0, 99),
).filter(lambda d: d > 0)


def _styles(mantissa: Decimal, letter: str) -> tuple[str, str]:
    """('4k7', '4.7k') for the same number."""
    text = format(mantissa, "f")
    whole, _, frac = text.partition(".")
    rnotation = f"{whole}{letter}{frac}"
    standard = f"{text}{'' if letter == 'R' else letter}"
    return rnotation, standard


@settings(max_examples=300, deadline=None)
@given(MANTISSA, st.sampled_from(sorted(RESISTOR_PREFIXES)))
def test_resistor_notations_agree(mantissa: Decimal, letter: str) -> None:
    expected = mantissa.scaleb(RESISTOR_PREFIXES[letter])
    rnotation, standard = _styles(mantissa, letter)
    for text in (rnotation, standard):
        value = parse_value(text, kind="resistor").parameters["resistance"]
        assert value == expected, text
        assert isinstance(value, Decimal)


@settings(max_examples=300, deadline=None)
@given(
    MANTISSA,
    st.sampled_from(sorted(REACTIVE_PREFIXES)),
    st.sampled_from(["capacitor", "inductor"]),
    st.booleans(),
)
def test_capacitor_and_inductor_notations_agree(
    mantissa: Decimal, letter: str, kind: str, with_unit: bool
) -> None:
    expected = mantissa.scaleb(REACTIVE_PREFIXES[letter])
    name = "capacitance" if kind == "capacitor" else "inductance"
    unit = ("F" if kind == "capacitor" else "H") if with_unit else ""
    rnotation, standard = _styles(mantissa, letter)
    for text in (rnotation, standard + unit):
        assert parse_value(text, kind=kind).parameters[name] == expected, text


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=120), st.sampled_from([None, "resistor", "capacitor", "inductor", "R", "junk"])
)
def test_never_raises_and_keeps_original(text: str, kind: str | None) -> None:
    parsed = parse_value(text, kind=kind)
    assert parsed.original == text
