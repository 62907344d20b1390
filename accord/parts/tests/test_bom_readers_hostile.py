"""Hostile uploads: every one must end in ImportRejected, quickly and in bounded memory."""

from __future__ import annotations

import contextlib
import random
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.parts.bom_import.parse import parse_bom_file
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.bom_import.readers import read_tables

from .bom_samples import (
    lie_about_size,
    make_xls,
    make_xlsx,
    ole_file,
    replace_member,
    zip_bomb_xlsx,
)


def rejected(data: bytes, filename: str, **kwargs: int) -> ImportRejected:
    with pytest.raises(ImportRejected) as exc:
        read_tables(data, filename, **kwargs)
    assert exc.value.problems and exc.value.problems[0].severity == "error"
    assert exc.value.problems[0].file == filename.rsplit("/", 1)[-1]
    return exc.value


def test_empty_file() -> None:
    assert rejected(b"", "empty.csv").problems[0].code == "empty-file"
    assert rejected(b"  \r\n\n", "blank.csv").problems[0].code == "empty-file"


def test_file_over_max_bytes() -> None:
    exc = rejected(b"Ref,Qty\n" + b"R1,1\n" * 100, "big.csv", max_bytes=100)
    assert exc.problems[0].code == "file-too-large"
    assert "the limit is" in exc.message


def test_random_bytes() -> None:
    data = random.Random(1234).randbytes(64 * 1024)
    exc = rejected(data, "mystery.xlsx")
    assert "binary" in exc.message or "not" in exc.message


@pytest.mark.parametrize("seed", range(5))
def test_short_random_bytes_without_nul(seed: int) -> None:
    data = bytes(b for b in random.Random(seed).randbytes(300) if b) or b"\x01"
    rejected(data, "noise.txt")


def test_nul_byte_in_text() -> None:
    exc = rejected(b"Ref,Qty,Value\nR1,1,1k\nR2,1,\x002k\n", "nul.csv")
    assert exc.problems[0].code == "binary-data"


def test_nul_character_inside_utf16_text() -> None:
    text = "Ref,Qty\nR1,1\nR2,\x001\n"
    rejected(b"\xff\xfe" + text.encode("utf-16-le"), "nul16.csv")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"\x1f\x8b\x08\x00....", "gzip"),
    ],
)
def test_known_binary_formats(data: bytes, what: str) -> None:
    assert what in rejected(data, "bom.csv").message


def test_html_disguised_as_xls() -> None:
    exc = rejected(b"<html><body><table><tr><td>Qty</td></tr></table></body></html>", "export.xls")
    assert exc.problems[0].code == "html-file"


def test_zip_that_is_not_a_workbook() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert "Word document" in rejected(buf.getvalue(), "bom.xlsx").message


def test_xlsx_zip_bomb_is_rejected_before_calamine() -> None:
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 5 * 1024 * 1024  # ~500 MB of sheet XML in a few MB
    start = time.perf_counter()
    exc = rejected(bomb, "bomb.xlsx")
    assert exc.problems[0].code == "zip-bomb"
    assert time.perf_counter() - start < 2


def test_xlsx_member_lying_about_its_size() -> None:
    # 30 MB of sheet XML that claims to be 1 KB: must not get past the scanner.
    honest = zip_bomb_xlsx(30 * 1024 * 1024)
    liar = lie_about_size(honest, "xl/worksheets/sheet1.xml", 1024)
    exc = rejected(liar, "liar.xlsx")
    assert exc.problems[0].code in ("zip-bomb", "bad-zip")


def test_xlsx_billion_laughs_in_shared_strings() -> None:
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + b"".join(
            b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1" uniqueCount="1">'
        b"<si><t>&lol9;</t></si></sst>"
    )
    xlsx = replace_member(
        make_xlsx({"S": [["Ref", "Qty"], ["R1", 1]]}), "xl/sharedStrings.xml", laughs
    )
    exc = rejected(xlsx, "laughs.xlsx")
    assert exc.problems[0].code == "xml-dtd"


def test_xlsx_far_away_cell_would_allocate_a_huge_range() -> None:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Ref"
    ws["XFD1048576"] = "boom"
    buf = io.BytesIO()
    wb.save(buf)
    exc = rejected(buf.getvalue(), "sparse.xlsx")
    assert exc.problems[0].code in ("too-many-cells", "too-many-rows")


def test_xls_far_apart_cells_are_rejected_before_calamine() -> None:
    rows: list[list[object]] = [["Ref"], *([[]] * 65534), [*([None] * 255), "x"]]
    exc = rejected(make_xls({"S": rows}), "sparse.xls")
    assert exc.problems[0].code == "too-many-cells"


def test_ole_file_that_is_not_excel() -> None:
    exc = rejected(ole_file("WordDocument", b"\x00" * 100), "report.xls")
    assert "not an Excel workbook" in exc.message


def test_xml_with_dtd_is_rejected() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b"<schematic><component><Reference>&a;</Reference></component></schematic>"
    )
    assert rejected(xml, "bom.xml").problems[0].code == "xml-dtd"


def test_malformed_xml() -> None:
    assert rejected(b"<schematic><component>", "bom.xml").problems[0].code == "bad-xml"


def test_unclosed_quote_swallowing_the_file() -> None:
    data = b'Ref,Qty,Value\nR1,1,"10k\n' + b"R2,1,1k\n" * 20_000
    assert rejected(data, "quote.csv").problems[0].code == "bad-csv"


def test_too_many_cells() -> None:
    data = b"\n".join([b",".join([b"x"] * 50)] * 100)
    exc = rejected(data, "wide.csv", max_cells=1000)
    assert exc.message == "The file has more than 1,000 cells; the limit is 1,000."


def test_million_row_csv_is_refused_fast_and_in_bounded_memory() -> None:
    data = b"Designator,Qty,Value\n" + b"".join(b"R%d,1,10k\n" % i for i in range(1_000_000))
    assert len(data) < 20 * 1024 * 1024  # so it is the row limit, not the size limit, that trips
    start = time.perf_counter()
    with pytest.raises(ImportRejected) as exc:
        parse_bom_file(data, "million.csv")
    assert time.perf_counter() - start < 5
    assert exc.value.message == "The file has more than 100,000 rows; the limit is 100,000."
    # Measured separately: tracemalloc slows allocation-heavy code several times over.
    tracemalloc.start()
    try:
        with pytest.raises(ImportRejected):
            parse_bom_file(data, "million.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024


def test_small_row_limit_is_stated() -> None:
    data = b"Ref,Qty\n" + b"R1,1\n" * 500
    exc = rejected(data, "rows.csv", max_rows=50)
    assert exc.message == "The file has more than 50 rows; the limit is 50."


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["C1", "R1-R5", "DNP", "X", "0.1uF", "4k7", "Qty", "Ref", "MPN", "Value"]),
    st.sampled_from(["-1", "2.0", "ANY", "~~", "Total", "", "R1, R2", "U1-1", "=A1", "Mid X"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(CELLS, max_size=6), max_size=12),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
def test_arbitrary_tables_parse_or_are_rejected(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    try:
        bom = parse_bom_file(data, "fuzz.csv")
    except ImportRejected:
        return
    assert all(line.quantity >= 0 for line in bom.lines)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_parse_or_are_rejected(data: bytes) -> None:
    with contextlib.suppress(ImportRejected):
        parse_bom_file(data, "fuzz.bin")
