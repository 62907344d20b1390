"""Malformed multipart bodies answer 400 (JSON under /api/, the site's page elsewhere), never
500, and never run an import on what arrived: no boundary, a 5,000-character file name, a
truncated body, a part without a proper Content-Disposition."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accord.api.tests.utils import assert_error, token_client
from accord.core.models import Event
from accord.parts.models import Bom, BomImport, CatalogueImport, ManufacturerPart, Part

B = "AccordTestBoundary"
CSV = "Designator,Qty,Manufacturer,MPN\r\nR1,1,Yageo,MPTEST-0001\r\n"


def field(name: str, value: str) -> str:
    return f'--{B}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'


def file_part(filename: str, content: str = CSV, disposition: str | None = None) -> str:
    disposition = disposition or f'form-data; name="file"; filename="{filename}"'
    return (
        f"--{B}\r\nContent-Disposition: {disposition}\r\nContent-Type: text/csv\r\n\r\n"
        f"{content}\r\n"
    )


FIELDS = field("program", "EBX2") + field("assembly", "MP-ASSY") + field("revision", "A")
END = f"--{B}--\r\n"
TYPE = f"multipart/form-data; boundary={B}"

MALFORMED = {
    "no boundary": ("multipart/form-data", FIELDS + file_part("bom.csv") + END),
    "empty boundary": ('multipart/form-data; boundary=""', FIELDS + file_part("bom.csv") + END),
    "boundary of 300 characters": (
        "multipart/form-data; boundary=" + "b" * 300,
        FIELDS + file_part("bom.csv") + END,
    ),
    "5,000-character file name": (TYPE, FIELDS + file_part("b" * 5000 + ".csv") + END),
    "truncated in the file": (TYPE, FIELDS + file_part("bom.csv")[:-20]),
    "truncated after the file": (TYPE, FIELDS + file_part("bom.csv")),
    "truncated in a field": (TYPE, file_part("bom.csv") + FIELDS[:-6]),
    "bad Content-Disposition": (
        TYPE,
        FIELDS + file_part("bom.csv", disposition="attachment; filename=bom.csv") + END,
    ),
    "Content-Disposition without a name": (
        TYPE,
        FIELDS + file_part("bom.csv", disposition='form-data; filename="bom.csv"') + END,
    ),
    "no Content-Disposition": (
        TYPE,
        FIELDS + f"--{B}\r\nContent-Type: text/csv\r\n\r\n{CSV}\r\n" + END,
    ),
    "headers never end": (TYPE, FIELDS + f"--{B}\r\nContent-Disposition: form-data; name="),
    "not multipart at all": (TYPE, "\xff\xfe this is not a form"),
}


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Bom, BomImport, CatalogueImport, Part, ManufacturerPart, Event)
    )


def post(client: Client, url: str, content_type: str, body: str):
    return client.generic("POST", url, body.encode("utf-8"), content_type=content_type)


@pytest.mark.parametrize("case", MALFORMED)
@pytest.mark.parametrize("url", ["/api/v1/boms/import", "/api/v1/parts/import"])
def test_api_answers_json_400(people, url, case):
    client = token_client(people.oem_buyer)[0]
    before = counts()
    content_type, body = MALFORMED[case]
    body_json = assert_error(post(client, url, content_type, body), 400, "bad_request")
    assert "could not be read" in body_json["message"]
    assert counts() == before


@pytest.mark.parametrize("case", MALFORMED)
@pytest.mark.parametrize("url_name", ["bom_import", "catalogue_import"])
def test_pages_answer_the_sites_400_page(client_for, url_name, case):
    before = counts()
    content_type, body = MALFORMED[case]
    response = post(client_for("oem_buyer"), reverse(url_name), content_type, body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "could not be read" in html and 'href="/"' in html  # our page, with the way back
    assert counts() == before


def test_a_well_formed_body_is_still_read(people):
    client = token_client(people.oem_buyer)[0]
    body = FIELDS + field("dry_run", "true") + file_part("bom.csv") + END
    response = post(client, "/api/v1/boms/import", TYPE, body)
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["lines"] == 1
    # An epilogue after the closing boundary is allowed (RFC 2046).
    response = post(client, "/api/v1/boms/import", TYPE, body + "epilogue\r\n")
    assert response.status_code == 200, response.content


def test_a_json_body_on_an_upload_endpoint_is_a_4xx(people):
    client = token_client(people.oem_buyer)[0]
    response = client.post(
        "/api/v1/boms/import", {"program": "EBX2"}, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
