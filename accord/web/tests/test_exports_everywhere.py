"""Exports: the streaming XLSX writer read back by openpyxl and calamine, and every export path
surviving text stored before the rule (written here straight with the ORM, as an old row or a
direct database write would be)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import python_calamine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accord.core.exports import to_csv_bytes, to_xlsx_bytes
from accord.core.models import AccessLogEntry, Event
from accord.core.xlsx import MAX_CELL_CHARACTERS, column_letters, sheet_name
from accord.orgs.models import Nda, Program
from accord.parts.models import Bom, Part

DIRTY = "Res\x07istor\x1b[0m \u202e10k\x00\x7f\x85\ufffe"  # BEL, ESC, RLO, NUL, DEL, NEL, U+FFFE
CLEAN = "Resistor[0m 10k"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe]")


def openpyxl_rows(body: bytes) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return list(book.worksheets[0].iter_rows(values_only=True))


def calamine_rows(body: bytes) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body))
    return book.get_sheet_by_index(0).to_python()


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


SAMPLE_HEADERS = ["Text", "Formula", "Int", "Decimal", "Float", "Date", "When", "Empty", "Flag"]
SAMPLE_ROW = [
    "µΩ ± 日本 <a & b>",
    '=HYPERLINK("http://evil.example")',
    42,
    Decimal("0.2500"),
    1.5,
    dt.date(2026, 12, 3),
    dt.datetime(2026, 12, 3, 14, 5, 6, tzinfo=dt.UTC),
    None,
    True,
]


def test_xlsx_reads_back_with_types_in_openpyxl_and_calamine():
    body = to_xlsx_bytes(
        SAMPLE_HEADERS, [SAMPLE_ROW, ["-1", "+1", "@SUM(A1)", Decimal("6.0000")]], "t"
    )
    rows = openpyxl_rows(body)
    assert list(rows[0]) == SAMPLE_HEADERS
    assert list(rows[1]) == [
        "µΩ ± 日本 <a & b>",
        '\'=HYPERLINK("http://evil.example")',
        42,
        0.25,
        1.5,
        dt.datetime(2026, 12, 3),
        dt.datetime(2026, 12, 3, 14, 5, 6),
        None,
        "yes",
    ]
    assert list(rows[2][:4]) == ["'-1", "'+1", "'@SUM(A1)", 6]
    assert isinstance(rows[2][3], int)  # 6.0000 is the whole number 6
    calamine = calamine_rows(body)
    assert calamine[1][:7] == [
        "µΩ ± 日本 <a & b>",
        '\'=HYPERLINK("http://evil.example")',
        42,
        0.25,
        1.5,
        dt.date(2026, 12, 3),
        dt.datetime(2026, 12, 3, 14, 5, 6),
    ]
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["F2"].number_format == "yyyy\\-mm\\-dd"
    # No formula anywhere: every text cell is an inline string.
    worksheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in worksheet and 't="inlineStr"' in worksheet


def test_xlsx_keeps_what_spreadsheets_would_lose_or_refuse():
    long_text = "x" * (MAX_CELL_CHARACTERS + 10)
    rows = [
        ["  padded  ", "two\nlines", long_text, Decimal("NaN"), float("inf")],
        [dt.date(1899, 12, 1), dt.datetime(1900, 1, 1, 12), "", 10**15, Decimal("1E+3")],
    ]
    body = to_xlsx_bytes(["A", "B", "C", "D", "E"], rows, "Assembly/rev:[B]*?")
    back = openpyxl_rows(body)
    assert back[1][0] == "  padded  " and back[1][1] == "two\nlines"
    assert len(back[1][2]) == MAX_CELL_CHARACTERS
    assert back[1][3] is None and back[1][4] is None  # NaN and infinity cannot be numbers
    assert back[2][0] == "1899-12-01" and back[2][1] == "1900-01-01 12:00:00"  # as text
    assert back[2][3] == 10**15 and back[2][4] == 1000
    assert openpyxl.load_workbook(io.BytesIO(body)).sheetnames == ["Assembly_rev__B___"]


def test_sheet_names_and_columns():
    assert sheet_name("") == sheet_name("''") == "Sheet1"
    assert sheet_name("x" * 40) == "x" * 31
    assert column_letters(28)[-3:] == ["Z", "AA", "AB"]
    assert column_letters(16_384)[-1] == "XFD"


def test_large_exports_keep_every_row():
    rows = [[f"P-{i:06d}", i, Decimal(i) / 4] for i in range(5_000)]
    body = to_xlsx_bytes(["Number", "N", "Quarter"], rows, "parts")
    back = calamine_rows(body)
    assert len(back) == 5_001 and back[-1] == ["P-004999", 4999, 1249.75]


def test_control_characters_never_reach_a_file():
    headers = [f"Head\x07{i}" for i in range(3)]
    rows = [[DIRTY, "=cmd\x07|' /C calc'!A0", "\u2066x\u2069"]]
    for back in (
        openpyxl_rows(to_xlsx_bytes(headers, rows, "s\x07")),
        calamine_rows(to_xlsx_bytes(headers, rows, "s\x07")),
        csv_rows(to_csv_bytes(headers, rows)),
    ):
        assert list(back[0]) == ["Head0", "Head1", "Head2"]
        assert list(back[1]) == [CLEAN, "'=cmd|' /C calc'!A0", "x"]


# Every export path, with a row written before the rule ------------------------------------


def _dirty_world(parts: dict[str, Part], boms: dict[str, Bom], people: Any) -> None:
    """Text a form would refuse, written straight to the database (bypassing validation).
    PostgreSQL cannot store NUL at all; SQLite can, so there the NUL is written too."""
    dirty = DIRTY if connection.vendor == "sqlite" else DIRTY.replace("\x00", "")
    Part.objects.filter(pk=parts["HAL-100-0001"].pk).update(description=dirty)
    Part.objects.filter(pk=boms["EBX2-PCBA"].assembly_id).update(description=dirty)
    Program.objects.filter(code="EBX2").update(name="Earbuds\x07 X2")
    Nda.objects.filter(pk=Nda.objects.order_by("pk").first().pk).update(title=dirty)
    Event.objects.create(
        actor=people.oem_buyer,
        organisation=people.oem_buyer.organisation,
        verb="updated part",
        object_type="parts.part",
        object_id="1",
        object_repr=dirty,
    )
    AccessLogEntry.objects.create(
        reader=people.ems_planner,
        reader_organisation=people.ems_planner.organisation,
        owner=people.oem_buyer.organisation,
        object_type="parts.bom",
        object_id="1",
        object_repr=dirty,
        channel="web",
    )


EXPORTS: dict[str, tuple[str, Any]] = {
    "parts page": ("oem_buyer", lambda w: (reverse("part_list"), {})),
    "parts page, partner": ("ems_planner", lambda w: (reverse("part_list"), {})),
    "BOM page": ("oem_buyer", lambda w: (reverse("bom_detail", args=[w["EBX2-PCBA"].pk]), {})),
    "BOM page, partner": (
        "ems_planner",
        lambda w: (reverse("bom_detail", args=[w["EBX2-PCBA"].pk]), {}),
    ),
    "BOM list": ("oem_buyer", lambda w: (reverse("bom_list"), {})),
    "BOM API": ("oem_buyer", lambda w: (f"/api/v1/boms/{w['EBX2-PCBA'].pk}/export", {})),
    "BOM API, partner": (
        "ems_planner",
        lambda w: (f"/api/v1/boms/{w['EBX2-PCBA'].pk}/export", {}),
    ),
    "programs": ("oem_buyer", lambda w: (reverse("program_list"), {})),
    "NDAs": ("oem_buyer", lambda w: (reverse("nda_list"), {})),
    "events": ("oem_buyer", lambda w: (reverse("event_list"), {})),
    "access log": ("oem_buyer", lambda w: (reverse("access_log"), {})),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_survives_stored_control_characters(
    client_for, parts, boms, people, name, fmt
):
    _dirty_world(parts, boms, people)
    persona, target = EXPORTS[name]
    url, query = target(boms)
    response = client_for(persona).get(url, {**query, "format": fmt})
    assert response.status_code == 200, response.content[:500]
    body = response.content
    if fmt == "xlsx":
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        readers = [openpyxl_rows(body), calamine_rows(body)]
    else:
        readers = [csv_rows(body)]
    for rows in readers:
        cells = [str(c) for row in rows for c in row if c is not None]
        assert not [c for c in cells if CONTROL.search(c)], name
        # The stored text is there, without the characters (events: the object's name).
        assert any(CLEAN in c or "Earbuds X2" in c for c in cells), name


def test_export_file_names_are_plain_ascii(client_for, parts, boms):
    Part.objects.filter(pk=boms["EBX2-PCBA"].assembly_id).update(number="ΕΒΧ2/PCBA\x07")
    response = client_for("oem_buyer").get(
        reverse("bom_detail", args=[boms["EBX2-PCBA"].pk]), {"format": "xlsx"}
    )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.isascii() and "\x07" not in disposition
    assert (
        openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0].startswith("ΕΒΧ2_PCBA")
    )


def test_exports_of_today_read_as_dates(client_for, boms):
    response = client_for("oem_buyer").get(reverse("bom_list"), {"format": "xlsx"})
    created = [row[-1] for row in openpyxl_rows(response.content)[1:]]
    assert created and all(isinstance(c, dt.datetime) for c in created)
    assert timezone.now().date() - created[0].date() < dt.timedelta(days=2)
