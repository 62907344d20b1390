"""Encodings, delimiters and finding the header."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from accord.parts.bom_import.mapping import header_signature, map_columns
from accord.parts.bom_import.parse import parse_bom_file
from accord.parts.bom_import.readers import read_tables
from accord.parts.tests.bom_parsing.helpers import csv_text, summary_of
from accord.parts.tests.bom_samples import (
    make_xlsx,
)

# --------------------------------------------------------------------------- encodings / delimiters

SMALL_BOM = [
    ["Designator", "Qty", "Value", "Description", "MPN"],
    ["C1, C2", "2", "0.1\u00b5F", "CAP 0.1\u00b5F \u00b110% X7R", "GRM155R71C104KA88D"],
    ["R1", "1", "4.7k", "RES 4.7k \u00b11%; 0402", "RC0402FR-074K7L"],
]


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), id="utf-16-le"),
        pytest.param(lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), id="utf-16-be"),
        pytest.param(lambda t: t.encode("cp1252"), id="cp1252"),
    ],
)
def test_encodings_come_through_identically(encode: object) -> None:
    data = encode(csv_text(SMALL_BOM))  # type: ignore[operator]
    bom = parse_bom_file(data, "small.csv")
    assert summary_of(bom) == [
        (("C1", "C2"), 2, "0.1\u00b5F", "CAP 0.1\u00b5F \u00b110% X7R", "GRM155R71C104KA88D"),
        (("R1",), 1, "4.7k", "RES 4.7k \u00b11%; 0402", "RC0402FR-074K7L"),
    ]
    assert bom.lines[0].value_parameters["capacitance"] == Decimal("1E-7")


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16"])
def test_ohm_sign_in_unicode_encodings(codec: str) -> None:
    # Windows-1252 has no Ω, so this one is Unicode-only.
    rows = [SMALL_BOM[0], ["R1", "1", "4.7k\u03a9", "RES 4.7k\u03a9 \u00b11%", "X"]]
    bom = parse_bom_file(csv_text(rows).encode(codec), "ohm.csv")
    assert bom.lines[0].value == "4.7k\u03a9"
    assert bom.lines[0].value_parameters["resistance"] == Decimal(4700)


def test_cp1252_detected_not_latin1_garbage() -> None:
    sheet = read_tables(csv_text(SMALL_BOM).encode("cp1252"), "x.csv")[0]
    assert sheet.encoding == "cp1252" and sheet.rows[1][2] == "0.1\u00b5F"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(delimiter: str) -> None:
    data = csv_text(SMALL_BOM, delimiter).encode()
    sheet = read_tables(data, "d.txt")[0]
    assert sheet.delimiter == delimiter
    assert summary_of(parse_bom_file(data, "d.txt")) == summary_of(
        parse_bom_file(csv_text(SMALL_BOM).encode(), "c.csv")
    )


def test_comma_space_header_and_quoted_values() -> None:
    data = b'Reference, Quantity, Value, MPN\nC1 C2 ,2,"100n, 16V","GRM155"\n'
    bom = parse_bom_file(data, "kicad.csv")
    line = bom.lines[0]
    assert (line.designators, line.quantity, line.value, line.mpn) == (
        ["C1", "C2"],
        2,
        "100n, 16V",
        "GRM155",
    )
    assert line.value_parameters["voltage"] == Decimal(16)


# --------------------------------------------------------------------------- header finding


def test_title_block_above_header_is_skipped() -> None:
    title = (
        [
            ['"Source:","/home/user/hackrf-one.sch"'],
            ['"Date:","Mon 07 Sep 2020"'],
            ['"Tool:","Eeschema 5.1.6"'],
            ['"Generator:","bom_csv_grouped_by_value"'],
            ['"Component Count:","417"'],
        ]
        + [[f'"Note {i}:","x"'] for i in range(7)]
        + [[""]]
    )
    text = "\n".join(r[0] for r in title) + "\n"
    text += '"Ref","Qnty","Value","Cmp name","Footprint","Description","Vendor"\n'
    text += '"C1 C3 ","2","8p2","C","C_0402","CAP","Digi-Key"\n'
    bom = parse_bom_file(text.encode(), "hackrf-one.bom.csv")
    assert bom.header_row == 14
    line = bom.lines[0]
    assert (line.source_row, line.designators, line.quantity, line.supplier) == (
        15,
        ["C1", "C3"],
        2,
        "Digi-Key",
    )


def test_two_row_header_is_merged() -> None:
    rows = [
        ["Item", "Qty", "Designator", "Manufacturer", "", "Description"],
        ["", "", "", "Name", "Part Number", ""],
        ["1", "2", "R1, R2", "Yageo", "RC0402FR-0710KL", "RES 10k"],
    ]
    bom = parse_bom_file(make_xlsx({"BOM": rows}), "two_row.xlsx")
    assert [m.field for m in bom.mappings][3:5] == ["manufacturer", "mpn"]
    line = bom.lines[0]
    assert (line.source_row, line.manufacturer, line.mpn) == (3, "Yageo", "RC0402FR-0710KL")


def test_misspelled_headers_map_with_lower_confidence() -> None:
    mappings = map_columns(["Desigantor", "Qty", "Manufactuer", "MPN"])
    by_header = {m.header: m for m in mappings}
    assert by_header["Desigantor"].field == "designators" and by_header["Desigantor"].confidence < 1
    assert (
        by_header["Manufactuer"].field == "manufacturer" and by_header["Manufactuer"].confidence < 1
    )
    assert by_header["Qty"].confidence == 1.0


def test_alternate_column_conventions() -> None:
    fields = [
        m.field
        for m in map_columns(
            ["Manufacturer 1", "Manufacturer Part Number 1", "Manufacturer 2", "MPN 2", "Alt MPN"]
        )
    ]
    assert fields == ["manufacturer", "mpn", "alt_manufacturer_2", "alt_mpn_2", "alt_mpn_3"]


def test_repeated_value_column_first_wins_and_is_flagged() -> None:
    mappings = map_columns(["Ref", "Value", "Value"])
    assert [m.field for m in mappings] == ["designators", "value", None]
    assert mappings[2].duplicate_of == 1


def test_header_signature_and_overrides() -> None:
    assert header_signature(["Qty", "Ref Des", ""]) == header_signature([" qty", "REF-DES"])
    assert header_signature(["Qty", "Ref"]) != header_signature(["Ref", "Qty"])
    data = b"Ref,Count,Notes,Part\nR1,1,x,RC0402\n"
    bom = parse_bom_file(data, "o.csv", overrides={3: "mpn", 2: None})
    assert bom.lines[0].mpn == "RC0402" and bom.lines[0].notes == ""
    assert bom.header_signature == header_signature(["Ref", "Count", "Notes", "Part"])
    assert parse_bom_file(data, "o.csv").header_signature == bom.header_signature
    with pytest.raises(ValueError):
        parse_bom_file(data, "o.csv", overrides={3: "not_a_field"})


def test_headerless_files_get_a_layout_signature() -> None:
    mouser = b"GRM155R71C104KA88D|2|C1 C2\nRC0402FR-0710KL|1|R1\n"
    other = b"C1 C2;2\nR1;1\n"
    first = parse_bom_file(mouser, "a.txt")
    assert first.header_row is None
    assert (
        first.header_signature
        == parse_bom_file(mouser, "b.txt", overrides={0: None}).header_signature
    )
    assert first.header_signature != parse_bom_file(other, "c.txt").header_signature
