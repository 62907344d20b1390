"""Imported files are not refused for a stray control or bidi character in a cell: the importers
remove it, report the cell (info, by row and column), and store the rest of the text."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.utils import API, token_client
from accord.parts.catalogue_parse import parse_catalogue
from accord.parts.models import ManufacturerPart, Part
from accord.parts.tests.bom_samples import make_xlsx, replace_member

BOM_CSV = (
    "Designator,Qty,Manufacturer,MPN,Description\n"
    "R1 R2,2,Yageo,CTRLTEST-R1,Res\x07istor 10k\n"
    "C1,1,Mur\u202eata,CTRLTEST-C1,Capacitor 100n\n"
).encode()


@pytest.fixture
def buyer(people: Any) -> Any:
    return token_client(people.oem_buyer)[0]


def post_bom(client: Any, data: bytes, filename: str, **fields: Any) -> Any:
    form = {"program": "EBX2", "assembly": "CTRL-ASSY", "revision": "A", **fields}
    form["file"] = SimpleUploadedFile(filename, data)
    return client.post(f"{API}/boms/import", form)


def test_bom_import_removes_control_characters_and_reports_each_cell(buyer):
    preview = post_bom(buyer, BOM_CSV, "bom.csv", dry_run="true")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    removed = [p for p in body["problems"] if p["code"] == "control-characters-removed"]
    assert [(p["severity"], p["row"], p["column"]) for p in removed] == [
        ("info", 2, "Description (E)"),
        ("info", 3, "Manufacturer (C)"),
    ]
    assert "U+0007" in removed[0]["message"] and "U+202E" in removed[1]["message"]
    assert body["can_commit"] is True

    created = post_bom(buyer, BOM_CSV, "bom.csv")
    assert created.status_code == 201, created.content
    texts = list(
        Part.objects.filter(bom_lines__bom_id=created.json()["id"]).values_list(
            "description", flat=True
        )
    )
    assert sorted(texts) == ["Capacitor 100n", "Resistor 10k"]
    assert ManufacturerPart.objects.filter(mpn="CTRLTEST-C1").get().manufacturer.name == ("Murata")


def test_xlsx_cells_escape_control_characters_and_are_cleaned_too():
    from accord.parts.bom_import.parse import parse_bom_file

    book = make_xlsx(
        {"BOM": [["Designator", "Qty", "MPN", "Description"], ["R1", 1, "RC0402", "ResXXistor"]]}
    )
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    book = replace_member(book, "xl/worksheets/sheet1.xml", sheet.replace(b"XX", b"_x001B_"))
    parsed = parse_bom_file(book, "bom.xlsx")
    assert parsed.lines[0].description == "Resistor"
    assert [(p.sheet, p.row, p.column) for p in parsed.problems] == [("BOM", 2, "Description (D)")]


def test_catalogue_import_removes_control_characters_and_reports_each_cell(buyer):
    data = (
        "Manufacturer,MPN,Description\n"
        "Yageo,RC0402FR-0710KL,Res\x07istor\n"
        "Mur\u202eata,GRM155R71C104KA88D,Cap\n"
    ).encode()
    parsed = parse_catalogue(data, "parts.csv")
    assert [(p["row"], p["column"]) for p in parsed.problems] == [
        (2, "Description"),
        (3, "Manufacturer"),
    ]
    assert parsed.frame.select("manufacturer", "description").rows() == [
        ("Yageo", "Resistor"),
        ("Murata", "Cap"),
    ]
    response = buyer.post(f"{API}/parts/import", {"file": SimpleUploadedFile("parts.csv", data)})
    assert response.status_code == 201, response.content
    assert response.json()["problem_count"] == 2
    stored = ManufacturerPart.objects.get(mpn="RC0402FR-0710KL")
    assert stored.description == "Resistor"
