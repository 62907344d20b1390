"""Pages refuse what the API refuses: a control or bidi character in a text field answers 422
with the message beside the field, and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.core.models import ApiToken, Event
from accord.parts.models import ApprovedSource, BomImport, Manufacturer


def field_error(html: str) -> list[str]:
    return re.findall(r'<span class="field-error"[^>]*>([^<]*)</span>', html)


@pytest.mark.parametrize(
    ("field", "text"),
    [("manufacturer", "Mur\x07ata"), ("mpn", "GRM\u202e155"), ("notes", "two\nlines")],
)
def test_add_source_form_refuses_control_characters(client_for, parts, field, text):
    part = parts["HAL-100-0001"]
    before = (ApprovedSource.objects.count(), Manufacturer.objects.count(), Event.objects.count())
    data = {"manufacturer": "Murata", "mpn": "GRM-NEW", "status": "pending", field: text}
    response = client_for("oem_buyer").post(reverse("part_source_add", args=[part.pk]), data)
    assert response.status_code == 422
    errors = field_error(response.content.decode())
    assert len(errors) == 1 and "not allowed" in errors[0]
    after = (ApprovedSource.objects.count(), Manufacturer.objects.count(), Event.objects.count())
    assert after == before


def test_token_form_refuses_control_characters(client_for):
    before = ApiToken.objects.count()
    response = client_for("oem_buyer").post(reverse("token_list"), {"name": "erp\x1b[0m"})
    assert response.status_code == 422
    assert "U+001B" in field_error(response.content.decode())[0]
    assert ApiToken.objects.count() == before


def test_bom_upload_form_refuses_control_characters(client_for, programs):
    before = BomImport.objects.count()
    data = {
        "program": str(programs["EBX2"].pk),
        "assembly_number": "EBX2\u2066-X",
        "revision": "A",
        "file": SimpleUploadedFile("b.csv", b"Designator,Qty,MPN\nR1,1,X\n"),
    }
    response = client_for("oem_buyer").post(reverse("bom_import"), data)
    assert response.status_code == 422
    assert "U+2066" in field_error(response.content.decode())[0]
    assert BomImport.objects.count() == before


@pytest.mark.parametrize("url_name", ["part_list", "nda_list"])
def test_list_search_refuses_control_characters_beside_the_field(client_for, url_name):
    client = client_for("oem_buyer")
    response = client.get(reverse(url_name), {"q": "crystal\x07"})
    assert response.status_code == 422
    assert "U+0007" in field_error(response.content.decode())[0]
    # An export of that search is refused too, rather than exporting everything.
    response = client.get(reverse(url_name), {"q": "crystal\x07", "format": "xlsx"})
    assert response.status_code == 422
    assert not response["Content-Type"].startswith("application/vnd")
    # A stale choice in the same form is still ignored, as before.
    assert client.get(reverse("part_list"), {"lifecycle": "bogus"}).status_code == 200


@pytest.mark.parametrize("sheet", ["BOM\x00", "BOM\u202e"])
def test_bom_preview_refuses_a_forged_sheet_name(client_for, programs, sheet):
    client = client_for("oem_buyer")
    data = {
        "program": str(programs["EBX2"].pk),
        "assembly_number": "EBX2-SHEET",
        "revision": "A",
        "file": SimpleUploadedFile("b.csv", b"Designator,Qty,MPN\nR1,1,X\n"),
    }
    response = client.post(reverse("bom_import"), data)
    assert response.status_code == 302, response.content[:300]
    staged = BomImport.objects.get(assembly_number="EBX2-SHEET")
    events = Event.objects.count()
    response = client.post(reverse("bom_import_preview", args=[staged.pk]), {"sheet": sheet})
    assert response.status_code == 422
    assert "sheet" in response.content.decode()
    staged.refresh_from_db()
    assert staged.sheet == "" and Event.objects.count() == events
