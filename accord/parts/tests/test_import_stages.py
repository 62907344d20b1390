"""The first stages of a BOM import, each on its own: read the file, locate the table,
identify the columns (bom_import/stages.py)."""

from __future__ import annotations

import pytest

from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.stages import identify_columns, locate_table, read_file
from accord.parts.tests.bom_samples import make_xlsx

KICAD_SHIFTED = (
    b'"Ref","Qty","Value","Cmp name","Footprint","Description","Vendor","MPN"\n'
    b'"C1, C2","2","100n","","C","Capacitor_SMD:C_0402","Cap","Murata","GRM155R71C104KA88D"\n'
    b'"R1","1","10k","","R","Resistor_SMD:R_0402","Resistor","Yageo","RC0402FR-0710KL"\n'
    b'"U1","1","STM32","","MCU","Package_QFP:LQFP-48","MCU","ST","STM32F103C8T6"\n'
)


def test_read_file_picks_the_sheet_that_holds_the_bom() -> None:
    data = make_xlsx(
        {
            "Notes": [["Revision history"], ["A", "first release"]],
            "BOM": [["Designator", "Qty", "Value"], ["R1, R2", "2", "10k"]],
        }
    )
    read = read_file(data, "folder/board.xlsx")
    assert (read.file, read.sheet.name, read.sheet_label) == ("board.xlsx", "BOM", "BOM")
    assert [s.name for s in read.sheets] == ["Notes", "BOM"]
    assert read_file(data, "board.xlsx", sheet="notes").sheet.name == "Notes"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"Designator,Mid X,Mid Y,Rotation,Layer\nR1,1.0,2.0,90,top\n", "placement-file"),
        (b"\n\n,,\n", "empty-file"),
    ],
)
def test_read_file_refuses_what_is_no_bom(data: bytes, code: str) -> None:
    with pytest.raises(ImportRejected) as refused:
        read_file(data, "x.csv")
    assert refused.value.problems[0].code == code


def test_locate_table_skips_a_title_block_and_merges_a_two_row_header() -> None:
    rows = [
        ["Bill of Materials", "", ""],
        ["Project: Sensor", "", ""],
        ["", "", ""],
        ["Designator", "Manufacturer", ""],
        ["", "Name", "Part Number"],
        ["R1", "Yageo", "RC0402FR-0710KL"],
    ]
    table = locate_table(rows)
    assert (table.header_index, table.data_start) == (3, 5)
    assert table.header == ["Designator", "Manufacturer Name", "Manufacturer Part Number"]


def test_locate_table_of_a_headerless_table_starts_at_its_first_row() -> None:
    table = locate_table([["", ""], ["R1", "10k"], ["C1", "100n"]])
    assert (table.header, table.header_index, table.data_start) == ([], None, 1)


def test_identify_columns_realigns_shifted_data_and_keeps_its_signature() -> None:
    read = read_file(KICAD_SHIFTED, "shifted.csv")
    table = locate_table(read.sheet.rows)
    columns = identify_columns(read, table)
    fields = {m.header: m.field for m in columns.mappings}
    assert (fields["MPN"], fields["Description"], fields["Footprint"]) == (
        "mpn",
        "description",
        "footprint",
    )
    assert columns.shift is not None and columns.moved == 3
    # The user's choices change the fields, not the layout's signature.
    chosen = identify_columns(read_file(KICAD_SHIFTED, "shifted.csv"), table, {6: None})
    assert chosen.signature == columns.signature
    assert next(m for m in chosen.mappings if m.index == 6).field is None


def test_identify_columns_refuses_a_table_without_bom_columns() -> None:
    read = read_file(b"Colour,Mood\nred,happy\nblue,calm\n", "x.csv")
    with pytest.raises(ImportRejected) as refused:
        identify_columns(read, locate_table(read.sheet.rows))
    assert refused.value.problems[0].code == "no-bom-columns"


def test_a_sheet_of_control_characters_only_is_empty() -> None:
    with pytest.raises(ImportRejected) as refused:
        read_file(b"\x1b,\x1f\n\xe2\x80\xae\n", "escapes.csv")
    assert refused.value.problems[0].code == "empty-file"
