"""Tests for accord.parts.catalogue_parse (pure: no Django, no database)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.parts.catalogue_parse import (
    CANONICAL_COLUMNS,
    LIFECYCLES,
    CatalogueFormatError,
    CatalogueFrame,
    _decimal_stages,  # private, but it is the arithmetic core worth a property test
    format_decimal,
    manufacturer_key,
    manufacturer_key_expr,
    mpn_key,
    mpn_key_expr,
    parse_catalogue,
)
from accord.parts.tests.bom_samples import CPL, DIGIKEY

# Digi-Key and CPL are the demo's catalogues; the Horizon pool (7.6 MB) is kept gzip-compressed
# with the test data (data/parts, SOURCES.md beside it).
HORIZON = (
    Path(__file__).resolve().parent
    / "data"
    / "parts"
    / "horizon-eda_horizon-pool"
    / "horizon_pool_parts_2021-04_flattened.csv.gz"
)


def _parse_file(path: Path) -> CatalogueFrame:
    if not path.exists():
        pytest.skip(f"{path} is not in the repository")
    if path.suffix == ".gz":
        return parse_catalogue(gzip.decompress(path.read_bytes()), path.stem)
    return parse_catalogue(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def digikey() -> CatalogueFrame:
    return _parse_file(DIGIKEY)


@pytest.fixture(scope="module")
def cpl() -> CatalogueFrame:
    return _parse_file(CPL)


@pytest.fixture(scope="module")
def horizon() -> CatalogueFrame:
    return _parse_file(HORIZON)


def _row(result: CatalogueFrame, mpn: str) -> dict[str, object]:
    rows = result.frame.filter(pl.col("mpn") == mpn).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


def _params(row: dict[str, object]) -> dict[str, str]:
    assert isinstance(row["parameters"], str)
    return json.loads(row["parameters"])


def _assert_canonical(result: CatalogueFrame) -> None:
    frame = result.frame
    assert tuple(frame.columns) == CANONICAL_COLUMNS
    assert set(frame["lifecycle"].unique()) <= set(LIFECYCLES)
    assert set(frame["rohs"].unique()) <= {"compliant", "non_compliant", "exempt", "unknown"}
    assert set(frame["reach"].unique()) <= {"compliant", "affected", "unknown"}
    assert (
        frame.select(pl.struct("manufacturer_key", "mpn_key").is_duplicated().any()).item() is False
    )
    assert frame["mpn"].null_count() == 0 and frame["manufacturer"].null_count() == 0
    assert (frame["manufacturer_key"] != "").all() and (frame["mpn_key"] != "").all()
    for text in frame["parameters"]:
        assert all(isinstance(v, str) for v in json.loads(text).values())


# ----------------------------------------------------------------------------- Digi-Key


def test_digikey_rows_and_lifecycle(digikey: CatalogueFrame) -> None:
    assert digikey.kind == "digikey"
    assert digikey.frame.height == 1073
    assert digikey.problems == []
    _assert_canonical(digikey)
    # Independent count of the raw Status column with the csv module.
    with DIGIKEY.open(newline="", encoding="utf-8") as handle:
        raw = Counter(row["Status"] for row in csv.DictReader(handle))
    assert raw == {
        "Active": 994, "Obsolete NonStock": 47, "Not For New Designs": 15,
        "Active NonStock": 10, "Discontinued at Digi-Key NonStock": 4,
        "Last Time Buy NonStock": 3,
    }  # fmt: skip
    counts = dict(digikey.frame["lifecycle"].value_counts().iter_rows())
    assert counts == {
        "active": raw["Active"] + raw["Active NonStock"],
        "nrnd": raw["Not For New Designs"],
        "ltb": raw["Last Time Buy NonStock"],
        "obsolete": raw["Obsolete NonStock"],
        "unknown": raw["Discontinued at Digi-Key NonStock"],
    }


def test_digikey_nrnd_part(digikey: CatalogueFrame) -> None:
    row = _row(digikey, "DS3231MZ/V+")
    assert row["manufacturer"] == "Maxim Integrated"
    assert row["manufacturer_key"] == "maxim integrated"
    assert row["mpn_key"] == "DS3231MZV+"  # "+" (lead-free) survives, "/" does not
    assert row["lifecycle"] == "nrnd"
    assert row["category"] == "Integrated Circuits (ICs) > Clock/Timing - Real Time Clocks"
    assert row["supplier"] == "Digi-Key" and row["supplier_pn"] == "DS3231MZ/V+-ND"
    assert row["package"] == "SOIC-8_W3.9mm"
    assert row["source_row"] == 30 and row["group_key"] is None and row["alt_rank"] == 1
    assert _row(digikey, "LM393N")["lifecycle"] == "ltb"
    assert _row(digikey, "TPS61200DRCR")["lifecycle"] == "unknown"  # discontinued at Digi-Key


def test_utf8_bom_is_accepted(digikey: CatalogueFrame) -> None:
    with_bom = parse_catalogue(b"\xef\xbb\xbf" + DIGIKEY.read_bytes(), "dk.csv")
    assert with_bom.encoding == "utf-8-sig"
    assert with_bom.frame.equals(digikey.frame)


# ---------------------------------------------------------------------------------- CPL


def test_cpl_rows_and_problems(cpl: CatalogueFrame) -> None:
    assert cpl.kind == "cpl"
    _assert_canonical(cpl)
    assert cpl.frame.height == 748  # 794 rows - 18 without MPN - 28 duplicates
    # 477 cplids name 482 generic parts (see below); 25 lose every row to a skip.
    assert cpl.frame["group_key"].n_unique() == 457
    assert set(cpl.frame["lifecycle"].unique()) == {"unknown"}
    kinds = Counter(p["message"].split(" ")[0] for p in cpl.problems)
    assert kinds == {"No": 18, "Duplicate": 28, "cplid": 5}
    # Energizer AA batteries have no MPN; the row number is the spreadsheet row.
    assert {
        "row": 576,
        "column": "mpn",
        "message": "No manufacturer part number (MPN) — row skipped.",
    } in cpl.problems


def test_cpl_group_with_alternates(cpl: CatalogueFrame) -> None:
    group = cpl.frame.filter(pl.col("group_key") == "CPL-RES-0603-10K-0.1W").sort("alt_rank")
    assert group.select("alt_rank", "manufacturer", "mpn").rows() == [
        (1, "Yageo", "RC0603FR-0710KL"),
        (2, "Panasonic", "ERJ-3EKF1002V"),
        (3, "Vishay", "CRCW060310K0FKEA"),
    ]
    for row in group.to_dicts():
        params = _params(row)
        assert Decimal(params["resistance"]) == Decimal("1E+4")
        assert params["power_rated"] == "0.1" and params["tolerance_pct"] == "1"
        assert row["category"] == "Resistors" and row["package"] == "0603"
        assert row["value"] == "10 kΩ"
    cap = _row(cpl, "GRM155R71C104KA88D")
    assert cap["group_key"] == "CPL-CAP-X7R-0402-100NF-16V" and cap["alt_rank"] == 1
    assert _params(cap) == {
        "capacitance": "1e-7", "dielectric": "X7R", "technology": "Ceramic Multilayer",
        "case_size": "0402", "tolerance_pct": "10", "voltage_rated": "16",
    }  # fmt: skip


def test_cpl_reused_cplid_is_split_and_duplicates_reported(cpl: CatalogueFrame) -> None:
    groups = cpl.frame.filter(pl.col("group_key").str.starts_with("CPL-RES-0603-3.3K-0.1W"))
    assert groups["group_key"].n_unique() == 4  # 0402, 0603, 0805 and 1206 share one cplid
    assert _row(cpl, "RC1206FR-073K3L")["group_key"] == (
        "CPL-RES-0603-3.3K-0.1W [Resistor 3.3 kΩ ±1% 1206 250 mW]"
    )
    # A quoted cell with a line break ("400 V\n") sits above: rows count records, not lines.
    duplicate = next(p for p in cpl.problems if p["row"] == 604 and p["column"] == "mpn")
    assert str(duplicate["message"]).startswith("Duplicate of row 167 ")
    assert _row(cpl, "1N4007")["source_row"] == 167


def test_cpl_spec_text_parsing(cpl: CatalogueFrame) -> None:
    diode = _params(_row(cpl, "1N4007"))
    assert diode["voltage_forward"] == "1.1" and diode["voltage_reverse_max"] == "1000"
    assert diode["current_forward_max"] == "1"
    inductor = cpl.frame.filter(pl.col("parameters").str.contains('"tolerance_abs"')).to_dicts()
    assert inductor and all(Decimal(_params(r)["tolerance_abs"]) < 1 for r in inductor)
    ranges = [
        _params(r) for r in cpl.frame.to_dicts() if "voltage_output_text" in str(r["parameters"])
    ]
    assert {p["voltage_output_text"] for p in ranges} >= {"0.6 V to 4.5 V", "1.2 V to 37 V"}


# ------------------------------------------------------------------------------ Horizon


def test_horizon_rows_problems_and_timing(horizon: CatalogueFrame) -> None:
    assert horizon.kind == "horizon"
    _assert_canonical(horizon)
    assert horizon.frame.height == 25017
    kinds = Counter(str(p["message"]).split(" ")[0] for p in horizon.problems)
    assert kinds == {"Generic": 105, "No": 99, "Base": 54, "Duplicate": 1}
    data = gzip.decompress(HORIZON.read_bytes())
    start = time.perf_counter()
    parse_catalogue(data, HORIZON.stem)
    elapsed = time.perf_counter() - start
    print(f"horizon parse: {elapsed:.3f} s")
    assert elapsed < 3.0


def test_horizon_murata_mlcc(horizon: CatalogueFrame) -> None:
    row = _row(horizon, "GRM155R71C104KA88")
    params = _params(row)
    assert Decimal(params["capacitance"]) == Decimal("1E-7")
    assert params == {
        "capacitance": "1e-7", "dielectric": "X7R", "voltage_rated": "16", "tolerance_pct": "10",
    }  # fmt: skip
    assert row["manufacturer_key"] == "murata" and row["category"] == "Capacitors"
    assert row["value"] == "100 nF" and row["package"] == "C0402" and row["source_row"] == 4461
    resistor = _params(_row(horizon, "ERJ-6RED2203"))
    assert resistor == {"resistance": "220000", "tolerance_pct": "0.5", "power_rated": "0.1"}
    inductor = _params(_row(horizon, "XFL4020-222MEC"))
    assert inductor == {
        "inductance": "0.0000022",
        "dc_resistance": "0.0108",
        "current_rated": "4.5",
    }
    assert _row(horizon, "XFL4020-222MEC")["category"] == "Inductors"


def test_horizon_categories(horizon: CatalogueFrame) -> None:
    counts = dict(horizon.frame["category"].value_counts().iter_rows())
    assert counts["Capacitors"] == 19904 and counts["Resistors"] == 4869
    assert {"ICs", "Connectors", "Inductors", "Diodes", "Transistors"} <= counts.keys()
    assert horizon.frame["category"].null_count() == 0


# ---------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("TI", "Texas Instruments"), ("Texas Instruments Incorporated", "TEXAS INSTRUMENTS"),
        ("Murata Electronics", "Murata"), ("Murata Manufacturing Co., Ltd.", "Murata"),
        ("Würth Elektronik", "Wurth Elektronik"), ("Wurth Electronics Inc.", "Würth Elektronik"),
        ("ADI", "Analog Devices Inc."), ("ST", "STMicroelectronics"), ("NXP USA Inc.", "NXP"),
        ("NXP Semiconductors", "NXP B.V."), ("ON Semiconductor", "onsemi"), ("ON", "onsemi"),
        ("Microchip Technology", "Microchip"), ("Panasonic Electronic Components", "Panasonic"),
        ("YAGEO Corporation", "Yageo"), ("Samsung Electro-Mechanics", "SEMCO"),
        ("TDK Corporation", "TDK"), ("Kemet", "KEMET"), ("Vishay Dale", "Vishay"),
        ("Amphenol ICC (FCI)", "FCI"), ("Taiyo Yuden", "TAIYO YUDEN CO., LTD."),
        ("Littelfuse Inc.", "Littelfuse"), ("Diodes Incorporated", "Diodes Inc."),
        ("Nexperia USA Inc.", "Nexperia B.V."), ("Infineon Technologies AG", "Infineon"),
        ("Maxim", "Maxim Integrated"),
    ],
)  # fmt: skip
def test_manufacturer_key_equivalences(left: str, right: str) -> None:
    assert manufacturer_key(left) == manufacturer_key(right) != ""


def test_manufacturer_key_keeps_different_makers_apart() -> None:
    names = [
        "Murata", "Murata Power Solutions", "TDK", "TDK InvenSense", "Samsung", "Vishay",
        "Analog Devices", "Maxim Integrated", "Texas Instruments", "ON Shore Technology",
    ]  # fmt: skip
    assert len({manufacturer_key(n) for n in names}) == len(names)
    assert manufacturer_key("") == manufacturer_key(None) == ""


def test_mpn_key_examples() -> None:
    assert mpn_key(" erj-3ekf1001v ") == "ERJ3EKF1001V" == mpn_key("ERJ 3EKF 1001 V")
    assert mpn_key("ERJ\u20133EKF1001V") == "ERJ3EKF1001V"  # Excel's auto en dash
    assert mpn_key("MCP3008-I/P") == "MCP3008IP"
    assert mpn_key("MAX232CPE+") != mpn_key("MAX232CPE")
    assert mpn_key("LT1763CS8#PBF") == "LT1763CS8#PBF"
    assert mpn_key("BF862,215") == "BF862,215"
    assert mpn_key("ＧＲＭ１５５") == "GRM155"  # full-width forms from CJK spreadsheets


MPN_ALPHABET = st.sampled_from(
    list("ABCXYZabcxyz0189-./_ +#,()&µΩ×\u00a0\u2013\u2212\u200bﬁＡ１ßİǅ\t\n")
)


def _vector(values: Sequence[str | None], expr: pl.Expr) -> list[str]:
    return pl.DataFrame({"v": values}, schema={"v": pl.Utf8}).select(expr).to_series().to_list()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(MPN_ALPHABET, max_size=24),
            st.text(st.characters(exclude_categories=("Cs", "Cn")), max_size=24),
            st.none(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_mpn_key_scalar_matches_vectorised(values: list[str | None]) -> None:
    assert _vector(values, mpn_key_expr(pl.col("v"))) == [mpn_key(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["TI", "Murata Electronics", "Würth Elektronik GmbH & Co. KG", "ON",
                             "ST Micro", "N.V. Foo B.V.", "Co.", "  Inc  ", "ß Straße AG"]),
            st.text(st.characters(exclude_categories=("Cs", "Cn")), max_size=24),
        ),
        min_size=1,
        max_size=20,
    )
)  # fmt: skip
def test_manufacturer_key_scalar_matches_vectorised(values: list[str]) -> None:
    assert _vector(values, manufacturer_key_expr(pl.col("v"))) == [
        manufacturer_key(v) for v in values
    ]


def _vector_decimals(texts: list[str], shift: int = 0) -> list[str | None]:
    lf = pl.DataFrame({"x": texts}, schema={"x": pl.Utf8}).lazy()
    for stage in _decimal_stages(pl.col("x"), pl.lit(shift, pl.Int64), "out"):
        lf = lf.with_columns(**stage)
    return lf.select("out").collect().to_series().to_list()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(lambda m, e: Decimal(m).scaleb(e), st.integers(-(10**20), 10**20),
                  st.integers(-40, 40)),
        min_size=1,
        max_size=20,
    ),
    st.integers(-12, 9),
)  # fmt: skip
def test_decimal_strings_are_exact(values: list[Decimal], shift: int) -> None:
    texts = [str(v) for v in values]  # mixes "1.5E+7", "0.00012", "-0" ...
    expected = [format_decimal(v.scaleb(shift)) for v in values]
    assert _vector_decimals(texts, shift) == expected
    assert all(Decimal(s) == v.scaleb(shift) for s, v in zip(expected, values, strict=True))


def test_decimal_string_examples() -> None:
    texts = ["1.000000e-11", "1.0000e-07", "4700", "0.063", "1e-6", "00012.50", ".5", "-3.",
             "5.0", "1e21", "abc", "", ".", "1e99999"]  # fmt: skip
    assert _vector_decimals(texts) == [
        "1e-11", "1e-7", "4700", "0.063", "0.000001", "12.5", "0.5", "-3", "5",
        "1e+21", None, None, None, None,
    ]  # fmt: skip


# ---------------------------------------------------------------------- generic layout

GENERIC_CSV = (
    "Approved vendor list - export 2024-05;;;;;;;;;;;\r\n"
    "Mfr;Mfr Part Number;Description;Lifecycle Status;RoHS;REACH SVHC;Capacitance;"
    "Voltage Rating;Tolerance;Power;Resistance (kOhm);Notes\r\n"
    "Würth Elektronik;885012206046;MLCC 4,7 µF;Active;RoHS Compliant;No;4.7 µF;16 V;±10%;;;Pref\r\n"
    "Murata Electronics;GRM188R71C104KA01D;MLCC 100nF;NRND;Yes;Yes;0,1 µF;16V;10%;;;\r\n"
    ";;;;;;;;;;;\r\n"
    "Texas Instruments;;Op amp;Obsolete;Non-compliant;;;;;;;\r\n"
    "Yageo;RC0603FR-074K7L;Resistor;Preliminary;Exempt;;;;;1/10 W;4.7;\r\n"
    "Murata;grm188r71c104ka01d;same part again;Active;;;;;;;;\r\n"
    "Panasonic;ERJ-3EKF1001V;;End of Life;;;;;±1 %;0.1W;1;\r\n"
    ";ABC-1;no maker;Last Time Buy;;;;;;;;\r\n"
)


def test_generic_semicolon_cp1252_csv() -> None:
    result = parse_catalogue(GENERIC_CSV.encode("cp1252"), "avl.csv")
    assert result.kind == "generic" and result.encoding == "cp1252"
    _assert_canonical(result)
    frame = result.frame
    assert frame["mpn"].to_list() == [
        "885012206046", "GRM188R71C104KA01D", "RC0603FR-074K7L", "ERJ-3EKF1001V",
    ]  # fmt: skip
    assert frame["source_row"].to_list() == [3, 4, 7, 9]  # title block and blank row counted
    assert frame["manufacturer_key"].to_list() == [
        "wurth elektronik",
        "murata",
        "yageo",
        "panasonic",
    ]
    assert frame["lifecycle"].to_list() == ["active", "nrnd", "active", "eol"]
    assert frame["rohs"].to_list() == ["compliant", "compliant", "exempt", "unknown"]
    assert frame["reach"].to_list() == ["compliant", "affected", "unknown", "unknown"]  # SVHC: yes
    params = [json.loads(p) for p in frame["parameters"]]
    assert params[0] == {"capacitance": "0.0000047", "voltage_rated": "16", "tolerance_pct": "10",
                         "notes": "Pref"}  # fmt: skip
    assert Decimal(params[1]["capacitance"]) == Decimal("1E-7")  # decimal comma
    assert params[2] == {"power_rated": "0.1", "resistance": "4700"}  # "1/10 W", header unit kOhm
    assert params[3] == {"tolerance_pct": "1", "power_rated": "0.1", "resistance": "1000"}
    assert result.problems == [
        {"row": 6, "column": "Mfr Part Number",
         "message": "No manufacturer part number (MPN) — row skipped."},
        {"row": 8, "column": "Mfr Part Number",
         "message": "Duplicate of row 4 (same manufacturer part Murata grm188r71c104ka01d) — row "
         "skipped, the first one is kept."},
        {"row": 10, "column": "Mfr", "message": "No manufacturer — row skipped."},
    ]  # fmt: skip


def test_generic_tsv_and_xlsx() -> None:
    tsv = "Manufacturer\tMPN\tStatus\tCapacitance (nF)\r\nKemet\tC0603C104K5RACTU\tActive\t100\r\n"
    result = parse_catalogue(tsv.encode("utf-16"), "avl.txt")  # Excel "Unicode text"
    assert result.frame["mpn"].to_list() == ["C0603C104K5RACTU"]
    assert json.loads(result.frame["parameters"][0]) == {"capacitance": "1e-7"}
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (["Vendor list"], [], ["Manufacturer", "MPN", "Lifecycle", "Qty"],
                 ["TI", "LM358DR", "Active", 3], ["ADI", None, "NRND", 1],
                 ["Kemet", 473080001, "NRND", 2.5]):  # fmt: skip
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = parse_catalogue(buffer.getvalue(), "avl.xlsx")
    assert xlsx.kind == "generic"
    assert xlsx.frame.select("mpn", "lifecycle", "source_row").rows() == [
        ("LM358DR", "active", 4), ("473080001", "nrnd", 6),
    ]  # fmt: skip
    assert json.loads(xlsx.frame["parameters"][1]) == {"qty": "2.5"}
    assert xlsx.problems == [
        {"row": 5, "column": "MPN", "message": "No manufacturer part number (MPN) — row skipped."}
    ]


def test_unrecognised_file_is_rejected() -> None:
    with pytest.raises(CatalogueFormatError):
        parse_catalogue(b"foo,bar\n1,2\n", "nonsense.csv")
    with pytest.raises(CatalogueFormatError):
        parse_catalogue(b"PK\x03\x04 not really a workbook", "broken.xlsx")


def test_near_miss_known_header_falls_back_to_generic() -> None:
    text = (
        "Manufacturer,MPN,Digi-Key PN,Status,source_row\n"
        "Texas Instruments,LM358DR,296-1014-1-ND,Not For New Designs,x\n"
    )
    result = parse_catalogue(text.encode(), "dk-like.csv")
    assert result.kind == "generic"
    row = result.frame.to_dicts()[0]
    assert (row["supplier"], row["supplier_pn"], row["lifecycle"]) == (
        "Digi-Key", "296-1014-1-ND", "nrnd",
    )  # fmt: skip
    assert row["source_row"] == 2 and json.loads(str(row["parameters"])) == {"source_row": "x"}
