"""Every sample file parses; figures and exact lines of each real file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from accord.parts.bom_import.parse import ParsedBom, parse_bom_file
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.tests.bom_parsing.helpers import codes, parse_sample, refs
from accord.parts.tests.bom_samples import (
    BOMS_DIR,
    bom_files,
    is_placement_name,
    line_at_row,
    line_with,
    sample_id,
)

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
