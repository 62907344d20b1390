"""BOM parsing against real-world sample files and synthetic edge cases.

Expected figures for the sample files were established by reading the files with
independent tools (awk, Python's csv module, openpyxl, ElementTree), not with the
parser under test; see the comment on each test for how.
"""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from accord.parts.bom_import.mapping import header_signature, map_columns
from accord.parts.bom_import.parse import ParsedBom, parse_bom_file, parse_quantity
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.readers import read_tables

from .bom_samples import (
    BOMS_DIR,
    bom_files,
    is_placement_name,
    line_at_row,
    line_with,
    make_xls,
    make_xlsx,
    sample_bytes,
    sample_id,
)


def parse_sample(relative: str, **kwargs: object) -> ParsedBom:
    return parse_bom_file(sample_bytes(relative), Path(relative).name, **kwargs)  # type: ignore[arg-type]


def refs(text: str) -> list[str]:
    return text.split()


def codes(bom: ParsedBom, severity: str | None = None) -> list[str]:
    return [p.code for p in bom.problems if severity is None or p.severity == severity]


# --------------------------------------------------------------------------- every sample file


def _walk_params() -> list[object]:
    files = bom_files()
    if not files:
        return [pytest.param(None, id="no-samples")]
    return [pytest.param(p, id=sample_id(p)) for p in files]


@pytest.mark.parametrize("path", _walk_params())
def test_every_sample_file_parses_or_is_rejected_as_placement(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"no sample BOM in {BOMS_DIR}")
    data = path.read_bytes()
    if is_placement_name(path):
        with pytest.raises(ImportRejected, match="pick-and-place"):
            parse_bom_file(data, path.name)
        return
    bom = parse_bom_file(data, path.name)  # anything but ImportRejected would fail the test
    assert bom.lines, f"no lines parsed from {path.name}"
    assert all(line.quantity >= 0 for line in bom.lines)
    assert all(p.file == path.name for p in bom.problems)


def test_placement_detected_by_header_not_name() -> None:
    data = b"Designator,Mid X,Mid Y,Layer,Rotation\nC1,1.0,2.0,top,90\nC2,3.0,4.0,top,0\n"
    with pytest.raises(ImportRejected, match="pick-and-place") as exc:
        parse_bom_file(data, "totally_a_bom.csv")
    assert exc.value.problems[0].code == "placement-file"


# --------------------------------------------------------------------------- per-file figures
# Counting conventions: "lines" = BOM lines after grouping; "fitted" = sum of
# quantities of non-DNP lines; "dnp" = number of DNP lines.


def assert_figures(bom: ParsedBom, lines: int, fitted: int, dnp: int) -> None:
    assert (len(bom.lines), bom.total_quantity(), bom.dnp_count) == (lines, Decimal(fitted), dnp)


def test_hackrf_one_grouped_kicad() -> None:
    # python csv: 65 data rows, sum(Qty)=300, every Qty == number of comma-separated refs.
    bom = parse_sample("greatscottgadgets_hackrf/hackrf-one-bom.csv")
    assert_figures(bom, 65, 300, 0)
    assert not codes(bom, "error") and not codes(bom, "warning")
    first = line_at_row(bom, 2)
    assert (first.item, first.quantity, first.value, first.manufacturer, first.mpn) == (
        "1",
        33,
        "33pF",
        "Murata",
        "GRM1555C1H330JA01D",
    )
    assert first.designators[:3] == ["C1", "C3", "C5"] and first.designators[-1] == "C125"
    assert len(first.designators) == 33
    c14 = line_with(bom, "C14")
    assert (c14.source_row, c14.quantity, c14.value, c14.mpn, c14.manufacturer) == (
        15,
        1,
        "8p2",
        "UMK105CG8R2DV-F",
        "Taiyo Yuden",
    )
    assert c14.value_parameters["capacitance"] == Decimal("8.2E-12")
    u23 = line_with(bom, "U23")
    assert (u23.mpn, u23.manufacturer, u23.value) == ("LPC4320FBD144,551", "NXP", "LPC4320FBD144")


def test_jawbreaker_one_row_per_reference_is_grouped() -> None:
    # awk over ';' fields, key = value|mfr|mpn|dnp with "DNP" in any field meaning DNP:
    # 367 rows -> 115 groups, 48 of them DNP, 277 fitted placements.
    bom = parse_sample("greatscottgadgets_hackrf/jawbreaker-bom.csv")
    assert_figures(bom, 115, 277, 48)
    assert bom.grouped
    grouped = [p for p in bom.problems if p.code == "grouped"]
    assert grouped and "367 rows were grouped into 115 lines" in grouped[0].message
    c1 = line_with(bom, "C1")
    assert c1.designators == refs(
        "C1 C3 C5 C7 C10 C11 C16 C19 C22 C24 C29 C30 C33 C34 C35 C36 C37 C38 C39 C40 "
        "C45 C47 C54 C55 C56 C57 C60 C63 C65 C66 C125"
    )
    assert (c1.quantity, c1.value, c1.manufacturer, c1.mpn, c1.dnp) == (
        31,
        "33pF",
        "Murata",
        "GRM1555C1H330JZ01D",
        False,
    )
    r5 = line_with(bom, "R5")
    assert r5.designators == refs("R5 R6 R14 R15 R16 R17 R24 R29 R41 R104 R105")
    assert (r5.value, r5.mpn, r5.manufacturer, r5.value_parameters["resistance"]) == (
        "4k7",
        "RMCF0402JT4K70",
        "Stackpole",
        Decimal(4700),
    )
    placeholder = line_with(bom, "C117")
    assert placeholder.designators == refs("C117 C118 C164 C165 L1 L4 L6 L8 L9 R45 R50 R53 R85")
    assert placeholder.dnp and placeholder.mpn == "" and placeholder.manufacturer == ""
    c95 = line_with(bom, "C95")
    assert c95.dnp and c95.designators == refs("C95 C96 C101 C103 C107 C108 C109 C110")


def test_marble_kibom_mounted_column_and_placeholders() -> None:
    # python csv: 133 rows with a numeric "Component", Mounted == "No" only for item 1
    # (B1..B8, qty 8); sum(qty) = 813, so 805 fitted. Footer rows are skipped.
    bom = parse_sample("BerkeleyLab_Marble/Marble_BOM.csv")
    assert_figures(bom, 133, 805, 1)
    holes = line_at_row(bom, 2)
    assert holes.dnp and holes.quantity == 8 and holes.mpn == "" and holes.designators[0] == "B1"
    c350 = line_with(bom, "C350")
    assert (c350.quantity, c350.mpn, c350.manufacturer, c350.value) == (
        1,
        "EEEFK1C471AP",
        "",
        "CAE830-1020_470UF_16V_20%",
    )
    assert c350.value_parameters["capacitance"] == Decimal("0.00047")
    assert c350.value_parameters["voltage"] == Decimal(16)
    assert c350.alternates == []  # "~~" placeholder
    big = line_at_row(bom, 4)
    assert len(big.designators) == 149 and big.quantity == 149
    assert big.mpn == "CC0201_100NF_6.3V_10%_X5R" and big.alternates == [("", "02016D104KAT2A")]
    assert "skipped-rows" in codes(bom, "info")


def test_glasgow_revc3_kicad_comma_space() -> None:
    # python csv (skipinitialspace): 57 rows, DNP column "DNP" on 4 rows, 224 fitted.
    bom = parse_sample("glasgowembedded_glasgow/revC3_bom.csv")
    assert_figures(bom, 57, 224, 4)
    caps = line_at_row(bom, 4)
    assert (len(caps.designators), caps.quantity, caps.value, caps.mpn, caps.manufacturer) == (
        73,
        73,
        "u1",
        "TMK105BJ104KV-F",
        "Taiyo Yuden",
    )
    assert caps.value_parameters["capacitance"] == Decimal("1E-7")
    shunt = line_with(bom, "R48")
    assert (shunt.designators, shunt.value, shunt.mpn, shunt.manufacturer) == (
        ["R48", "R49"],
        "0R15",
        "KDV06FR150ET",
        "Ohmite",
    )
    assert shunt.value_parameters["resistance"] == Decimal("0.15")
    eeprom = line_with(bom, "U2")
    assert eeprom.mpn == "CAT24M01YI\u2212GT3"  # the file really has a Unicode minus sign
    aux = line_at_row(bom, 20)
    assert aux.designators == ["J10"] and aux.dnp and aux.mpn == ""


def test_glasgow_revc2_dnp_value_rows() -> None:
    # python csv: 70 rows, 5 DNP rows (DNP column), 244 fitted.
    bom = parse_sample("glasgowembedded_glasgow/revC2_bom.csv")
    assert_figures(bom, 70, 244, 5)
    c90 = line_at_row(bom, 6)
    assert c90.designators == ["C90", "C91"] and c90.dnp and c90.value == "DNP"
    y1 = line_with(bom, "Y1")
    assert (y1.source_row, y1.value, y1.mpn, y1.manufacturer) == (
        71,
        "24M",
        "JF4024M00009T8188070",
        "JWT",
    )
    assert y1.value_parameters["frequency"] == Decimal(24_000_000)


def test_glasgow_revb_mouser_headerless_pipe_file() -> None:
    # awk -F'|': 34 lines, sum($2) = 106, every qty equals the number of refs.
    bom = parse_sample("glasgowembedded_glasgow/revB_mouser_bom.txt")
    assert bom.header_row is None
    assert_figures(bom, 34, 106, 0)
    fields = [m.field for m in bom.mappings]
    assert fields == ["mpn", "quantity", "designators"]
    leds = line_at_row(bom, 1)
    assert (leds.mpn, leds.quantity, leds.designators) == ("150060GS75000", 3, ["D1", "D2", "D3"])
    caps = line_at_row(bom, 19)
    assert caps.mpn == "LMK107BJ475KAHT" and caps.quantity == 14 and len(caps.designators) == 14
    tbd = line_at_row(bom, 31)
    assert tbd.mpn == "" and tbd.designators == ["RN1", "RN2", "RN3", "RN4"]
    assert any(p.code == "undecided-part" and p.row == 31 for p in bom.problems)


def _fomu_lines(bom: ParsedBom) -> list[tuple[object, ...]]:
    return [
        (
            tuple(x.designators),
            x.quantity,
            x.value,
            x.footprint,
            x.manufacturer,
            x.mpn,
            x.dnp,
            tuple(x.alternates),
            x.supplier_pn,
        )
        for x in bom.lines
    ]


def test_fomu_pvt1_csv_grouping_any_and_alternates() -> None:
    # python csv.DictReader, key = (Value, Footprint, Manufacturer, MPN, DNP=='X') with
    # ANY/DNP/N/A as empty: 55 rows -> 22 groups, 6 DNP, 38 fitted.
    bom = parse_sample("im-tomu_fomu-hardware/pvt1_tomu-fpga-bom.csv")
    assert_figures(bom, 22, 38, 6)
    caps = line_with(bom, "C1")
    assert caps.designators == refs("C1 C2 C3 C5 C8 C9 C10 C17 C24 C25")
    assert caps.mpn == "" and caps.manufacturer == "" and caps.any_manufacturer
    assert "Any manufacturer" in caps.notes
    assert caps.value_parameters == {
        "capacitance": Decimal("0.000001"),
        "voltage": Decimal(10),
        "tolerance_pct": Decimal(20),
        "dielectric": "X5R",
        "package": "0201",
    }
    flash = line_with(bom, "U4")
    assert (flash.mpn, flash.manufacturer, flash.supplier, flash.supplier_pn) == (
        "GD25Q16CEIGR",
        "GigaDevice Semiconductor (HK) Limited",
        "Digi-Key",
        "1970-1011-6-ND",
    )
    assert flash.alternates == [("Macronix", "MX25R1635FZUIH0")]
    assert line_with(bom, "U1").alternates == [("Microchip", "MIC5504-1.2YMT")]
    tps = line_with(bom, "TP1")
    assert tps.dnp and tps.quantity == 12
    case = line_with(bom, "XX2")
    assert case.mpn == "Tomu-FPGA-Case" and case.manufacturer == "Jiada" and case.dnp


def test_fomu_pvt1_xml_agrees_with_csv() -> None:
    # grep -o '<component>' | wc -l = 55, the same components as the CSV.
    xml = parse_sample("im-tomu_fomu-hardware/pvt1_tomu-fpga-bom.xml")
    csv_bom = parse_sample("im-tomu_fomu-hardware/pvt1_tomu-fpga-bom.csv")
    assert_figures(xml, 22, 38, 6)
    assert _fomu_lines(xml) == _fomu_lines(csv_bom)


def test_fomu_evt3_other_column_order() -> None:
    # Same independent grouping as pvt1: 62 rows -> 29 groups, 7 DNP, 52 fitted.
    bom = parse_sample("im-tomu_fomu-hardware/evt3_tomu-fpga-bom.csv")
    assert_figures(bom, 29, 52, 7)
    r4 = line_with(bom, "R4")
    assert r4.designators == ["R4", "R13"] and r4.dnp and r4.value == "0805, 10k, 1/16W (DNP)"
    tvs = line_with(bom, "D2")
    assert tvs.designators == ["D2", "D3", "D4", "D5", "D7", "D8"]
    assert (tvs.mpn, tvs.manufacturer, tvs.supplier_pn) == (
        "CPDFR5V0",
        "Comchip Technology",
        "641-1219-1-ND",
    )
    assert line_with(bom, "U6").dnp


def test_odrive_48v_cp1252_altium_csv() -> None:
    # iconv -f cp1252 | python csv: 41 rows after a blank line, sum(Quantity) = 196.
    bom = parse_sample("odriverobotics_ODriveHardware/BOM_v3.4_48V.csv")
    assert_figures(bom, 41, 196, 0)
    first = line_at_row(bom, 3)
    assert len(first.designators) == 14 and first.quantity == 14
    assert first.value == "2.2\u00b5F" and first.mpn == "GRM188R61C225KE15D"
    assert first.value_parameters["capacitance"] == Decimal("0.0000022")
    xt = line_with(bom, "XT1")
    assert "\u00b110ppm" in xt.description and "-10\u00b0C" in xt.description
    assert xt.value == "8 MHz" and xt.mpn == "ABM3B-8.000MHZ-10-1-U-T"
    assert any(p.code == "skipped-rows" and p.row == 2 for p in bom.problems)


def test_odrive_v30_xlsx_formulas_and_duplicate_designator() -> None:
    # openpyxl data_only=True: 43 rows, sum(Quantity) = 190;
    # I2 holds =ROUNDUP(A2*3.2,0) with cached value 45.
    bom = parse_sample("odriverobotics_ODriveHardware/BOM_v3.0_nonsplit.xlsx")
    assert bom.sheet == "two_ax_PCB"
    assert_figures(bom, 43, 190, 0)
    first = line_at_row(bom, 2)
    assert first.value == "2.2uF" and first.quantity == 14
    assert first.supplier == "Farnell" and first.supplier_pn == "2211169"
    assert first.raw["Order quantity"] == "45"
    mosfets = line_at_row(bom, 25)
    assert mosfets.quantity == 30 and len(mosfets.designators) == 29  # "Q3, Q3" and no Q4
    warnings = {(p.code, p.row) for p in bom.problems if p.severity == "warning"}
    assert {("duplicate-in-cell", 25), ("quantity-mismatch", 25)} <= warnings
    mismatch = next(p for p in bom.problems if p.code == "quantity-mismatch")
    assert mismatch.message.startswith(
        "Quantity 30 does not match the 29 designators Q1, Q2, Q3, Q5"
    )
    assert mismatch.column == "Quantity (A)" and mismatch.sheet == "two_ax_PCB"


def test_odrive_v31rc_xlsx_micro_sign() -> None:
    # openpyxl: 42 rows, sum(Quantity) = 194.
    bom = parse_sample("odriverobotics_ODriveHardware/BOM_v3.1rc.xlsx")
    assert_figures(bom, 42, 194, 0)
    c6 = line_with(bom, "C6")
    assert (len(c6.designators), c6.value, c6.mpn) == (18, "0.10\u00b5F", "GRM188R71E104KA01D")
    assert c6.value_parameters["capacitance"] == Decimal("1E-7")


def test_bitaxe_two_sheets() -> None:
    # openpyxl: sheet "BOM" 46 rows, sum(Qty) = 87, DNP column empty; "DK Order" the same 46 rows.
    bom = parse_sample("skot_bitaxe/bitaxeUltra BOM.xlsx")
    assert bom.sheet_names == ["BOM", "DK Order"] and bom.sheet == "BOM"
    assert_figures(bom, 46, 87, 0)
    caps = line_at_row(bom, 2)
    assert (caps.quantity, caps.value, caps.mpn, caps.supplier, caps.supplier_pn) == (
        9,
        "0.1uF",
        "0402X104K100CT",
        "Digi-Key",
        "1292-1639-1-ND",
    )
    asic = line_with(bom, "U14")
    assert asic.value == "BM1366_mode1" and asic.mpn == ""
    order = parse_sample("skot_bitaxe/bitaxeUltra BOM.xlsx", sheet="DK Order")
    assert order.sheet == "DK Order"
    assert_figures(order, 46, 87, 0)
    with pytest.raises(ImportRejected, match="no sheet named"):
        parse_sample("skot_bitaxe/bitaxeUltra BOM.xlsx", sheet="Nope")


def test_lumenpnp_jlc_without_quantity_column() -> None:
    # python csv: 58 rows, 234 comma-separated designators, 15 rows without LCSC number.
    bom = parse_sample("opulo-inc_lumenpnp/mobo_bom_jlc.csv")
    assert_figures(bom, 58, 234, 0)
    assert all(line.quantity_derived for line in bom.lines)
    assert "no-quantity-column" in codes(bom, "info")
    drivers = line_at_row(bom, 2)
    assert (drivers.value, drivers.quantity, drivers.lcsc) == ("Motor_Driver", 7, "")
    assert drivers.designators == ["A2", "A3", "A4", "A5", "A6", "A7", "A8"]
    caps = line_at_row(bom, 8)
    assert (caps.value, caps.quantity, caps.lcsc) == ("100n", 12, "C49678")
    assert caps.value_parameters["capacitance"] == Decimal("1E-7")
    assert sum(1 for line in bom.lines if not line.lcsc) == 15


def test_lumenpnp_digikey_cart_without_designators() -> None:
    # python csv: 15 rows, sum(Quantity) = 68; no designators at all.
    bom = parse_sample("opulo-inc_lumenpnp/digikey_piggyback_bom.csv")
    assert_figures(bom, 15, 68, 0)
    jst = line_at_row(bom, 9)
    assert (
        jst.mpn,
        jst.manufacturer,
        jst.quantity,
        jst.supplier,
        jst.supplier_pn,
        jst.designators,
    ) == (
        "B4B-PH-K-S(LF)(SN)",
        "JST Sales America Inc.",
        32,
        "Digi-Key",
        "455-1706-ND",
        [],
    )
    assert line_at_row(bom, 14).manufacturer == "W\u00fcrth Elektronik"
    assert not codes(bom, "error")


# --------------------------------------------------------------------------- encodings / delimiters

SMALL_BOM = [
    ["Designator", "Qty", "Value", "Description", "MPN"],
    ["C1, C2", "2", "0.1\u00b5F", "CAP 0.1\u00b5F \u00b110% X7R", "GRM155R71C104KA88D"],
    ["R1", "1", "4.7k", "RES 4.7k \u00b11%; 0402", "RC0402FR-074K7L"],
]


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _summary(bom: ParsedBom) -> list[tuple[object, ...]]:
    return [(tuple(x.designators), x.quantity, x.value, x.description, x.mpn) for x in bom.lines]


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
    data = encode(_csv_text(SMALL_BOM))  # type: ignore[operator]
    bom = parse_bom_file(data, "small.csv")
    assert _summary(bom) == [
        (("C1", "C2"), 2, "0.1\u00b5F", "CAP 0.1\u00b5F \u00b110% X7R", "GRM155R71C104KA88D"),
        (("R1",), 1, "4.7k", "RES 4.7k \u00b11%; 0402", "RC0402FR-074K7L"),
    ]
    assert bom.lines[0].value_parameters["capacitance"] == Decimal("1E-7")


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16"])
def test_ohm_sign_in_unicode_encodings(codec: str) -> None:
    # Windows-1252 has no Ω, so this one is Unicode-only.
    rows = [SMALL_BOM[0], ["R1", "1", "4.7k\u03a9", "RES 4.7k\u03a9 \u00b11%", "X"]]
    bom = parse_bom_file(_csv_text(rows).encode(codec), "ohm.csv")
    assert bom.lines[0].value == "4.7k\u03a9"
    assert bom.lines[0].value_parameters["resistance"] == Decimal(4700)


def test_cp1252_detected_not_latin1_garbage() -> None:
    sheet = read_tables(_csv_text(SMALL_BOM).encode("cp1252"), "x.csv")[0]
    assert sheet.encoding == "cp1252" and sheet.rows[1][2] == "0.1\u00b5F"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(delimiter: str) -> None:
    data = _csv_text(SMALL_BOM, delimiter).encode()
    sheet = read_tables(data, "d.txt")[0]
    assert sheet.delimiter == delimiter
    assert _summary(parse_bom_file(data, "d.txt")) == _summary(
        parse_bom_file(_csv_text(SMALL_BOM).encode(), "c.csv")
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


# --------------------------------------------------------------------------- rules


def _parse_rows(
    rows: list[list[str]], *, strict: bool = False, count_designators: bool = False
) -> ParsedBom:
    return parse_bom_file(
        _csv_text(rows).encode(), "rules.csv", strict=strict, count_designators=count_designators
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
