"""Value keys: the Python (one part, a search's words) and Polars (whole columns) computations
give the same keys, on real catalogues and on any text hypothesis makes up."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.demo import data_path
from accord.parts.catalogue_parse import parse_catalogue
from accord.parts.value_keys import (
    describe_value_keys,
    key_value,
    part_value_keys,
    search_words,
    value_key,
    value_keys_column,
)

DEMO_CATALOGUES = [
    ("parts", "Digi-Key_digikey-kicad-library", "digikey_kicad_library_parts_flattened.csv"),
    ("parts", "octopart_CPL-Data", "cpl_parts_with_alternates_flattened.csv"),
]


def both(rows: list[tuple[str | None, str | None, str | None]]) -> tuple[list[str], list[str]]:
    """(Polars, Python) keys of the same rows."""
    value, description, category = (list(c) for c in zip(*rows, strict=True))
    column = value_keys_column(value, description, category).to_list()
    return column, [part_value_keys(*row) for row in rows]


@pytest.mark.parametrize(
    ("value", "description", "category", "keys"),
    [
        ("100n", "Capacitor 100nF 10V X5R 0402", "Capacitors", "q1em07f"),
        ("10k", "Resistor 10k 1% 0402", "Resistors", "q1ep04r"),
        # No value: the description's, main value and voltage.
        ("", "CAP CER 0.1UF 10V X5R 0402", "Capacitors > Ceramic Capacitors", "q1em07f q1ep01v"),
        ("", "RES 10K OHM 1% 1/16W 0402", None, "q1ep04r"),  # the kind from RES
        # A bare number in a description is a count, not ohms.
        ("", "RES ARRAY 8 RES 10K OHM 9SIP", "Resistors > Resistor Networks", "q1ep04r"),
        ("", "FERRITE BEAD 600 OHM 0603 1LN", "Filters > Ferrite Beads and Chips", "q6ep02r"),
        ("10 kΩ", "", None, "q1ep04r"),
        ("4k7", "", None, "q47ep02r"),
        ("4u7", "", "Inductors", "q47em07h"),  # as the part's kind reads it
        ("4u7", "", "Capacitors", "q47em07f"),
        ("4,7µF", "", None, "q47em07f"),
        ("1R5", "", None, "q15em01r"),
        ("470", "", "Resistors", "q47ep01r"),  # a bare number is a resistor's ohms
        ("470", "", "Capacitors", ""),
        ("0R", "", None, "q0ep00r"),
        ("24M", "", "Crystals", "q24ep06z"),
        ("", "16 MHz Crystal", "Crystals/Oscillators", "q16ep06z"),
        ("", "IC REG LINEAR 3.3V 1A SOT223", "Integrated Circuits (ICs)", "q33em01v q1ep00a"),
        # A connector's "7P" is seven pins: a description's main value needs a known kind.
        ("", "TERM BLK 7P SIDE ENT 5.08MM PCB", "Connectors, Interconnects", ""),
        ("DNP", "", None, ""),
        ("1" * 41 + "k", "", None, ""),  # no key for a number past 40 digits
    ],
)
def test_part_value_keys(value: str, description: str, category: str | None, keys: str) -> None:
    assert part_value_keys(value, description, category) == keys
    assert value_keys_column([value], [description], [category]).to_list() == [keys]


def test_a_key_reads_back_as_its_value() -> None:
    assert value_key("capacitance", Decimal("1E-7")) == "q1em07f"
    assert key_value("q1em07f") == ("capacitance", Decimal("1E-7"), "F")
    assert key_value("q47ep02r") == ("resistance", Decimal("4700"), "Ω")
    assert key_value("nonsense") is None
    assert describe_value_keys("q1em07f q1ep01v") == "100 nF, 10 V"


@pytest.mark.parametrize("path", DEMO_CATALOGUES, ids=lambda p: p[1])
def test_polars_and_python_agree_on_the_demo_catalogues(path: tuple[str, ...]) -> None:
    frame = parse_catalogue(data_path(*path).read_bytes(), path[-1]).frame
    rows = list(frame.select("value", "description", "category").iter_rows())
    column, python = both(rows)
    assert column == python
    assert sum(1 for keys in column if keys) > 400  # hundreds of parts have values


CATEGORIES = st.sampled_from(
    [None, "", "Resistors", "Capacitors", "Inductors", "Ferrite beads", "Crystals", "ICs"]
) | st.text(max_size=12)
ANY_TEXT = st.none() | st.text(max_size=40)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ANY_TEXT, ANY_TEXT, CATEGORIES), min_size=1, max_size=40))
def test_polars_and_python_agree_on_any_text(
    rows: list[tuple[str | None, str | None, str | None]],
) -> None:
    column, python = both(rows)
    assert column == python


def _number() -> st.SearchStrategy[str]:
    whole = st.integers(0, 9999).map(str)
    return st.one_of(
        whole,
        st.builds(lambda a, b: f"{a}.{b}", whole, st.integers(0, 999)),
        st.builds(lambda a, b: f"{a},{b}", whole, st.integers(0, 99)),
        st.integers(0, 99).map(lambda b: f".{b}"),
    )


PREFIXES = st.sampled_from([*"pnuµμmkKMGRrTtPNU", ""])
UNITS = st.sampled_from(
    ["", "F", "f", "H", "h", "Ω", "Ω", "ohm", "Ohm", "OHMS", "R", "V", "v", "A", "W", "Hz",
     "HZ", "%", "ppm", "VDC"]
)  # fmt: skip
SPACE = st.sampled_from(["", "", " "])
VALUE_TOKEN = st.one_of(
    st.builds(lambda n, s, p, u: f"{n}{s}{p}{u}", _number(), SPACE, PREFIXES, UNITS),
    st.builds(
        lambda a, p, b, u: f"{a}{p}{b}{u}",
        st.integers(0, 999),
        st.sampled_from(list("pnumkKMGRr")),
        st.integers(0, 99),
        st.sampled_from(["", "F", "H", "ohm", "Ω"]),
    ),
    st.builds(lambda p, b: f"{p}{b}", st.sampled_from(list("pnuRr")), st.integers(0, 99)),
    st.sampled_from(
        ["CAP", "RES", "IND", "CER", "X7R", "C0G", "NPO", "0402", "C0603", "±5%", "+/-1%",
         "1/16W", "1/10 W", "6V3", "4V7", "16MHZ", "500MA", "24P", "100PPM", "0.25W", "5%",
         "TERM", "BLK", "Capacitor", "Resistor", "ferrite", "bead", "crystal", "1k@100MHz"]
    ),
)  # fmt: skip
SEPARATOR = st.sampled_from([" ", " ", ", ", "_", "/", " @ ", ";", "(", ")", "  "])
VALUE_TEXT = st.builds(
    lambda tokens, seps: "".join(t + s for t, s in zip(tokens, seps, strict=False)),
    st.lists(VALUE_TOKEN, min_size=1, max_size=6),
    st.lists(SEPARATOR, min_size=6, max_size=6),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.none() | VALUE_TEXT, st.none() | VALUE_TEXT, CATEGORIES),
        min_size=1,
        max_size=40,
    )
)
def test_polars_and_python_agree_on_value_notations(
    rows: list[tuple[str | None, str | None, str | None]],
) -> None:
    column, python = both(rows)
    assert column == python


# Characters values are written with, and those where the two regex engines could part ways:
# Unicode digits, the Kelvin sign and long s (which fold to k and s), control separators.
SOUP = st.lists(
    st.sampled_from(
        [*"0123456789.,/ %±µμΩΩωkKmMnNuUpPrRfFhHvVaAwWzZ@_-+;()oOsS\t\x1c", "ohm", "Hz", "ppm",
         "X7R", "0402", "\u0663", "\u212a", "\u017f", "İ", "ı"]
    ),
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.none() | SOUP, st.none() | SOUP, CATEGORIES), min_size=1, max_size=40))
def test_polars_and_python_agree_on_character_soup(
    rows: list[tuple[str | None, str | None, str | None]],
) -> None:
    column, python = both(rows)
    assert column == python


# The words of a search


def _key(q: str) -> str | None:
    [word] = search_words(q)
    return word.key


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["10 kΩ", "10kΩ", "10 kohm", "10K ohm", "10kohm"], "q1ep04r"),  # says ohms
        (["10k", "10K", "10000", "10000.0"], "q1ep04"),  # any unit
        (["100nF", "0.1µF", "0.1uF", "0.1 µF", "100 nF", "0,1µF"], "q1em07f"),
        (["100n", "0.1u", "u1"], "q1em07"),
        (["4.7uF", "4µ7F", "4u7F"], "q47em07f"),
        (["4u7", "4µ7", "4.7u"], "q47em07"),
        (["1R5", "1.5Ω", "1.5 ohm", "1r5"], "q15em01r"),
        (["100nH", "0.1uH"], "q1em07h"),
        (["3.3V", "3V3", "3.3 V"], "q33em01v"),
        (["32MHz", "32 MHz", "32000kHz"], "q32ep06z"),
    ],
)
def test_value_words_typed_every_way_give_one_key(spellings: list[str], key: str) -> None:
    assert {_key(q) for q in spellings} == {key}


@pytest.mark.parametrize("q", ["0402", "murata", "GRM155", "X7R", "1%", "ERJ-2RKF1002X"])
def test_other_words_are_text_only(q: str) -> None:
    assert _key(q) is None


def test_search_words_keep_at_most_five_words_and_the_literal_text() -> None:
    words = search_words("Resistor 10 kΩ 0402 1% thick film extra")
    assert [(w.text, w.key) for w in words] == [
        ("resistor", None),
        ("10 kω", "q1ep04r"),
        ("0402", None),
        ("1%", None),
        ("thick", None),
    ]


def test_polars_keys_of_a_large_column_are_computed_at_once() -> None:
    """26,000 parts (the size of a real catalogue) in one vectorised pass, not row by row."""
    n = 26_000
    values = pl.Series([f"{i % 999 + 1}n" if i % 3 else "" for i in range(n)])
    descriptions = pl.Series([f"CAP CER {i % 90 + 1}UF 10V X5R 0402" for i in range(n)])
    column = value_keys_column(values, descriptions, pl.Series(["Capacitors"] * n))
    assert column.len() == n
    assert column[1] == "q2em09f" and column[0] == "q1em06f q1ep01v"
