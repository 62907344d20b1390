"""Order codes and library names are told from MPNs by their shape (bom_import/codes.py)."""

from __future__ import annotations

import pytest

from accord.parts.bom_import.codes import distributor_of, is_library_reference
from accord.parts.bom_import.parse import parse_bom_file

MPNS = [
    "GRM155R71C104KA88D",
    "RC0402FR-0710KL",
    "STM32F103C8T6",
    "C0603C104K5RACTU",  # KEMET: a C and digits, then letters
    "1-1734248-0",  # TE
    "22-23-2021",  # Molex: a Mouser-like prefix without a letter
    "10-89-7102",
    "74HC4051",
    "885012206095",
    "1868076",  # Phoenix Contact: seven digits
    "LM358",
]


@pytest.mark.parametrize(
    ("code", "seller"),
    [
        ("311-10.0KLRCT-ND", "Digi-Key"),
        ("XC2756CT-ND", "Digi-Key"),
        ("595-SN74LVC1G14DBVR", "Mouser"),
        ("71-CRCW060310K0FKEA", "Mouser"),
        ("C2040", "LCSC"),
        ("C17414", "LCSC"),
    ],
)
def test_order_codes_by_their_shape(code: str, seller: str) -> None:
    assert distributor_of(code) == seller
    assert not is_library_reference(code)


@pytest.mark.parametrize("mpn", MPNS)
def test_mpns_are_neither(mpn: str) -> None:
    assert distributor_of(mpn) is None
    assert not is_library_reference(mpn)


def test_seven_digits_are_farnells_only_when_the_supplier_says_so() -> None:
    assert distributor_of("2112753") is None
    assert distributor_of("2112753RL", supplier="Farnell") == "Farnell"
    assert distributor_of("2112753", supplier="element14") == "Farnell"


@pytest.mark.parametrize(
    "name", ["Device:R", "Connector:Conn_01x02", "Res1", "Cap Pol1", "Header 5", "CAP_0402"]
)
def test_library_and_symbol_names(name: str) -> None:
    assert is_library_reference(name)


def test_an_mpn_column_of_order_codes_and_library_names() -> None:
    data = (
        b"Designator,Qty,Manufacturer,MPN\n"
        b"U1,1,ECS,XC2756CT-ND\n"
        b"R1,1,Yageo,RC0402FR-0710KL\n"
        b"J1,1,,Header 5\n"
        b"C1,1,,C2040\n"
    )
    bom = parse_bom_file(data, "codes.csv")
    by_ref = {line.designators[0]: line for line in bom.lines}
    assert (by_ref["U1"].mpn, by_ref["U1"].supplier_pn, by_ref["U1"].supplier) == (
        "",
        "XC2756CT-ND",
        "Digi-Key",
    )
    assert by_ref["R1"].mpn == "RC0402FR-0710KL"
    assert (by_ref["J1"].mpn, by_ref["C1"].mpn, by_ref["C1"].supplier) == ("", "", "LCSC")
    said = {(p.code, p.row, p.column) for p in bom.problems if p.severity == "info"}
    assert {("distributor-code", 2, "MPN (D)"), ("library-reference", 4, "MPN (D)")} <= said
