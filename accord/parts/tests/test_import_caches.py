"""What the BOM importer works out once and reuses (issue 10's speed work) gives every caller
exactly what working it out again would: copies that a caller may change, results of the
decimal context in force, keys passed as one parameter however many there are, a file read
again when its bytes, name or column choices differ."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from accord.core.db import one_of
from accord.parts import value_keys
from accord.parts.bom_import import parse_memo
from accord.parts.bom_import.designators import parse_designators
from accord.parts.bom_import.parse import parse_bom_file
from accord.parts.bom_import.parse_memo import forget_parsed_files, parse_bom_file_once
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.values import parse_value
from accord.parts.models import Manufacturer, ManufacturerPart
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.value_keys import value_keys_column, value_keys_list


def test_a_changed_value_parse_does_not_change_the_next_one() -> None:
    first = parse_value("10uF 16V X7R 0603")
    first.parameters["capacitance"] = Decimal(0)
    del first.parameters["voltage"]
    again = parse_value("10uF 16V X7R 0603")
    assert again.parameters["capacitance"] == Decimal("0.00001")
    assert again.parameters["voltage"] == Decimal(16)


def test_a_value_parse_follows_the_decimal_context_in_force() -> None:
    """value_keys.py parses with 100 digits; the importer with Python's default 28. A value of
    34 digits parsed under one must not be handed out under the other."""
    text = "1.234567890123456789012345678901234k"
    exact = Decimal("1234.567890123456789012345678901234")
    with localcontext() as wide:
        wide.prec = 100
        assert parse_value(text, kind="resistor").parameters["resistance"] == exact
    rounded = parse_value(text, kind="resistor").parameters["resistance"]
    assert rounded != exact
    assert rounded == exact.normalize()  # rounded to the default context's 28 digits
    assert len(rounded.as_tuple().digits) == 28


def test_a_changed_designator_parse_does_not_change_the_next_one() -> None:
    first = parse_designators("C1, C2, c2, R3-R5")
    assert first.designators == ["C1", "C2", "R3", "R4", "R5"]
    assert first.duplicates == ["c2"]
    first.designators.append("X9")
    first.duplicates.clear()
    again = parse_designators("C1, C2, c2, R3-R5")
    assert again.designators == ["C1", "C2", "R3", "R4", "R5"]
    assert again.duplicates == ["c2"]


def test_long_cells_are_parsed_alike() -> None:
    """Cells longer than the cached ones take the same path (a list of thousands)."""
    text = ", ".join(f"R{n}" for n in range(1, 2001))
    parsed = parse_designators(text)
    assert len(parsed.designators) == 2000
    assert parsed.designators[-1] == "R2000"
    assert parse_designators(text).designators == parsed.designators


def test_keys_are_the_same_asked_twice() -> None:
    assert manufacturer_key("Murata Electronics North America") == "murata"
    assert manufacturer_key("Murata Electronics North America") == "murata"
    assert mpn_key(" grm155r71c104ka88d ") == mpn_key("GRM155R71C104KA88D") == "GRM155R71C104KA88D"


@pytest.mark.django_db
def test_one_of_finds_rows_among_more_keys_than_a_statement_may_bind() -> None:
    """SQLite refuses statements with more than 32,766 parameters: a BOM of some 30,000 lines
    has that many MPN keys. one_of passes them as one."""
    maker = Manufacturer.objects.create(name="Acme", key="acme")
    wanted = [f"WANTED{i:03d}" for i in range(5)]
    for key in [*wanted, "OTHER001"]:
        ManufacturerPart.objects.create(manufacturer=maker, mpn=key, mpn_key=key)
    keys = [f"NOPE{i:06d}" for i in range(40_000)] + wanted
    found = ManufacturerPart.objects.filter(mpn_key__in=one_of(keys)).values_list(
        "mpn_key", flat=True
    )
    assert sorted(found) == wanted
    ids = list(ManufacturerPart.objects.filter(mpn_key__in=wanted).values_list("pk", flat=True))
    by_id = ManufacturerPart.objects.filter(pk__in=one_of([*ids, 10**12], "bigint"))
    assert sorted(by_id.values_list("mpn_key", flat=True)) == wanted
    assert not ManufacturerPart.objects.filter(mpn_key__in=one_of([])).exists()


def test_one_of_takes_only_known_types() -> None:
    with pytest.raises(ValueError):
        one_of([1], "int; DROP TABLE x")  # type: ignore[arg-type]


ROWS = [
    ("10k", "", "Resistors"),
    ("100n", "", "Capacitors"),
    ("", "CAP CER 0.1UF 16V X7R 0402", None),
    ("10k", "", "Resistors"),
    (None, None, None),
    ("4k7 1%", "RES SMD 4.7K OHM 1% 1/10W 0603", "Resistors"),
    ("100n", "", "Capacitors"),
]


@pytest.mark.parametrize("python_below", [value_keys.PYTHON_KEYS_BELOW, 3])
def test_value_keys_list_agrees_with_polars_either_way(
    monkeypatch: pytest.MonkeyPatch, python_below: int
) -> None:
    """Below the threshold in Python, above it in Polars: the same keys, in the rows' order."""
    monkeypatch.setattr(value_keys, "PYTHON_KEYS_BELOW", python_below)
    values, descriptions, categories = (list(column) for column in zip(*ROWS, strict=True))
    listed = value_keys_list(values, descriptions, categories)
    assert listed == value_keys_column(values, descriptions, categories).to_list()
    assert listed[0] == listed[3] != ""
    assert listed[4] == ""
    assert value_keys_list([], [], []) == []


BOM = (
    b"Designator,Qty,Value,Footprint,Manufacturer,MPN\n"
    b"R1 R2,2,10k,R_0603,,\nU1,1,,SOIC-8,TI,LM358\n"
)


def test_a_file_read_a_moment_ago_is_not_read_again() -> None:
    forget_parsed_files()
    first = parse_bom_file_once(BOM, "bom.csv")
    assert parse_bom_file_once(BOM, "bom.csv") is first
    # Other bytes, another name, other column choices: read anew, as parse_bom_file reads them.
    other = parse_bom_file_once(BOM + b"C1,1,100n,C_0402,,\n", "bom.csv")
    assert other is not first and len(other.lines) == 3
    renamed = parse_bom_file_once(BOM, "other.csv")
    assert renamed is not first and renamed.filename == "other.csv"
    chosen = parse_bom_file_once(BOM, "bom.csv", overrides={2: None})
    assert chosen is not first
    assert chosen.lines[0].value == "" and first.lines[0].value == "10k"
    again = parse_bom_file(BOM, "bom.csv", overrides={2: None})
    assert [line.value for line in chosen.lines] == [line.value for line in again.lines]
    # Two files are kept: the first one was pushed out by the three read since.
    assert parse_bom_file_once(BOM, "bom.csv") is not first


def test_a_large_file_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_parsed_files()
    monkeypatch.setattr(parse_memo, "KEPT_LINES", 1)
    assert parse_bom_file_once(BOM, "bom.csv") is not parse_bom_file_once(BOM, "bom.csv")


def test_a_refused_file_is_refused_every_time() -> None:
    forget_parsed_files()
    for _ in range(2):
        with pytest.raises(ImportRejected):
            parse_bom_file_once(b"", "empty.csv")
