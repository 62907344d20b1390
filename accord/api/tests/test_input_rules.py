"""Text the API stores holds no control or bidi characters, and a field an operation does not
take is refused (422 naming it), never ignored: through every kind of input (JSON body, nested
lines, query, multipart form)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.utils import API, assert_error, send
from accord.core.models import ApiToken, Event
from accord.orgs.models import ProgramMember
from accord.parts.models import ApprovedSource, Bom, BomImport, Part

BAD_TEXT = {
    "BEL": "R\x071",
    "ESC": "\x1b[31mred",
    "NUL": "a\x00b",
    "DEL": "a\x7fb",
    "C1": "a\x85b",
    "RLO": "HAL\u202e100",
    "isolate": "HAL\u2066100",
}


def fields_named(body: dict) -> list[str]:
    return [".".join(str(p) for p in entry["loc"][2:]) for entry in body["detail"]]


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
@pytest.mark.parametrize("field", ["number", "description", "value", "package", "revision"])
def test_part_text_with_control_or_bidi_characters_is_refused(client_for, field, text):
    before = Part.objects.count()
    body = {"number": "TXT-1", field: text}
    response = send(client_for("oem_buyer"), "POST", f"{API}/parts", body)
    refused = assert_error(response, 422, "invalid")
    assert fields_named(refused) == [field]
    assert field in refused["message"]
    assert Part.objects.count() == before


@pytest.mark.parametrize("text", ["line\nbreak", "tab\there", "cr\rhere"])
def test_single_line_text_refuses_tabs_and_line_breaks(client_for, parts, text):
    part = parts["HAL-100-0001"]
    before = Part.objects.filter(pk=part.pk).values().get()
    response = send(client_for("oem_buyer"), "PATCH", f"{API}/parts/{part.pk}", {"value": text})
    assert fields_named(assert_error(response, 422, "invalid")) == ["value"]
    assert Part.objects.filter(pk=part.pk).values().get() == before


def _bom(programs, parts, **changes):
    body = {
        "program_id": programs["EBX2"].pk,
        "assembly_id": parts["EBX2-L"].pk,
        "revision": "T1",
        "lines": [{"part_id": parts["HAL-100-0001"].pk, "quantity": "1", "designators": ["R1"]}],
    }
    return {**body, **changes}


def test_multi_line_notes_keep_tabs_and_newlines(client_for, programs, parts):
    notes = "Build notes:\r\n\t1. reflow\n\t2. wash"
    response = send(
        client_for("oem_buyer"), "POST", f"{API}/boms", _bom(programs, parts, notes=notes)
    )
    assert response.status_code == 201, response.content
    assert response.json()["notes"] == "Build notes:\n\t1. reflow\n\t2. wash"
    response = send(
        client_for("oem_buyer"),
        "POST",
        f"{API}/boms",
        _bom(programs, parts, revision="T2", notes="bell\x07"),
    )
    assert fields_named(assert_error(response, 422, "invalid")) == ["notes"]


def test_nested_line_text_is_refused_with_its_position(client_for, programs, parts):
    before = Bom.objects.count()
    lines = [
        {"part_id": parts["HAL-100-0001"].pk, "quantity": "1", "designators": ["R1"]},
        {"part_id": parts["HAL-100-0002"].pk, "quantity": "1", "designators": ["C\u202e1"]},
    ]
    response = send(
        client_for("oem_buyer"), "POST", f"{API}/boms", _bom(programs, parts, lines=lines)
    )
    assert fields_named(assert_error(response, 422, "invalid")) == ["lines.1.designators.0"]
    assert Bom.objects.count() == before


def test_query_text_is_refused(client_for):
    response = client_for("oem_buyer").get(f"{API}/parts", {"q": "murata\x07"})
    assert [e["loc"] for e in assert_error(response, 422, "invalid")["detail"]] == [["query", "q"]]


def test_token_name_with_a_control_character_is_refused(client_for, people):
    before = ApiToken.objects.count()
    response = send(client_for("oem_buyer"), "POST", f"{API}/tokens", {"name": "nightly\x1b"})
    assert fields_named(assert_error(response, 422, "invalid")) == ["name"]
    assert ApiToken.objects.count() == before


def test_multipart_form_text_is_refused(client_for):
    before = (Bom.objects.count(), BomImport.objects.count(), Part.objects.count())
    form = {
        "program": "EBX2",
        "assembly": "API\u202eASSY",
        "revision": "A",
        "file": SimpleUploadedFile("b.csv", b"Designator,Qty,MPN\nR1,1,X\n"),
    }
    response = client_for("oem_buyer").post(f"{API}/boms/import", form)
    body = assert_error(response, 422, "invalid")
    assert [e["loc"][-1] for e in body["detail"]] == ["assembly"]
    assert (Bom.objects.count(), BomImport.objects.count(), Part.objects.count()) == before


# Unknown fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["lifecycle", "approved_source_count", "owner", "id", "updated_at", "sources", "created_at"],
)
def test_patch_refuses_a_field_it_cannot_apply(client_for, parts, field):
    """Never 200 with the field unchanged: the caller learns the field was not applied."""
    part = parts["HAL-100-0001"]
    before = Part.objects.filter(pk=part.pk).values().get()
    events = Event.objects.count()
    response = send(
        client_for("oem_buyer"),
        "PATCH",
        f"{API}/parts/{part.pk}",
        {"description": "changed", field: "obsolete"},
    )
    body = assert_error(response, 422, "invalid")
    assert fields_named(body) == [field]
    assert body["detail"][0]["type"] == "extra_forbidden"
    assert f"{field}: Unknown field" in body["message"]
    assert Part.objects.filter(pk=part.pk).values().get() == before
    assert Event.objects.count() == events


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(client_for, parts):
    part = parts["HAL-100-0001"]
    for field in ["description", "revision", "value", "package", "classification"]:
        response = send(client_for("oem_buyer"), "PATCH", f"{API}/parts/{part.pk}", {field: None})
        assert fields_named(assert_error(response, 422, "invalid")) == [field]
    # category may be null: it clears the category.
    response = send(client_for("oem_buyer"), "PATCH", f"{API}/parts/{part.pk}", {"category": None})
    assert response.status_code == 200 and response.json()["category"] is None


def test_unknown_fields_are_refused_on_every_kind_of_body(client_for, programs, parts, people):
    client = client_for("oem_buyer")
    part = parts["HAL-100-0001"]
    source = ApprovedSource.objects.filter(part=part).first()
    counts = (Part.objects.count(), Bom.objects.count(), ApprovedSource.objects.count())
    members = ProgramMember.objects.count()
    cases = [
        ("POST", f"{API}/parts", {"number": "X-1", "owner_id": 1}, "owner_id"),
        (
            "POST",
            f"{API}/parts/{part.pk}/sources",
            {"manufacturer": "A", "mpn": "B", "approved": True},
            "approved",
        ),
        (
            "PATCH",
            f"{API}/parts/{part.pk}/sources/{source.pk}",
            {"status": "approved", "rank": 1},
            "rank",
        ),
        ("POST", f"{API}/boms", _bom(programs, parts, line_count=3), "line_count"),
        (
            "POST",
            f"{API}/boms",
            _bom(
                programs,
                parts,
                lines=[{"part_id": parts["HAL-100-0001"].pk, "quantity": "1", "qty": "2"}],
            ),
            "lines.0.qty",
        ),
        (
            "POST",
            f"{API}/programs/{programs['PHRM'].pk}/members",
            {"username": "oem_engineer", "program": 1},
            "program",
        ),
        ("POST", f"{API}/tokens", {"name": "ci", "scopes": ["all"]}, "scopes"),
    ]
    for method, url, body, field in cases:
        response = send(client, method, url, body)
        refused = assert_error(response, 422, "invalid")
        assert field in fields_named(refused), (url, refused)
    assert (Part.objects.count(), Bom.objects.count(), ApprovedSource.objects.count()) == counts
    assert ProgramMember.objects.count() == members


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"person_id": 1, "username": "oem_engineer"},
        {"person_id": None},
        {"username": None},
        {"person_id": None, "username": "oem_engineer"},
    ],
    ids=["neither", "both", "null-id", "null-name", "null-id-and-name"],
)
def test_member_body_takes_exactly_one_of_person_id_or_username(client_for, programs, body):
    before = ProgramMember.objects.count()
    url = f"{API}/programs/{programs['PHRM'].pk}/members"
    assert_error(send(client_for("oem_buyer"), "POST", url, body), 422, "invalid")
    assert ProgramMember.objects.count() == before


def test_member_username_is_looked_up_in_its_normal_spelling(client_for, programs):
    url = f"{API}/programs/{programs['PHRM'].pk}/members"
    response = send(client_for("oem_buyer"), "POST", url, {"username": " ＯＥＭ_Engineer"})
    assert response.status_code == 201, response.content
    assert response.json()["person"]["username"] == "oem_engineer"


@pytest.mark.parametrize(
    "program", ["\x00", "EBX2\x00", "²", "٣", "9" * 30, "9" * 19, " "], ids=repr
)
def test_odd_program_references_of_an_upload_are_a_4xx(client_for, people, program):
    """By id or by code: a NUL (which PostgreSQL cannot even compare), a digit that is no ASCII
    digit ("²".isdigit() is true), an id past 64 bits."""
    from accord.api.tests.utils import token_client

    before = (Bom.objects.count(), BomImport.objects.count())
    csv = b"Designator,Qty\nR1,1\n"
    api = token_client(people.oem_buyer)[0].post(
        f"{API}/boms/import",
        {
            "program": program,
            "assembly": "A",
            "revision": "A",
            "dry_run": "true",
            "file": SimpleUploadedFile("b.csv", csv),
        },
    )
    page = client_for("oem_buyer").post(
        "/boms/import/",
        {
            "program": program,
            "assembly_number": "A",
            "revision": "A",
            "file": SimpleUploadedFile("b.csv", csv),
        },
    )
    assert api.status_code in {404, 422}, api.content
    assert page.status_code in {404, 422}
    assert (Bom.objects.count(), BomImport.objects.count()) == before


def test_json_booleans_are_true_or_false_only(client_for, parts, programs):
    """A JSON body's booleans are true or false, as the document says: 0, 1 or "yes" is a 422,
    never silently read as one of them."""
    client = client_for("oem_buyer")
    cases = [
        (f"{API}/programs/{programs['EBX2'].pk}", {"archived": 0}),
        (f"{API}/parts/{parts['HAL-100-0001'].pk}", {"is_assembly": 1}),
        (f"{API}/parts/{parts['HAL-100-0001'].pk}", {"is_assembly": "yes"}),
    ]
    for url, body in cases:
        response = send(client, "PATCH", url, body)
        assert_error(response, 422, "invalid")
    programs["EBX2"].refresh_from_db()
    assert programs["EBX2"].archived_at is None
