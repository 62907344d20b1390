"""The BOM rules: duplicates, quantities, DNP, grouping, values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.parts.bom_import.parse import ParsedBom, parse_bom_file, parse_quantity
from accord.parts.tests.bom_parsing.helpers import codes, csv_text
from accord.parts.tests.bom_samples import (
    make_xls,
    make_xlsx,
)

# --------------------------------------------------------------------------- rules


def _parse_rows(
    rows: list[list[str]], *, strict: bool = False, count_designators: bool = False
) -> ParsedBom:
    return parse_bom_file(
        csv_text(rows).encode(), "rules.csv", strict=strict, count_designators=count_designators
    )


def test_duplicate_designators_across_lines_are_a_warning_naming_both_rows() -> None:
    rows = [["Ref", "Qty", "Value"], ["C1, C2", "2", "100n"], ["C2, C3", "2", "1u"]]
    bom = _parse_rows(rows)
    [warning] = [p for p in bom.problems if p.code == "duplicate-designator"]
    assert warning.severity == "warning"
    assert (
        warning.message == "Designator C2 appears in row 2 and again in row 3. Both rows were kept."
    )
    assert warning.row == 3 and warning.column == "Ref (A)"
    assert [line.designators for line in bom.lines] == [["C1", "C2"], ["C2", "C3"]]


def test_strict_mode_refuses_a_designator_on_two_rows() -> None:
    rows = [["Ref", "Qty", "Value"], ["C1, C2", "2", "100n"], ["C2, C3", "2", "1u"]]
    [error] = [
        p for p in _parse_rows(rows, strict=True).problems if p.code == "duplicate-designator"
    ]
    assert error.severity == "error"
    assert error.message.startswith("Designator C2 appears in row 2 and again in row 3.")


def test_designators_are_compared_without_case_and_kept_as_written() -> None:
    bom = _parse_rows([["Ref", "Qty", "Value"], ["LDx, LD1", "2", "LED"], ["ldx", "1", "LED"]])
    assert [line.designators for line in bom.lines] == [["LD1", "LDx"], ["ldx"]]
    [warning] = [p for p in bom.problems if p.code == "duplicate-designator"]
    assert warning.message.startswith("Designator ldx appears in row 2 and again in row 3.")


def test_quantity_mismatch_is_a_warning_with_plain_message() -> None:
    bom = _parse_rows([["Ref", "Qty", "Value"], ["C1, C2, C3", "4", "100n"]])
    (w,) = [p for p in bom.problems if p.code == "quantity-mismatch"]
    assert (
        w.severity == "warning"
        and w.message
        == "Quantity 4 does not match the 3 designators C1, C2, C3; the file's "
        "quantity was kept (choose to count designators in the preview to use their number "
        "instead)."
    )
    assert (w.row, w.column) == (2, "Qty (B)")
    assert bom.lines[0].quantity == 4


def test_the_user_may_count_designators_instead_of_the_files_quantity() -> None:
    bom = _parse_rows(
        [["Ref", "Qty", "Value"], ["C1, C2, C3", "4", "100n"]], count_designators=True
    )
    assert bom.lines[0].quantity == 3
    assert [p.code for p in bom.problems if p.code.startswith("quantity")] == ["quantity-counted"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("3.0", 3),
        ("2.0000000000000000e+00", 2),
        ("1,000", 1000),
        ("4 pcs", 4),
        ("0.5", Decimal("0.5")),
    ],
)
def test_quantity_formats(text: str, expected: object) -> None:
    value, error = parse_quantity(text)
    assert error is None and value == expected


def test_bad_quantities_are_row_errors() -> None:
    bom = _parse_rows(
        [["Ref", "Qty", "Value"], ["R1", "-1", "1k"], ["R2", "lots", "1k"], ["R3", "1", "1k"]]
    )
    errors = [(p.code, p.row, p.column) for p in bom.problems if p.severity == "error"]
    assert errors == [("bad-quantity", 2, "Qty (B)"), ("bad-quantity", 3, "Qty (B)")]
    assert [x.designators for x in bom.lines] == [["R3"]]


def test_missing_quantity_is_derived_and_missing_both_is_an_error() -> None:
    bom = _parse_rows(
        [["Ref", "Qty", "MPN"], ["R1 R2", "", "RC1"], ["", "", "RC2"], ["R3", "1", "RC3"]]
    )
    assert bom.lines[0].quantity == 2 and bom.lines[0].quantity_derived
    assert any(
        p.code == "quantity-derived" and p.severity == "info" and p.row == 2 for p in bom.problems
    )
    assert any(
        p.code == "no-quantity" and p.severity == "error" and p.row == 3 for p in bom.problems
    )
    assert [x.mpn for x in bom.lines] == ["RC1", "RC3"]


@pytest.mark.parametrize(
    ("column", "cell", "dnp"),
    [
        ("DNP", "DNP", True),
        ("DNP", "X", True),
        ("DNP", "yes", True),
        ("DNP", "1", True),
        ("DNP", "true", True),
        ("DNP", "NF", True),
        ("DNP", "", False),
        ("DNP", "no", False),
        ("Mounted", "Yes", False),
        ("Mounted", "No", True),
        ("Fitted", "No", True),
        ("Fitted", "Fitted", False),
        ("Populate", "No", True),
    ],
)
def test_dnp_and_fitted_columns(column: str, cell: str, dnp: bool) -> None:
    bom = _parse_rows([["Ref", "Qty", "Value", column], ["C1", "1", "100n", cell]])
    assert bom.lines[0].dnp is dnp


@pytest.mark.parametrize(
    ("value", "notes", "dnp"),
    [
        ("10NF", "", False),
        ("10 nF", "", False),
        ("100 NF", "", False),
        ("DNP", "", True),
        ("10k (DNP)", "", True),
        ("10k", "DNF", True),
        ("10k", "not fitted", True),
        ("10k", "Do Not Populate", True),
        ("10k", "no pop", True),
        ("10k", "NOPOP", True),
        ("NF", "", True),
        ("10k", "(NF)", True),
        ("10k", "DNPX", False),
    ],
)
def test_dnp_markers_in_text(value: str, notes: str, dnp: bool) -> None:
    bom = _parse_rows([["Ref", "Qty", "Value", "Notes"], ["C1", "1", value, notes]])
    assert bom.lines[0].dnp is dnp


def test_blank_total_and_footer_rows_are_skipped_with_info() -> None:
    rows = [
        ["Ref", "Qty", "Value"],
        ["", "", ""],
        ["R1", "1", "1k"],
        ["", "", ""],
        ["Total", "1", ""],
        ["", "42", ""],
        ["Component Count:", "863"],
    ]
    bom = _parse_rows(rows)
    assert [x.designators for x in bom.lines] == [["R1"]]
    infos = " ".join(p.message for p in bom.problems if p.code == "skipped-rows")
    assert "blank" in infos and "total" in infos and "footer" in infos and "subtotal" in infos


def test_placeholders_and_formula_like_text() -> None:
    rows = [
        ["Ref", "Qty", "Value", "Manufacturer", "MPN", "Description"],
        ["R1", "1", "=1+2", "~~", "[NoValue]", "@SUM(A1)"],
        ["R2", "1", "+5V", "N/A", "-", "-cmd"],
        ["C1", "1", "100n", "ANY", "ANY", ""],
    ]
    bom = _parse_rows(rows)
    r1, r2, c1 = bom.lines
    assert (r1.value, r1.manufacturer, r1.mpn, r1.description) == ("=1+2", "", "", "@SUM(A1)")
    assert (r2.value, r2.manufacturer, r2.mpn, r2.description) == ("+5V", "", "", "-cmd")
    assert (
        c1.any_manufacturer
        and c1.manufacturer == ""
        and "Any manufacturer is acceptable." in c1.notes
    )


def test_non_placed_items_keep_their_quantity() -> None:
    bom = _parse_rows(
        [["Ref", "Qty", "Description"], ["R1", "1", "res"], ["", "2", "Case"], ["", "1", "ESD bag"]]
    )
    assert [(x.designators, x.quantity, x.description) for x in bom.lines] == [
        (["R1"], 1, "res"),
        ([], 2, "Case"),
        ([], 1, "ESD bag"),
    ]
    assert not codes(bom, "error")


def test_kicad_export_xml() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<export version="E">
  <design><source>x.kicad_sch</source></design>
  <components>
    <comp ref="C2"><value>100n</value><footprint>Capacitor_SMD:C_0402</footprint>
      <fields><field name="MPN">GRM155R71C104KA88D</field>
        <field name="Manufacturer">Murata</field></fields>
      <libsource lib="Device" part="C" description="Unpolarized capacitor"/>
    </comp>
    <comp ref="C1"><value>100n</value><footprint>Capacitor_SMD:C_0402</footprint>
      <fields><field name="MPN">GRM155R71C104KA88D</field>
        <field name="Manufacturer">Murata</field></fields>
    </comp>
    <comp ref="R1"><value>4k7</value><footprint>Resistor_SMD:R_0402</footprint>
      <property name="dnp"/>
    </comp>
    <comp ref="H1"><value>MountingHole</value><property name="exclude_from_bom"/></comp>
  </components>
  <nets><net code="1" name="GND"/></nets>
</export>"""
    bom = parse_bom_file(xml, "board.xml")
    assert [(x.designators, x.quantity, x.mpn, x.manufacturer, x.dnp) for x in bom.lines] == [
        (["C1", "C2"], 2, "GRM155R71C104KA88D", "Murata", False),
        (["R1"], 1, "", "", True),
    ]
    assert bom.lines[0].description == "Unpolarized capacitor"
    assert bom.lines[1].value_parameters["resistance"] == Decimal(4700)


def test_legacy_xls_workbook_picks_the_bom_sheet() -> None:
    data = make_xls(
        {
            "Notes": [["Revision history"]],
            "BOM": [
                ["Qty", "Ref", "Value", "MPN"],
                [2, "C1, C2", "100n", "GRM155"],
                [1, "R1", "4k7"],
            ],
        }
    )
    bom = parse_bom_file(data, "legacy.xls")
    assert bom.sheet_names == ["Notes", "BOM"] and bom.sheet == "BOM"
    assert [(x.designators, x.quantity, x.value, x.mpn) for x in bom.lines] == [
        (["C1", "C2"], 2, "100n", "GRM155"),
        (["R1"], 1, "4k7", ""),
    ]
    assert not bom.problems


def test_problem_rows_account_for_sheet_offset() -> None:
    rows: list[list[object]] = [
        [None, None, None],
        [None, None, None],
        [None, "Ref", "Qty"],
        [None, "C1, C2", "3"],
    ]
    bom = parse_bom_file(make_xlsx({"S": rows}), "offset.xlsx")
    (w,) = [p for p in bom.problems if p.code == "quantity-mismatch"]
    assert (w.row, w.column, w.sheet) == (4, "Qty (C)", "S")
    assert bom.header_row == 3
