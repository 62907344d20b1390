"""Text reports of EDA tools read as BOMs: Eagle / Fusion 360 partlists, Eagle's bom.ulp CSV,
OrCAD Capture .BOM reports and Allegro BOM reports, clean and hostile.

The expected figures of the built files (accord/parts/tests/data/boms/built, README there) were
counted with awk, not with the parser: part rows with a package (Eagle partlists), the sum of
the Qty column and the rows with an MPN (bom.ulp, Capture, Allegro). Lines of the one-row-per-
part files are the distinct value, package and MPN combinations, counted the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.api.tests.utils import API, token_client
from accord.parts.bom_import.codes import is_library_reference
from accord.parts.bom_import.parse import ParsedBom, parse_bom_file
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.readers import read_tables, sniff_delimiter
from accord.parts.models import Bom

from .bom_samples import bom_figures, line_with, sample_bytes

BUILT = "built/"


def parse_built(name: str, *, as_name: str | None = None) -> ParsedBom:
    return parse_bom_file(sample_bytes(BUILT + name), as_name or name)


def exact(bom: ParsedBom, designator: str) -> tuple[str, Decimal, str, str, str, str]:
    line = line_with(bom, designator)
    return (
        ",".join(line.designators),
        line.quantity,
        line.value,
        line.footprint,
        line.manufacturer,
        line.mpn,
    )


def codes(bom: ParsedBom, severity: str | None = None) -> list[str]:
    return [p.code for p in bom.problems if severity is None or p.severity == severity]


def messages(bom: ParsedBom, code: str) -> list[str]:
    return [p.message for p in bom.problems if p.code == code]


def figures(lines: int, placements: int, dnp: int, dnp_lines: int, mpn: int) -> dict[str, int]:
    return {
        "lines": lines,
        "placements": placements,
        "fitted_placements": placements - dnp,
        "dnp_placements": dnp,
        "dnp_lines": dnp_lines,
        "partial_dnp_lines": 0,
        "lines_with_mpn": mpn,
    }


BUILT_FILES = {
    "eagle_partlist.txt": figures(21, 38, 1, 1, 10),
    "eagle_partlist_board.txt": figures(17, 23, 1, 1, 0),
    "eagle_bom_ulp.csv": figures(23, 45, 2, 1, 20),
    "eagle_bom_ulp_list.csv": figures(16, 38, 2, 1, 15),
    "orcad_capture.bom": figures(20, 57, 2, 1, 19),
    "allegro_report.rpt": figures(20, 64, 2, 1, 20),
}

EXACT_LINES = {
    "eagle_partlist.txt": [
        ("R1", ("R1,R2,R3,R4,R5,R6", Decimal(6), "10k 1%", "R0603", "", "")),
        ("U2", ("U2", Decimal(1), "MCP1700 3V3", "SOT23", "", "MCP1700T-3302E/TT")),
        ("J3", ("J3", Decimal(1), "JST PH 2p", "JST-PH-2-SMT", "", "S2B-PH-SM4-TB")),
    ],
    "eagle_partlist_board.txt": [
        ("C4", ("C4,C5", Decimal(2), "470\u00b5 35V", "E5-10.5", "", "")),
        ("J1", ("J1", Decimal(1), "PWR 12V", "TERMBLOCK-2P-5.08", "", "")),
        ("R7", ("R7", Decimal(1), "0R05 1W", "R2512", "", "")),
    ],
    "eagle_bom_ulp.csv": [
        (
            "C1",
            (
                "C1,C2,C3,C4,C5,C6,C7,C8,C9",
                Decimal(9),
                "100n",
                "C0402",
                "Murata",
                "GRM155R71C104KA88D",
            ),
        ),
        ("U2", ("U2", Decimal(1), "", "SOT23-5", "Diodes Inc.", "AP2112K-3.3TRG1")),
        ("R12", ("R12,R13", Decimal(2), "DNP", "R0402", "", "")),
    ],
    "eagle_bom_ulp_list.csv": [
        ("R7", ("R1,R2,R3,R4,R7,R8", Decimal(6), "10k", "R0402", "Yageo", "RC0402FR-0710KL")),
        ("LED3", ("LED3", Decimal(1), "red", "LED-0603", "Lite-On", "LTST-C191KRKT")),
        ("U1", ("U1", Decimal(1), "", "LQFP48", "STMicroelectronics", "STM32F103C8T6")),
    ],
    "orcad_capture.bom": [
        (
            "C16",
            (
                ",".join(f"C{n}" for n in range(1, 17)),
                Decimal(16),
                "100nF",
                "C0402",
                "Murata",
                "GRM155R71C104KA88D",
            ),
        ),
        ("R15", ("R15,R16,R17", Decimal(3), "1K", "R0402", "Yageo", "RC0402FR-071KL")),
        ("Y1", ("Y1", Decimal(1), "32.768kHz", "XTAL_2X1.2", "Epson", "FC-12M 32.7680KA-A3")),
    ],
    "allegro_report.rpt": [
        (
            "C18",
            (
                ",".join(f"C{n}" for n in range(1, 19)),
                Decimal(18),
                "100NF",
                "CAP_0402",
                "MURATA",
                "GRM155R71C104KA88D",
            ),
        ),
        ("J1", ("J1,J2", Decimal(2), "TERM 2P", "TB_5MM08_2P", "PHOENIX CONTACT", "1935161")),
        ("U4", ("U3,U4", Decimal(2), "TCAN1042", "SOIC8", "TEXAS INSTRUMENTS", "TCAN1042VDRQ1")),
    ],
}


@pytest.mark.parametrize("name", sorted(BUILT_FILES))
def test_built_report_figures_and_exact_lines(name: str) -> None:
    bom = parse_built(name)
    assert bom_figures(bom) == BUILT_FILES[name]
    assert not bom.errors, [str(p) for p in bom.errors]
    for designator, expected in EXACT_LINES[name]:
        assert exact(bom, designator) == expected


@pytest.mark.parametrize("suffix", [".txt", ".lst", ".rpt", ".bom", ".csv", ""])
def test_the_format_is_told_by_content_not_by_the_file_name(suffix: str) -> None:
    for name in ("eagle_partlist.txt", "orcad_capture.bom", "allegro_report.rpt"):
        renamed = parse_built(name, as_name="upload" + suffix)
        assert bom_figures(renamed) == BUILT_FILES[name]


# --------------------------------------------------------------------------- Eagle partlists


def test_eagle_partlist_columns_and_what_was_left_out() -> None:
    bom = parse_built("eagle_partlist.txt")
    fields = {m.header: m.field for m in bom.mappings}
    assert fields == {
        "Part": "designators",
        "Value": "value",
        "Device": "mpn",
        "Package": "footprint",
        "Library": None,
        "Sheet": None,
    }
    assert bom.header_row == 7
    assert not any(d.startswith("FRAME") for line in bom.lines for d in line.designators)
    (left_out,) = messages(bom, "symbol-without-package")
    assert "FRAME1, FRAME2" in left_out
    # Library device names are no MPNs; device names that are part numbers are.
    assert line_with(bom, "C9").mpn == ""
    assert line_with(bom, "LED1").mpn == ""
    assert line_with(bom, "J1").mpn == ""
    assert line_with(bom, "U1").mpn == "ATMEGA328P-AU"
    assert line_with(bom, "R9").dnp and line_with(bom, "R9").value == "DNP"
    assert "Eagle" in messages(bom, "text-report")[0]


def test_eagle_board_partlist_is_a_bom_not_a_placement_file() -> None:
    bom = parse_built("eagle_partlist_board.txt")
    fields = {m.header: m.field for m in bom.mappings}
    assert fields["Position (mm)"] is None and fields["Orientation"] is None
    assert "positions are not imported" in messages(bom, "text-report")[0]
    assert line_with(bom, "Q1").raw["Position (mm)"] == "(36.83 8.89)"
    assert line_with(bom, "C1").raw["Library"] == "Capacitors SMD"


def test_eagle_header_one_space_apart_and_a_fusion_title() -> None:
    # Designators no longer than "Part": Eagle leaves one space between the header names.
    text = (
        "Partlist exported from C:/Users/ana/Documents/blink.sch at 3/12/2026 9:05 AM\n"
        "\n"
        "Autodesk Fusion 360 Electronics Version 2.0.19012\n"
        "\n"
        "Part Value  Device     Package Library Sheet\n"
        "\n"
        "C1   100n   C-EUC0603  C0603   rcl     1\n"
        "LED1 red    LED0603    0603    led     1\n"
        "R1   330    R-EU_R0603 R0603   rcl     1\n"
        "R2   330    R-EU_R0603 R0603   rcl     1\n"
        "IC1  LM358D LM358D     SO08    linear  1\n"
    )
    bom = parse_bom_file(text.encode(), "partlist.txt")
    assert [m.header for m in bom.mappings] == [
        "Part",
        "Value",
        "Device",
        "Package",
        "Library",
        "Sheet",
    ]
    assert exact(bom, "R2") == ("R1,R2", Decimal(2), "330", "R0603", "", "")
    # LED0603 is the device set LED in its 0603 variant: a library name, not an MPN.
    assert exact(bom, "LED1") == ("LED1", Decimal(1), "red", "0603", "", "")
    assert exact(bom, "IC1") == ("IC1", Decimal(1), "LM358D", "SO08", "", "LM358D")


# --------------------------------------------------------------------------- Eagle bom.ulp


def test_eagle_ulp_columns() -> None:
    bom = parse_built("eagle_bom_ulp.csv")
    fields = {m.header: m.field for m in bom.mappings}
    assert fields == {
        "Qty": "quantity",
        "Value": "value",
        "Device": None,
        "Package": "footprint",
        "Parts": "designators",
        "Description": "description",
        "MF": "manufacturer",
        "MPN": "mpn",
        "OC_FARNELL": "supplier_pn",
        "OC_NEWARK": None,
    }
    assert sheet_delimiter("eagle_bom_ulp.csv") == ";"
    farnell = line_with(bom, "C1")
    assert (farnell.supplier, farnell.supplier_pn) == ("Farnell", "2611911")
    # Only a Newark code: it is Newark's, not Farnell's.
    newark = line_with(bom, "C12")
    assert (newark.supplier, newark.supplier_pn) == ("Newark", "59AC2718")
    assert line_with(bom, "U4").supplier_pn == ""
    assert "column-guess" not in codes(bom)


def sheet_delimiter(name: str) -> str | None:
    return read_tables(sample_bytes(BUILT + name), name)[0].delimiter


def test_eagle_ulp_list_mode_reads_part_as_the_designator() -> None:
    bom = parse_built("eagle_bom_ulp_list.csv")
    assert sheet_delimiter("eagle_bom_ulp_list.csv") == ";"
    assert {m.header: m.field for m in bom.mappings}["Part"] == "designators"
    assert bom.grouped


def test_eagle_ulp_device_is_the_mpn_only_without_a_part_number_column() -> None:
    data = (
        b'"Qty";"Value";"Device";"Package";"Parts";"Description";\n'
        b'"2";"10k";"R-EU_R0603";"R0603";"R1, R2";"RESISTOR, European symbol";\n'
        b'"1";"";"LM358D";"SO08";"IC1";"OP AMP";\n'
    )
    bom = parse_bom_file(data, "bom.csv")
    device = next(m for m in bom.mappings if m.header == "Device")
    assert (device.field, device.confidence) == ("mpn", 0.5)
    assert exact(bom, "IC1") == ("IC1", Decimal(1), "", "SO08", "", "LM358D")
    assert exact(bom, "R1") == ("R1,R2", Decimal(2), "10k", "R0603", "", "")
    assert "column-guess" in codes(bom, "info")


def test_a_part_column_of_part_numbers_is_not_taken_for_designators() -> None:
    data = (
        b"Part,Value,Package,Library,Designator,Qty\n"
        b"ACME-100-0001,10k,R0603,passives,R1 R2,2\n"
        b"ACME-100-0002,100n,C0603,passives,C1,1\n"
    )
    bom = parse_bom_file(data, "bom.csv")
    fields = {m.header: m.field for m in bom.mappings}
    assert fields["Designator"] == "designators" and fields["Part"] != "designators"
    assert exact(bom, "R2")[:3] == ("R1,R2", Decimal(2), "10k")


# --------------------------------------------------------------------------- OrCAD Capture


def test_capture_wrapped_references_pages_and_the_part_column() -> None:
    bom = parse_built("orcad_capture.bom")
    fields = {m.header: m.field for m in bom.mappings}
    assert fields["Part"] == "value" and fields["Reference"] == "designators"
    assert bom.header_row == 8
    (joined,) = messages(bom, "continuation-lines")
    assert joined.startswith("3 lines (12, 13, 24) only continue the reference list")
    skipped = " ".join(messages(bom, "skipped-rows"))
    assert "1 page header row (row 27)" in skipped
    assert "1 repeated column header row (row 29)" in skipped
    assert "2 separator rows (rows 9, 30)" in skipped
    assert "quantity-mismatch" not in codes(bom)
    assert line_with(bom, "R19").dnp
    assert [line.item for line in bom.lines] == [str(n) for n in range(1, 21)]


def test_capture_report_aligned_with_spaces() -> None:
    text = (
        "PSU.DSN                                       Revised: Monday, March 09, 2026\n"
        "                                              Revision: 2\n"
        "\n"
        "Bill Of Materials       March 9,2026      16:02:11    Page1\n"
        "\n"
        "Item  Quantity  Reference                  Part         PCB Footprint\n"
        "______________________________________________\n"
        "\n"
        "1     10        C1,C2,C3,C4,C5,C6,C7,      100nF        C0402\n"
        "                C8,C9,C10\n"
        "2     2         R1,R2                      10K 1%       R0402\n"
        "3     1         U1                         LM5163       SO8_PAD\n"
    )
    bom = parse_bom_file(text.encode(), "psu.bom")
    assert bom_figures(bom) == figures(3, 13, 0, 0, 0)
    assert exact(bom, "C10") == (
        ",".join(f"C{n}" for n in range(1, 11)),
        Decimal(10),
        "100nF",
        "C0402",
        "",
        "",
    )
    assert exact(bom, "R2") == ("R1,R2", Decimal(2), "10K 1%", "R0402", "", "")
    assert messages(bom, "continuation-lines") == [
        "Line 10 only continues the reference list of the line above; the designators were "
        "added to that line."
    ]


def test_capture_one_reference_per_line_option() -> None:
    # "Place each part entry on a separate line": the quantity line, then one line per part.
    text = (
        "Bill Of Materials           March 12,2026      10:22:41\tPage1\n"
        "\n"
        "Item\tQuantity\tReference\tPart\n"
        "______________________________________________\n"
        "\n"
        "1\t3\t\t100nF\n"
        "\t\tC1\n"
        "\t\tC2\n"
        "\t\tC3\n"
        "2\t1\tR1\t10K\n"
    )
    bom = parse_bom_file(text.encode(), "design.bom")
    assert exact(bom, "C2") == ("C1,C2,C3", Decimal(3), "100nF", "", "", "")
    assert exact(bom, "R1") == ("R1", Decimal(1), "10K", "", "", "")


def test_capture_report_without_its_title_block() -> None:
    lines = sample_bytes(BUILT + "orcad_capture.bom").decode("cp1252").split("\r\n")
    header = lines.index(
        "Item\tQuantity\tReference\tPart\tPCB Footprint\tManufacturer\tMfr Part Number"
    )
    bom = parse_bom_file("\r\n".join(lines[header:]).encode(), "untitled.txt")
    assert bom.sheet_names == ["untitled"]
    assert "OrCAD Capture" in messages(bom, "text-report")[0]
    assert bom_figures(bom) == BUILT_FILES["orcad_capture.bom"]
    skipped = " ".join(messages(bom, "skipped-rows"))
    assert f"1 page header row (row {27 - header})" in skipped


# --------------------------------------------------------------------------- Allegro


def test_allegro_rule_columns_pages_and_total() -> None:
    bom = parse_built("allegro_report.rpt")
    assert [m.header for m in bom.mappings] == [
        "ITEM",
        "QTY",
        "PART NUMBER",
        "VALUE",
        "PACKAGE",
        "MANUFACTURER",
        "DESCRIPTION",
        "REF DES",
    ]
    skipped = " ".join(messages(bom, "skipped-rows"))
    assert "3 page header rows (rows 23, 24, 25)" in skipped
    assert "1 total/subtotal row (row 40)" in skipped
    assert "ragged-columns" not in codes(bom)
    dni = line_with(bom, "R17")
    assert dni.dnp and dni.description == "RES 0 OHM JUMPER 0402 (DNI)"
    assert line_with(bom, "R10").designators == [f"R{n}" for n in range(1, 11)]


def test_a_space_aligned_report_without_a_known_title() -> None:
    text = (
        "ACME board 4711 rev B -- parts list\n"
        "\n"
        "Ref Des        Qty  Value      Footprint     Manufacturer   MPN\n"
        "C1 C2 C3       3    100n 16V   C_0402        Murata         GRM155R71C104KA88D\n"
        "R1             1    10k        R_0402        Yageo          RC0402FR-0710KL\n"
        "U1             1               SOT-23-5      Texas Instr.   TLV75533PDBVR\n"
    )
    bom = parse_bom_file(text.encode(), "parts.lst")
    assert bom_figures(bom) == figures(3, 5, 0, 0, 3)
    assert exact(bom, "C2") == (
        "C1,C2,C3",
        Decimal(3),
        "100n 16V",
        "C_0402",
        "Murata",
        "GRM155R71C104KA88D",
    )
    assert exact(bom, "U1") == ("U1", Decimal(1), "", "SOT-23-5", "Texas Instr.", "TLV75533PDBVR")


# --------------------------------------------------------------------------- hostile reports


def test_ragged_widths_are_cut_at_the_nearest_space_and_reported() -> None:
    lines = sample_bytes(BUILT + "eagle_partlist.txt").decode().split("\r\n")
    u2 = next(i for i, line in enumerate(lines) if line.startswith("U2 "))
    r10 = next(i for i, line in enumerate(lines) if line.startswith("R10 "))
    # A value typed over the Device column's start, and a row pushed one place to the left.
    lines[u2] = lines[u2].replace("MCP1700 3V3        ", "MCP1700 3V3 LDO 250mA ")
    lines[u2] = lines[u2].replace("MCP1700T-3302E/TT    ", "MCP1700T-3302E/TT ")
    lines[r10] = lines[r10][:3] + lines[r10][4:]
    bom = parse_bom_file("\r\n".join(lines).encode(), "partlist.txt")
    (warning,) = messages(bom, "ragged-columns")
    assert f"line {u2 + 1} at Device" in warning and f"line {r10 + 1} at Value" in warning
    assert exact(bom, "U2") == (
        "U2",
        Decimal(1),
        "MCP1700 3V3 LDO 250mA",
        "SOT23",
        "",
        "MCP1700T-3302E/TT",
    )
    assert exact(bom, "R10") == ("R10", Decimal(1), "1M", "R0603", "", "")
    assert bom_figures(bom)["placements"] == 38


@pytest.mark.parametrize("name", ["eagle_partlist.txt", "orcad_capture.bom", "allegro_report.rpt"])
def test_a_report_with_a_header_and_no_rows(name: str) -> None:
    text = sample_bytes(BUILT + name).decode("cp1252")
    lines = text.splitlines()
    bom = parse_bom_file(text.encode(), name)
    header = bom.header_row
    assert header is not None
    only_header = "\n".join(lines[:header]) + "\n"
    empty = parse_bom_file(only_header.encode(), name)
    assert empty.lines == [] and codes(empty, "warning") == ["no-lines"]
    assert not empty.errors


def test_a_title_block_alone_is_refused_with_a_reason() -> None:
    text = (
        "Partlist\n\nExported from empty.sch at 12/3/2026 10:15\n\n"
        "EAGLE Version 9.6.2 Copyright (c) 1988-2020 Autodesk, Inc.\n\nAssembly variant: \n"
    )
    with pytest.raises(ImportRejected) as refused:
        parse_bom_file(text.encode(), "partlist.txt")
    assert refused.value.problems[0].code == "no-bom-columns"


def test_tabs_mixed_with_spaces() -> None:
    # An editor turned the Eagle partlist's runs of spaces into tabs (tab stops of 8) ...
    eagle = sample_bytes(BUILT + "eagle_partlist.txt").decode().split("\r\n")
    tabbed = [_unexpand(line) for line in eagle]
    assert sum("\t" in line for line in tabbed) > 30
    bom = parse_bom_file("\n".join(tabbed).encode(), "partlist.txt")
    assert bom_figures(bom) == BUILT_FILES["eagle_partlist.txt"]
    assert exact(bom, "U2") == ("U2", Decimal(1), "MCP1700 3V3", "SOT23", "", "MCP1700T-3302E/TT")
    # ... and someone re-aligned some of the Capture report's lines with spaces.
    capture = sample_bytes(BUILT + "orcad_capture.bom").decode("cp1252").split("\r\n")
    for i, line in enumerate(capture):
        if line.startswith(("2\t", "14\t")):
            capture[i] = line.replace("\t", "   ")
        elif line.startswith("\t\tR9"):
            capture[i] = "\t  \tR9,R10,R11,R12"
    bom = parse_bom_file("\r\n".join(capture).encode(), "design.bom")
    assert bom_figures(bom) == BUILT_FILES["orcad_capture.bom"]
    assert exact(bom, "C17") == (
        "C17,C18,C19,C20",
        Decimal(4),
        "10uF",
        "C0805",
        "Samsung",
        "CL21A106KAYNNNE",
    )
    assert exact(bom, "R18")[:3] == ("R18", Decimal(1), "100K 1%")
    assert line_with(bom, "R12").designators == [f"R{n}" for n in range(1, 13)]


def _unexpand(line: str) -> str:
    """Runs of spaces that reach a tab stop become tabs, as `unexpand -a` writes them."""
    out, column, spaces = [], 0, 0
    for char in line:
        if char == " ":
            spaces += 1
            column += 1
            if column % 8 == 0 and spaces > 1:
                out.append("\t")
                spaces = 0
            continue
        out.append(" " * spaces + char)
        spaces = 0
        column += 1
    return "".join(out) + " " * spaces


def test_a_continuation_line_with_no_row_above_is_a_problem_not_a_crash() -> None:
    text = (
        "Bill Of Materials           March 12,2026      10:22:41\tPage1\n"
        "\n"
        "Item\tQuantity\tReference\tPart\n"
        "\t\tC9,C10\n"
        "1\t2\tC1,C2\t100nF\n"
        "1\tx\t\n"
    )
    bom = parse_bom_file(text.encode(), "design.bom")
    assert exact(bom, "C1") == ("C1,C2", Decimal(2), "100nF", "", "", "")
    assert line_with(bom, "C9").quantity == 2
    assert "bad-quantity" in codes(bom, "error")


def test_a_huge_report_is_refused_by_the_row_limit() -> None:
    head = "Partlist\n\nPart     Value     Device      Package   Library   Sheet\n\n"
    body = "".join(f"R{n:<7} 10k       R-EU_R0603  R0603     rcl       1\n" for n in range(3000))
    with pytest.raises(ImportRejected) as refused:
        read_tables((head + body).encode(), "partlist.txt", max_rows=1000)
    assert refused.value.problems[0].code == "too-many-rows"


# --------------------------------------------------------------------------- pieces


def test_eagle_library_device_names_are_no_mpns() -> None:
    for name in ("R-EU_R0603", "C-EUC0805", "CPOL-EUE2.5-6", "L-US0207/10", "PINHD-1X2"):
        assert is_library_reference(name), name
    assert is_library_reference("LEDCHIPLED_0603", footprint="CHIPLED_0603")
    assert is_library_reference("TPTP06R", footprint="TP06R")
    for name, footprint in (
        ("ATMEGA328P-AU", "TQFP32-08"),
        ("B3U-1000P", "B3U-1000P"),
        ("BSS138", "SOT23"),
        ("RC0603FR-0710KL", "0603"),
    ):
        assert not is_library_reference(name, footprint=footprint), name


def test_fully_quoted_fields_choose_their_delimiter() -> None:
    sample = (
        '"Part";"Value";"Description"\n'
        '"C1";"100n";"CAPACITOR, European symbol"\n'
        '"C2";"100n";"CAPACITOR, European symbol"\n'
    )
    assert sniff_delimiter(sample) == ";"
    assert sniff_delimiter('"a","b;c"\n"d","e;f"\n') == ","


MANGLES = st.sampled_from(
    ["", "\t", "   ", "\f", "Page 3 of 9", "------  ---", "C1,", "\t\tR99", "Part  Value", "x" * 90]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(BUILT_FILES)),
    st.lists(st.tuples(st.integers(0, 70), st.integers(0, 140), MANGLES), max_size=8),
)
def test_mangled_reports_parse_or_are_rejected(
    name: str, edits: list[tuple[int, int, str]]
) -> None:
    lines = sample_bytes(BUILT + name).decode("cp1252").splitlines()
    for line_number, column, text in edits:
        if line_number < len(lines):
            line = lines[line_number]
            lines[line_number] = line[:column] + text + line[column:]
    try:
        bom = parse_bom_file("\n".join(lines).encode("utf-8"), name)
    except ImportRejected as refused:
        assert refused.problems and refused.problems[0].file == name
        return
    assert all(line.quantity >= 0 for line in bom.lines)
    assert all(p.file == name for p in bom.problems)


@pytest.mark.django_db
def test_a_bom_report_uploads_through_the_api(people: Any) -> None:
    client = token_client(people.oem_buyer)[0]
    form = {
        "program": "EBX2",
        "assembly": "THERMO-MAIN",
        "revision": "C",
        "file": SimpleUploadedFile("THERMOSTAT.BOM", sample_bytes(BUILT + "orcad_capture.bom")),
    }
    response = client.post(f"{API}/boms/import", form)
    assert response.status_code == 201, response.content
    bom = Bom.objects.get(assembly__number="THERMO-MAIN")
    assert bom.lines.count() == 20
    c1 = bom.lines.get(designators__startswith="C1,")
    assert (c1.quantity, c1.designators.count(",")) == (16, 15)
