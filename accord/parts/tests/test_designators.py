"""Reference designator parsing: examples from real BOMs plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.parts.bom_import.designators import (
    MAX_RANGE_SIZE,
    format_designators,
    natural_key,
    natural_sorted,
    parse_designators,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C1, C3, C5", ["C1", "C3", "C5"]),
        ("C1 C14 C19 ", ["C1", "C14", "C19"]),  # KiCad XSL export with trailing space
        ("C1;C2;", ["C1", "C2"]),
        ("C1,C2,", ["C1", "C2"]),
        ("C1\nC2\r\nC3", ["C1", "C2", "C3"]),
        ("C1\tC2", ["C1", "C2"]),
        ("C1-C4", ["C1", "C2", "C3", "C4"]),
        ("C1-4", ["C1", "C2", "C3", "C4"]),
        ("R10..R12", ["R10", "R11", "R12"]),
        ("R10 .. R12", ["R10", "R11", "R12"]),
        ("C1 - C3, r7", ["C1", "C2", "C3", "r7"]),
        ("c1, Led2", ["c1", "Led2"]),  # as written
        ("LDx, r1-R2", ["LDx", "r1", "r2"]),
        ("R01-R03", ["R01", "R02", "R03"]),
        ("U1-1", ["U1-1"]),  # a sub-unit name, not a backwards range
        ("", []),
        ("   ", []),
    ],
)
def test_examples(text: str, expected: list[str]) -> None:
    assert parse_designators(text).designators == expected


def test_duplicates_within_a_cell_are_reported_once() -> None:
    parsed = parse_designators("Q1, Q2, Q3, Q3, Q5, Q2")
    assert parsed.designators == ["Q1", "Q2", "Q3", "Q5"]
    assert parsed.duplicates == ["Q3", "Q2"]


def test_huge_range_is_a_problem_not_a_list() -> None:
    parsed = parse_designators(f"R1-R{MAX_RANGE_SIZE + 1}, C1")
    assert parsed.designators == ["C1"]
    assert parsed.problems and "limit is 10,000" in parsed.problems[0]
    assert len(parse_designators(f"R1-R{MAX_RANGE_SIZE}").designators) == MAX_RANGE_SIZE


def test_unusual_tokens_are_kept_but_flagged() -> None:
    parsed = parse_designators("U$1, ??, R1")
    assert parsed.designators == ["U$1", "??", "R1"]
    assert parsed.unusual == ["??"]


def test_natural_sort() -> None:
    assert natural_sorted(["C10", "C2", "R1", "C1", "R1A", "LED1"]) == [
        "C1",
        "C2",
        "C10",
        "LED1",
        "R1",
        "R1A",
    ]
    assert natural_key("c2") == natural_key("C2")


def test_format_is_comma_space_natural_order() -> None:
    assert format_designators(["c10", "C2", "C1", "c2"]) == "C1, C2, c10"


def test_case_is_kept_as_written_and_ignored_when_comparing() -> None:
    parsed = parse_designators("LDx, ldx, LD1, ld1")
    assert (parsed.designators, parsed.duplicates) == (["LDx", "LD1"], ["ldx", "ld1"])


PREFIXES = st.sampled_from(["R", "C", "L", "U", "Q", "D", "J", "TP", "LED", "FB", "SW", "RN", "Y"])
DESIGNATOR = st.builds(lambda p, n: f"{p}{n}", PREFIXES, st.integers(1, 9999))
SEPARATORS = st.sampled_from([",", ", ", ";", "; ", " ", "  ", "\n", "\r\n", "\t", " ,\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(DESIGNATOR, max_size=60))
def test_format_then_parse_round_trips(designators: list[str]) -> None:
    expected = natural_sorted(dict.fromkeys(designators))
    assert parse_designators(format_designators(designators)).designators == expected
    assert format_designators(
        parse_designators(format_designators(designators)).designators
    ) == format_designators(designators)


@settings(max_examples=200, deadline=None)
@given(
    PREFIXES,
    st.integers(0, 5000),
    st.integers(1, 400),
    st.sampled_from(["{p}{a}-{p}{b}", "{p}{a}-{b}", "{p}{a}..{p}{b}", "{p}{a} - {p}{b}"]),
)
def test_ranges_expand_to_the_right_count(
    prefix: str, start: int, extra: int, pattern: str
) -> None:
    end = start + extra
    parsed = parse_designators(pattern.format(p=prefix, a=start, b=end))
    assert len(parsed.designators) == end - start + 1
    assert (
        parsed.designators[0] == f"{prefix}{start}" and parsed.designators[-1] == f"{prefix}{end}"
    )
    assert not parsed.problems and not parsed.duplicates


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(DESIGNATOR, SEPARATORS), min_size=1, max_size=40),
    st.booleans(),
    st.booleans(),
)
def test_any_separator_and_case(pairs: list[tuple[str, str]], trailing: bool, lower: bool) -> None:
    text = "".join(d + sep for d, sep in pairs)
    if not trailing:
        text = text.rstrip(",; \r\n\t")
    if lower:
        text = text.lower()
    parsed = parse_designators(text)
    written = list(dict.fromkeys(d for d, _ in pairs))
    assert parsed.designators == [d.lower() if lower else d for d in written]
    assert not parsed.unusual


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    parsed = parse_designators(text)
    assert len(parsed.designators) == len(set(parsed.designators))
