"""Every BOM column identified by its contents as well as its header: the built files under
data/boms/built (figures, exact lines, the info problems stating the evidence), the content
detectors one by one, and the header vocabulary in other languages."""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal

import pytest

from accord.parts.bom_import.column_evidence import (
    Kind,
    cell_kinds,
    contradiction,
    designator_kind,
    fit,
    is_distributor_name,
    is_eda_value,
    is_footprint,
    is_manufacturer_name,
    is_mpn_shaped,
    is_note,
    is_number,
    is_price,
    is_sentence,
    is_url,
    is_whole_number,
    profile_column,
)
from accord.parts.bom_import.column_shift import find_shift, realign
from accord.parts.bom_import.content_mapping import infer_field
from accord.parts.bom_import.mapping import map_columns
from accord.parts.bom_import.parse import ParsedBom, ParsedLine, parse_bom_file
from accord.parts.bom_import.problems import Problem
from accord.parts.bom_import.vocabulary import normalize_header
from accord.parts.tests.bom_samples import bom_figures, line_with, sample_bytes


def built(name: str) -> ParsedBom:
    return parse_bom_file(sample_bytes(f"built/{name}"), name)


def exact(line: ParsedLine) -> tuple[object, ...]:
    return (
        line.designators,
        line.quantity,
        line.value,
        line.footprint,
        line.manufacturer,
        line.mpn,
        line.supplier_pn,
    )


def infos(bom: ParsedBom, code: str) -> list[Problem]:
    return [p for p in bom.problems if p.code == code and p.severity == "info"]


def fields(bom: ParsedBom) -> dict[str, str | None]:
    return {m.header: m.field for m in bom.mappings}


def figures(
    lines: int, placements: int, dnp_placements: int, dnp_lines: int, with_mpn: int
) -> dict[str, int]:
    return {
        "lines": lines,
        "placements": placements,
        "fitted_placements": placements - dnp_placements,
        "dnp_placements": dnp_placements,
        "dnp_lines": dnp_lines,
        "partial_dnp_lines": 0,
        "lines_with_mpn": with_mpn,
    }


# --------------------------------------------------------------------------- built files


def test_shifted_kicad_grouped_bom_is_realigned_with_its_evidence() -> None:
    bom = built("kicad_grouped_shifted.csv")
    assert bom_figures(bom) == figures(14, 23, 0, 0, 12)
    assert exact(line_with(bom, "C1")) == (
        ["C1", "C2", "C5", "C8"],
        4,
        "100nF",
        "Capacitor_SMD:C_0402_1005Metric",
        "",
        "GRM155R71C104KA88D",
        "",
    )
    assert exact(line_with(bom, "U2")) == (
        ["U2"],
        1,
        "AP2112K-3.3",
        "Package_TO_SOT_SMD:SOT-23-5",
        "",
        "AP2112K-3.3TRG1",
        "",
    )
    # The last fields of this row are empty: the reader dropped them, and it is realigned too.
    assert exact(line_with(bom, "TP1")) == (
        ["TP1", "TP2"],
        2,
        "TestPoint",
        "TestPoint:TestPoint_Pad_D1.0mm",
        "",
        "",
        "",
    )
    u2 = line_with(bom, "U2")
    assert (u2.description, u2.supplier) == ("IC REG LINEAR 3.3V 600MA SOT23-5", "Digi-Key")
    # No MPN in the description column, no description in the supplier column.
    assert all(" " in line.description for line in bom.lines if line.description)
    [note] = infos(bom, "columns-realigned")
    assert note.message == (
        "The data stands one column to the right of its header: 12 of 14 data rows have 9 "
        "fields under a header of 8, and the field after Cmp name (D) is empty on every row. "
        "Read one column to the left, the cells fit their headers (under 'Footprint', 14 of 14 "
        "cells look like footprints or packages (Capacitor_SMD:C_0402_1005Metric); under "
        "'Description', 13 of 13 cells are descriptions of several words (CAP CER 0.1UF 16V X7R "
        "0402); under 'Vendor', 12 of 12 cells name a distributor (Digi-Key); under 'MPN', 12 "
        "of 12 cells look like part numbers (GRM155R71C104KA88D)), so 14 rows were realigned."
    )
    assert not bom.errors and not bom.warnings


def test_prices_under_mfr_part_number_give_way_to_the_input_column() -> None:
    bom = built("bom_tool_prices_under_mpn.csv")
    assert bom_figures(bom) == figures(22, 37, 0, 0, 22)
    assert exact(line_with(bom, "C1")) == (
        ["C1", "C2", "C3", "C4", "C9", "C10", "C11", "C12"],
        8,
        "",
        "",
        "Murata Electronics",
        "GRM155R71C104KA88D",
        "490-3261-1-ND",
    )
    assert exact(line_with(bom, "J2")) == (
        ["J2"],
        1,
        "",
        "",
        "JST Sales America Inc.",
        "S2B-PH-SM4-TB(LF)(SN)",
        "455-1749-1-ND",
    )
    assert exact(line_with(bom, "U1")) == (
        ["U1"],
        1,
        "",
        "",
        "Microchip Technology",
        "ATSAMD21E18A-AU",
        "ATSAMD21E18A-AU-ND",
    )
    assert not any(line.mpn.startswith("$") for line in bom.lines)
    mapped = fields(bom)
    assert (mapped["Mfr Part Number"], mapped["Mfr Part Number (Input)"]) == (None, "mpn")
    assert mapped["Stock"] is None
    [note] = infos(bom, "header-not-trusted")
    assert note.message == (
        "Mfr Part Number (H) holds prices, not MPNs: 20 of 22 cells look like prices ($0.10); "
        "the header is not trusted. Mfr Part Number (Input) (D) is read as Manufacturer part "
        "number instead: 22 of 22 cells look like part numbers (GRM155R71C104KA88D)."
    )


def test_polish_semicolon_csv_tells_its_two_oznaczenie_columns_apart() -> None:
    bom = built("polish_semicolon_two_oznaczenie.csv")
    assert bom_figures(bom) == figures(14, 22, 1, 1, 14)
    assert [(m.header, m.field) for m in bom.mappings][:5] == [
        ("Lp.", "item"),
        ("Oznaczenie", "designators"),
        ("Ilość", "quantity"),
        ("Oznaczenie", "value"),
        ("Obudowa", "footprint"),
    ]
    assert exact(line_with(bom, "R1")) == (
        ["R1", "R2"],
        2,
        "4,7k",
        "0603",
        "Yageo",
        "RC0603FR-074K7L",
        "RC0603FR-074K7L",
    )
    assert line_with(bom, "R1").value_parameters == {"resistance": Decimal(4700)}
    r7 = line_with(bom, "R7")
    assert exact(r7) == (["R7"], 1, "1k", "0603", "Yageo", "RC0603FR-071KL", "RC0603FR-071KL")
    assert (r7.dnp, r7.notes, r7.supplier) == (True, "nie montować – opcja", "TME")
    assert exact(line_with(bom, "U2")) == (
        ["U2"],
        1,
        "MCP1700-3302E",
        "SOT23",
        "Microchip",
        "MCP1700T-3302E/TT",
        "MCP1700T-3302E/TT",
    )
    [note] = infos(bom, "header-ambiguous")
    assert note.message == (
        "Oznaczenie (D) was read as Value, not Designators: its header can name either, and 7 "
        "of 14 cells look like component values (100nF), while none of its 14 cells look like "
        "designators."
    )


def test_german_altium_export_by_its_german_headers() -> None:
    bom = built("altium_german_stueckliste.xlsx")
    assert bom.header_row == 6
    assert bom_figures(bom) == figures(13, 20, 3, 3, 12)
    assert exact(line_with(bom, "C1")) == (
        ["C1", "C2", "C3", "C4"],
        4,
        "100n",
        "0402",
        "Murata",
        "GRM155R71C104KA88D",
        "1845736",
    )
    r6 = line_with(bom, "R6")
    assert exact(r6) == (["R6"], 1, "120R", "0603", "Vishay", "CRCW0603120RFKEA", "1469794")
    assert r6.dnp and r6.supplier == "Farnell"  # Bestückt: Nein
    assert exact(line_with(bom, "Y1")) == (
        ["Y1"],
        1,
        "32,768kHz",
        "2012",
        "Epson",
        "FC-12M 32.7680KA-A3",
        "2467913",
    )
    assert line_with(bom, "Y1").value_parameters == {"frequency": Decimal(32768)}
    assert set(fields(bom).values()) == {
        "designators",
        "quantity",
        "value",
        "footprint",
        "description",
        "manufacturer",
        "mpn",
        "supplier",
        "supplier_pn",
        "fitted",
    }
    assert not [p for p in bom.problems if p.code in ("fitted-unclear", "column-guess")]


def test_chinese_jlcpcb_sheet_by_its_chinese_headers() -> None:
    bom = built("jlcpcb_chinese_headers.xlsx")
    assert bom_figures(bom) == figures(11, 20, 1, 1, 11)
    assert fields(bom) == {
        "序号": "item",
        "值(Comment)": "value",
        "位号": "designators",
        "封装": "footprint",
        "数量": "quantity",
        "厂家": "manufacturer",
        "型号": "mpn",
        "LCSC": "lcsc",
        "备注": "notes",
    }
    c8 = line_with(bom, "C8")  # "C8，C9": a full-width comma
    assert exact(c8) == (["C8", "C9"], 2, "22pF", "C0402", "风华(FH)", "0402CG220J500NT", "")
    assert c8.lcsc == "C1555"
    r6 = line_with(bom, "R6")
    assert exact(r6) == (["R6"], 1, "1kΩ", "R0402", "厚声(UNI-ROYAL)", "0402WGF1001TCE", "")
    assert r6.dnp and r6.notes == "不贴"
    assert exact(line_with(bom, "U2")) == (
        ["U2"],
        1,
        "ESP32-C3-MINI-1-N4",
        "SMD-53",
        "乐鑫(ESPRESSIF)",
        "ESP32-C3-MINI-1-N4",
        "",
    )


def test_kitting_sheet_stock_and_build_columns_are_never_the_quantity() -> None:
    bom = built("kitting_sheet_stock_columns.csv")
    assert bom_figures(bom) == figures(14, 21, 0, 0, 14)
    mapped = fields(bom)
    assert mapped["Qty"] == "quantity"
    for header in ("Qty x 10", "Need", "Have", "To order", "Stock"):
        assert mapped[header] is None
        reason = next(m.reason for m in bom.mappings if m.header == header)
        assert reason.startswith("Known column that the import does not use: a ")
    assert exact(line_with(bom, "C1")) == (
        ["C1", "C2", "C3", "C4", "C5", "C6"],
        6,
        "100nF",
        "0402",
        "Murata",
        "GRM155R71C104KA88D",
        "",
    )
    assert exact(line_with(bom, "R4")) == (
        ["R4", "R5", "R6"],
        3,
        "0R",
        "0402",
        "Yageo",
        "RC0402JR-070RL",
        "",
    )
    standoff = next(line for line in bom.lines if line.mpn == "970060244")
    assert exact(standoff) == ([], 4, "Standoff M2.5x6", "", "Würth Elektronik", "970060244", "")


def test_combined_mpn_value_column_is_split_per_cell() -> None:
    bom = built("combined_mpn_value_column.csv")
    assert bom_figures(bom) == figures(14, 21, 0, 0, 8)
    assert fields(bom)["MPN/Value"] == "value_or_mpn"
    assert exact(line_with(bom, "R1")) == (["R1", "R2"], 2, "5k1", "0402", "", "", "")
    assert line_with(bom, "R1").value_parameters == {"resistance": Decimal(5100)}
    assert exact(line_with(bom, "R6")) == (["R6"], 1, "", "0603", "Panasonic", "ERA-3AEB1002V", "")
    assert exact(line_with(bom, "L1")) == (["L1"], 1, "4u7", "1210", "", "", "")
    [note] = infos(bom, "value-or-mpn")
    assert note.message == (
        "MPN/Value (C) holds a value on some rows and an MPN on others: 6 cells read as a "
        "component value (100n, 22u, 5k1) were taken as the value, 8 other cells "
        "(GRM188R61E475KE11D, ERA-3AEB1002V, RP2040) as the MPN."
    )


def test_alternative_part_notes_never_become_mpns() -> None:
    bom = built("alternative_part_notes_beside_mpn.csv")
    assert bom_figures(bom) == figures(12, 19, 0, 0, 11)
    assert all(not line.alternates for line in bom.lines)
    assert not any("Alternative" in line.mpn or " " in line.mpn for line in bom.lines)
    c1 = line_with(bom, "C1")
    assert exact(c1) == (
        ["C1", "C2", "C3"],
        3,
        "100nF",
        "C_0603",
        "Samsung",
        "CL10B104KB8NNNC",
        "",
    )
    assert c1.notes == "Alternative part: GRM188R71H104KA93D (Murata)"
    assert exact(line_with(bom, "U2")) == (
        ["U2"],
        1,
        "MIC5219-3.3",
        "SOT-23-5",
        "Microchip",
        "MIC5219-3.3YM5-TR",
        "",
    )
    j2 = line_with(bom, "J2")
    assert exact(j2) == (["J2"], 1, "Conn_01x06", "PinHeader_1x06", "", "", "")
    assert j2.notes == "See note: pick any 2.54 mm 1x6 header"
    [column] = infos(bom, "header-not-trusted")
    assert column.message == (
        "Alternate MPN (H) holds notes, not alternate MPNs: 6 of 6 cells are sentences "
        "(Alternative part: GRM188R71H104KA93D ...); the header is not trusted. It was read as "
        "Notes from its contents."
    )
    [cell] = infos(bom, "note-in-mpn")
    assert (cell.row, cell.column, cell.message) == (
        13,
        "MPN (G)",
        "'See note: pick any 2.54 mm 1x6 header' is a note, not a manufacturer part number: it "
        "was moved to the notes.",
    )


def test_quantity_per_panel_is_divided_by_the_boards_per_panel() -> None:
    bom = built("panel_quantity_per_panel.csv")
    assert bom_figures(bom) == figures(9, 15, 0, 0, 8)
    assert exact(line_with(bom, "C1")) == (
        ["C1", "C2", "C3"],
        3,
        "100nF",
        "0402",
        "Murata",
        "GRM155R71C104KA88D",
        "",
    )
    assert exact(line_with(bom, "TP1")) == (
        ["TP1", "TP2", "TP3", "TP4"],
        4,
        "TestPoint",
        "TP_1mm",
        "",
        "",
        "",
    )
    assert exact(line_with(bom, "U1")) == (
        ["U1"],
        1,
        "SHT40",
        "DFN-4",
        "Sensirion",
        "SHT40-AD1B-R2",
        "",
    )
    assert not [p for p in bom.problems if p.code == "quantity-mismatch"]
    [note] = infos(bom, "quantity-per-panel")
    assert note.message == (
        "Qty per panel (B) counts the parts on a panel; the cell 'Panel: 6 boards per panel (2 "
        "x 3), V-scored' in row 2 gives 6 boards per panel, so 9 quantities were divided by 6 "
        "to give the quantity per board (row 5: 18 per panel, 3 per board)."
    )


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def test_boards_per_panel_column_and_a_missing_count() -> None:
    rows = [
        ["Ref", "Qty/Panel", "Boards per panel", "Value"],
        ["R1, R2", "8", "4", "10k"],
        ["C1", "3", "4", "1u"],
    ]
    bom = parse_bom_file(_csv(rows), "panel.csv")
    assert [line.quantity for line in bom.lines] == [2, Decimal("0.75")]
    [odd] = [p for p in bom.problems if p.severity == "warning" and p.code == "quantity-per-panel"]
    assert (odd.row, odd.message) == (
        3,
        "3 per panel is not a whole number of parts for each of 4 boards; 0.75 per board was used.",
    )
    without = parse_bom_file(_csv([row[:2] + row[3:] for row in rows]), "panel.csv")
    assert [line.quantity for line in without.lines] == [2, 1]  # from the designators
    [warning] = [p for p in without.problems if p.code == "quantity-per-panel"]
    assert warning.severity == "warning" and "does not say how many boards" in warning.message


# --------------------------------------------------------------------------- detectors


@pytest.mark.parametrize("text", ["$1.11", "$0.00", "0,35 €", "USD 12.00", "1.234,50 zł", "¥3.2"])
def test_prices(text: str) -> None:
    assert is_price(text) and cell_kinds(text) & Kind.PRICE


@pytest.mark.parametrize("text", ["1.11", "100nF", "$", "USB-C", "1206"])
def test_not_prices(text: str) -> None:
    assert not is_price(text)


def test_links() -> None:
    assert is_url("https://www.ti.com/lit/ds/symlink/tlv755p.pdf")
    assert is_url("www.murata.com") and is_url("datasheet.pdf")
    assert not is_url("Device:R") and not is_url("GRM155R71C104KA88D")


def test_whole_numbers_and_numbers() -> None:
    assert all(map(is_whole_number, ["3", "3.0", "2.0000000000000000e+00", "4 pcs", "10 Stk."]))
    assert not any(map(is_whole_number, ["3.5", "4k7", "R1", ""]))
    assert is_number("0,5") and is_number("3.25") and not is_number("3,25k")


def test_designators_by_shape_and_prefix() -> None:
    assert designator_kind("C1, C3, C5") == Kind.DESIGNATOR_LIST
    assert designator_kind("R1-R4") == Kind.DESIGNATOR_LIST
    assert designator_kind("LED3") == Kind.DESIGNATOR
    # An MPN that has a designator's shape but no usual prefix is not one.
    assert designator_kind("BAT54") == Kind.NONE and designator_kind("LM358") == Kind.NONE
    assert designator_kind("CAP") == Kind.NONE and designator_kind("100nF") == Kind.NONE


def test_component_values() -> None:
    assert all(map(is_eda_value, ["100nF", "4k7", "1R0", "10uF/16V X7R", "8 MHz", "4,7k"]))
    assert not any(map(is_eda_value, ["GRM155R71C104KA88D", "STM32F405", "0603", "LED"]))


def test_manufacturer_and_distributor_names() -> None:
    assert is_manufacturer_name("Murata Electronics") and is_manufacturer_name("TI")
    assert not is_manufacturer_name("Digi-Key") and not is_manufacturer_name("GRM155R71C104")
    assert is_distributor_name("Digi-Key") and is_distributor_name("Mouser Electronics")
    assert not is_distributor_name("Murata")


def test_footprints_and_packages() -> None:
    for text in ("C_0402", "Capacitor_SMD:C_0402_1005Metric", "SOT-23-5", "CAPC0603X33N"):
        assert is_footprint(text), text
    assert cell_kinds("0603") & Kind.FOOTPRINT  # a size code, not only a number
    assert not is_footprint("CAP CER 0.1UF 16V X7R 0402") and not is_footprint("Murata")


def test_mpn_shapes() -> None:
    for text in ("GRM155R71C104KA88D", "LM358", "1868076", "PTS525SM15SMTR2 LFS"):
        assert is_mpn_shaped(text), text
    for text in ("Murata", "CAP CER 0.1UF", "Alternative part: X123", "R1"):
        assert not is_mpn_shaped(text), text


def test_order_codes_lcsc_and_library_names_as_kinds() -> None:
    assert cell_kinds("311-10.0KLRCT-ND") & Kind.ORDER_CODE
    assert cell_kinds("C2040") & Kind.LCSC
    assert cell_kinds("Device:R") & Kind.LIBRARY


def test_notes_and_sentences() -> None:
    assert is_note("Alternative part: RC0603FR-0710KL")
    assert is_note("use any X7R 100nF")
    assert is_note("See assembly drawing for the orientation")
    # Names and numbers with spaces are no notes (real MPN cells of the samples).
    for text in ("M3 Spade Terminal", "FSM2JSMA or  2-1437565-7", "Header 3X2"):
        assert not is_note(text), text
    assert is_sentence("CAP CER 0.1UF 16V X7R 0402") and not is_sentence("100nF X7R")


def test_profile_fit_and_contradiction_with_counts() -> None:
    prices = profile_column(6, ["$1.11", "$0.35", "$0.10", "$2.40", "Quote", "", "~"])
    assert (prices.filled, prices.placeholders, prices.count(Kind.PRICE)) == (5, 1, 4)
    assert fit(prices, "mpn") < 0.2
    found = contradiction(prices, "mpn", "Mfr Part Number (G)")
    assert found is not None and found.message == (
        "Mfr Part Number (G) holds prices, not MPNs: 4 of 5 cells look like prices ($1.11)"
    )
    # Three prices in four cells are too few to overrule a header.
    assert contradiction(profile_column(0, ["$1", "$2", "$3", "LM358"]), "mpn", "MPN (A)") is None
    mpns = profile_column(0, ["GRM155R71C104KA88D", "LM358", "RC0402FR-0710KL"])
    assert fit(mpns, "mpn") == 1.0 and contradiction(mpns, "mpn", "MPN (A)") is None
    assert contradiction(mpns, "quantity", "Qty (A)") is not None


def test_infer_field_states_counts() -> None:
    assert infer_field(["R1, R2", "C3", "U1"]) == (
        "designators",
        0.6,
        "3 of 3 cells hold designators (R1, R2)",
    )
    assert infer_field(["1", "2", "3", "4"]) == ("item", 0.5, "The 4 cells count up 1, 2, 3...")
    assert infer_field(["3", "1", "12"])[:2] == ("quantity", 0.6)  # type: ignore[index]
    assert infer_field(["$1.00", "$2.00"]) is None
    assert infer_field(["Alternative part: X1", "use any 10k 0603 resistor"])[0] == "notes"  # type: ignore[index]
    assert infer_field(["Alternative part: X1"], taken={"notes", "description"}) is None


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Menge", "quantity"),
        ("Anzahl", "quantity"),
        ("Bestückt", "fitted"),
        ("Bestueckt", "fitted"),
        ("Hersteller", "manufacturer"),
        ("Wert", "value"),
        ("Bauform", "footprint"),
        ("Gehäuse", "footprint"),
        ("Gehause", "footprint"),
        ("Bezeichner", "designators"),
        ("Herstellerteilenummer", "mpn"),
        ("Ilość", "quantity"),
        ("ILOSC", "quantity"),
        ("Obudowa", "footprint"),
        ("Producent", "manufacturer"),
        ("Wartość", "value"),
        ("Wartosc", "value"),
        ("Numer katalogowy", "mpn"),
        ("Dostawca", "supplier"),
        ("Cantidad", "quantity"),
        ("Fabricante", "manufacturer"),
        ("Quantité", "quantity"),
        ("Valeur", "value"),
        ("Fabricant", "manufacturer"),
        ("Référence fabricant", "mpn"),
        ("Fournisseur", "supplier"),
        ("Quantità", "quantity"),
        ("Valore", "value"),
        ("Produttore", "manufacturer"),
        ("Množství", "quantity"),
        ("Mnozstvi", "quantity"),
        ("Hodnota", "value"),
        ("Pouzdro", "footprint"),
        ("Výrobce", "manufacturer"),
        ("Quantidade", "quantity"),
        ("Descrição", "description"),
        ("数量", "quantity"),
        ("位号", "designators"),
        ("封装", "footprint"),
        ("型号", "mpn"),
        ("值", "value"),
        ("规格", "value"),
        ("厂家", "manufacturer"),
        ("制造商", "manufacturer"),
        ("供应商", "supplier"),
        ("部品番号", "mpn"),
        ("メーカー", "manufacturer"),
        ("型番", "mpn"),
        ("定数", "value"),
        ("リファレンス", "designators"),
        ("Quantity Per Side", "quantity"),
        ("Qty/PCB", "quantity"),
        ("Qty per board", "quantity"),
        ("Qty per panel", "quantity"),
        ("Value / Part number", "value_or_mpn"),
        ("Value/MPN", "value_or_mpn"),
        ("Part/Value", "value_or_mpn"),
        ("Part Value", "value"),
        ("Package / Case", "footprint"),
    ],
)
def test_header_words(header: str, field: str) -> None:
    [mapping] = map_columns([header])
    assert mapping.field == field, mapping.reason


@pytest.mark.parametrize(
    "header",
    [
        "Qty x 10",
        "Total for 50 boards",
        "Build qty",
        "Need",
        "Have",
        "To order",
        "Stock",
        "On hand",
        "Shortage",
        "Bestand",
        "Lager",
        "Bestellen",
        "Stan",
        "Zamówić",
        "Stock disponible",
        "库存",
        "在庫",
        "Qty (10 boards)",
    ],
)
def test_stock_and_build_columns_are_known_and_unused(header: str) -> None:
    [mapping] = map_columns([header], [["12"], ["40"], ["3"]])
    assert mapping.field is None
    assert mapping.reason.startswith("Known column that the import does not use")


def test_cjk_headers_survive_normalisation() -> None:
    assert normalize_header("位号") == "位号" and normalize_header("メーカー") == "メーカー"
    assert normalize_header(" Ilość ") == normalize_header("ILOSC") == "ilosc"
    assert normalize_header("Reference(s)") == "references"
    assert normalize_header("LCSC Part #") == "lcscpartno"


def test_an_unknown_word_is_mapped_by_its_contents() -> None:
    rows = [["R1, R2", "2", "Yageo"], ["C1", "1", "Murata"], ["U1", "1", "Texas Instruments"]]
    mappings = map_columns(["Pozice", "Kusů celkem", "Firma"], rows)
    assert [m.field for m in mappings] == ["designators", "quantity", "manufacturer"]
    assert mappings[2].note == (
        "Firma (C) was read as Manufacturer from its contents: 3 of 3 cells name a manufacturer "
        "(Yageo). Please check."
    )


def test_same_named_columns_are_told_apart_by_their_contents() -> None:
    rows = [["10k", "R1, R2"], ["100nF", "C1"], ["4k7", "R3"]]
    mappings = map_columns(["Value", "Value"], rows)
    assert [m.field for m in mappings] == ["value", "designators"]
    assert mappings[1].note_code == "same-header"
    assert mappings[1].note.startswith("Value (B) has the same header as Value (A) and was read")
    # Both holding values: the second backs the first up, as before.
    alike = map_columns(["Ref", "Value", "Value"], [["R1", "10k", ""], ["R2", "", "4k7"]])
    assert [m.field for m in alike] == ["designators", "value", None]
    assert alike[2].duplicate_of == 1


def test_swapped_quantity_and_designator_headers_are_both_overruled() -> None:
    rows = [
        ["Item", "Qty", "Designator", "Manufacturer Part Number"],
        ["1", "R1 R2", "2", "RC0603FR-0710KL"],
        ["2", "C1", "1", "GRM155R71C104KA88D"],
        ["3", "U1", "1", "LM358DR"],
    ]
    bom = parse_bom_file(_csv(rows), "swapped.csv")
    assert fields(bom) == {
        "Item": "item",
        "Qty": "designators",
        "Designator": "quantity",
        "Manufacturer Part Number": "mpn",
    }
    assert [(line.designators, line.quantity) for line in bom.lines] == [
        (["R1", "R2"], 2),
        (["C1"], 1),
        (["U1"], 1),
    ]
    assert [p.message for p in infos(bom, "header-not-trusted")] == [
        "Qty (B) holds designators, not quantities: 3 of 3 cells hold designators (R1 R2); the "
        "header is not trusted. It was read as Designators from its contents.",
        "Designator (C) holds whole numbers, not designators: 3 of 3 cells are whole numbers "
        "(2); the header is not trusted. It was read as Quantity from its contents.",
    ]
    assert not bom.errors


def test_a_comment_column_of_remarks_is_read_as_notes() -> None:
    rows = [
        ["Designator", "Quantity", "Value", "Comment", "MPN"],
        ["R1, R2", "2", "10k", "use 1% thin film if available", "RC0603FR-0710KL"],
        ["C1", "1", "100nF", "Alternative part: CL05B104KO5NNNC", "GRM155R71C104KA88D"],
        ["U1", "1", "LM358", "check the pinout before ordering", "LM358DR"],
    ]
    bom = parse_bom_file(_csv(rows), "comment.csv")
    assert fields(bom)["Comment"] == "notes"
    assert line_with(bom, "C1").notes == "Alternative part: CL05B104KO5NNNC"
    [note] = infos(bom, "header-ambiguous")
    assert note.message == (
        "Comment (D) was read as Notes, not Value: its header can name either, and 3 of 3 cells "
        "are sentences (use 1% thin film if available), while none of its 3 cells look like "
        "values."
    )


def test_misspelling_guesses_are_tight_and_checked_against_contents() -> None:
    by_header = {m.header: m for m in map_columns(["Desigantor", "Nodes", "Supplier link"])}
    assert by_header["Desigantor"].field == "designators"
    assert by_header["Nodes"].field is None and by_header["Supplier link"].field is None
    [mapping] = map_columns(["Desigantor"], [["R1"], ["R2, R3"], ["C4"]])
    assert mapping.note == (
        "Desigantor (A) was read as Designators: its header is spelt almost like 'Designator', "
        "and 3 of 3 cells hold designators (R2, R3). Please check."
    )
    # Spelt like "Notes" but holding whole numbers: not read as notes.
    [vetoed] = map_columns(["Notess"], [["3"], ["1"], ["12"]])
    assert vetoed.field != "notes"
    assert "spelt almost like 'Notes', but 3 of 3 cells are whole numbers" in vetoed.note


def test_realignment_keeps_rows_that_were_not_shifted() -> None:
    header = ["Ref", "Qty", "Value", "Footprint", "Manufacturer", "MPN"]
    rows = [
        ["R1", "1", "10k", "", "R_0402", "Yageo", "RC0402FR-0710KL"],
        ["R2", "1", "1k", "", "R_0402", "Yageo", "RC0402FR-071KL"],
        ["C1", "1", "1u", "", "C_0402", "Murata", "GRM155R61A105KE15D"],
        ["J1", "1", "Conn", "", "PinHeader_1x02"],  # trailing empty fields dropped by the reader
        ["U1", "1", "LM358", "SOIC-8", "TI", "LM358DR"],  # left alone by whoever edited it
    ]
    shift = find_shift(header, rows)
    assert shift is not None and (shift.extra, shift.wide_rows) == (3, 3)
    assert realign(rows, 0, shift) == 4
    assert rows[3] == ["J1", "1", "Conn", "PinHeader_1x02"]
    assert rows[4] == ["U1", "1", "LM358", "SOIC-8", "TI", "LM358DR"]


def test_an_unlabelled_extra_column_with_content_is_no_shift() -> None:
    header = ["Ref", "Qty", "Value", "Footprint", "MPN"]
    rows = [
        ["R1", "1", "10k", "R_0402", "RC0402FR-0710KL", "check stock"],
        ["R2", "1", "1k", "R_0402", "RC0402FR-071KL", "ok"],
        ["C1", "1", "1u", "C_0402", "GRM155R61A105KE15D", "ok"],
    ]
    assert find_shift(header, rows) is None


def test_five_thousand_shifted_rows_parse_in_well_under_a_second() -> None:
    lines = ['"Ref","Qty","Value","Cmp name","Footprint","Description","Vendor","MPN"']
    for i in range(5000):
        lines.append(
            f'"R{2 * i + 1} R{2 * i + 2}","2","{i % 97 + 1}k","R","","R_0402","RES {i} 1% 0402",'
            f'"Digi-Key","RC0402FR-07{i}KL"'
        )
    data = ("\n".join(lines) + "\n").encode()
    # CPU time of this process: other processes on a busy machine do not count against it.
    start = time.process_time()
    bom = parse_bom_file(data, "big.csv")
    elapsed = time.process_time() - start
    assert len(bom.lines) == 5000 and bom.lines[0].mpn == "RC0402FR-070KL"
    assert infos(bom, "columns-realigned")
    assert elapsed < 1.5, elapsed  # about 0.5 s on an idle machine
