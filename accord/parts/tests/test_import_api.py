"""POST /api/v1/boms/import and /api/v1/parts/import: dry runs that write nothing, commits in one
transaction, idempotency, hostile files, access, and the OpenAPI description."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from accord.api.tests.utils import API, assert_error, token_client
from accord.core.models import Event, IdempotencyRecord
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomImport,
    BomLine,
    CatalogueImport,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.tests.bom_samples import CPL, DIGIKEY, make_xlsx, sample_bytes, zip_bomb_xlsx

BOM_URL = f"{API}/boms/import"
PARTS_URL = f"{API}/parts/import"
TABLES = (
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
    ApprovedSource,
    Bom,
    BomLine,
    BomImport,
    CatalogueImport,
    Event,
    IdempotencyRecord,
)
HACKRF = "greatscottgadgets_hackrf/hackrf-one-bom.csv"


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def post_bom(client: Any, data: bytes, filename: str, headers: Any = None, **fields: Any) -> Any:
    form = {"program": "EBX2", "assembly": "API-ASSY", "revision": "A", **fields}
    form["file"] = SimpleUploadedFile(filename, data)
    return client.post(BOM_URL, form, headers=headers or {})


@pytest.fixture
def buyer(people: Any) -> Any:
    return token_client(people.oem_buyer)[0]


def test_dry_run_answers_the_preview_and_writes_nothing(buyer):
    before = counts()
    response = post_bom(
        buyer,
        sample_bytes(HACKRF),
        "hackrf-one-bom.csv",
        headers={"Idempotency-Key": "dry-1"},
        dry_run="true",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["can_commit"], body["file"]) == (
        True,
        True,
        "hackrf-one-bom.csv",
    )
    assert body["program"]["code"] == "EBX2" and body["header_row"] == 1
    assert body["summary"] == {
        "lines": 65,
        "placements": 300,  # the designators of the Reference(s) column, counted by hand
        "fitted_placements": 300,
        "dnp_placements": 0,
        "dnp_lines": 0,
        "partial_dnp_lines": 0,
        "lines_with_mpn": 65,
        "new_parts": 64,
        "new_sources": 64,
        "matches": {"new": 64, "mpn": 1},
    }
    columns = {c["header"]: c for c in body["columns"]}
    assert columns["Part Number"]["field"] == "mpn" and columns["Part Number"]["confidence"] == 0.9
    c97 = next(line for line in body["lines"] if "C97" in line["designators"])
    assert (c97["quantity"], c97["value"], c97["parameters"]) == (
        "3",
        "330nF",
        {"capacitance": "0.00000033"},
    )
    assert c97["sources"] == [
        {"manufacturer": "Murata", "mpn": "GRM155R61A334KE15D", "rank": 1, "status": "approved"}
    ]
    assert (c97["manufacturer"], c97["mpn"], c97["alternates"], c97["dnp_designators"]) == (
        "Murata",
        "GRM155R61A334KE15D",
        [],
        [],
    )
    assert body["diff"] is None and body["problems"] == []
    assert counts() == before  # not even a staging row or an idempotency record


def test_quantities_and_values_read_as_people_write_them(buyer):
    """Decimal's own text would say "2E+1" for 20 and "1E-7" for 0.1 µF."""
    data = (
        b"Ref,Qty,Value\n"
        + b'"' + b",".join(b"R%d" % n for n in range(1, 21)) + b'",20,10k\n'
        + b'"' + b",".join(b"C%d" % n for n in range(1, 101)) + b'",100,100n\n'
    )  # fmt: skip
    body = post_bom(buyer, data, "plain.csv", dry_run="true").json()
    assert body["can_commit"], body["problems"]
    lines = {line["designators"][0]: line for line in body["lines"]}
    assert (lines["R1"]["quantity"], lines["C1"]["quantity"]) == ("20", "100")
    assert lines["R1"]["parameters"]["resistance"] == "10000"
    assert lines["C1"]["parameters"]["capacitance"] == "0.0000001"
    assert "E+" not in str(body) and "E-" not in str(body)


def test_commit_writes_the_bom_once_per_idempotency_key(buyer):
    data = sample_bytes(HACKRF)
    before = counts()
    response = post_bom(buyer, data, "hackrf-one-bom.csv", headers={"Idempotency-Key": "imp-1"})
    assert response.status_code == 201, response.content
    body = response.json()
    bom = Bom.objects.get(pk=body["id"])
    assert (body["assembly"], body["revision"], body["lines"]) == ("API-ASSY", "A", 65)
    assert body["url"].endswith(f"/boms/{bom.pk}/") and body["api_url"].endswith(
        f"/api/v1/boms/{bom.pk}"
    )
    assert bom.lines.count() == 65 and not BomImport.objects.exists()
    assert counts()["Bom"] == before["Bom"] + 1
    # The same upload again with the same key, even with another multipart boundary: replayed.
    boundary = "AnotherBoundary1234"
    payload = encode_multipart(
        boundary,
        {
            "program": "EBX2",
            "assembly": "API-ASSY",
            "revision": "A",
            "file": SimpleUploadedFile("hackrf-one-bom.csv", data),
        },
    )
    replay = buyer.post(
        BOM_URL,
        payload,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Idempotency-Key": "imp-1"},
    )
    assert replay.status_code == 201 and replay.json() == body
    assert replay["Idempotent-Replayed"] == "true"
    assert Bom.objects.filter(assembly__number="API-ASSY").count() == 1
    other_file = post_bom(buyer, data + b"\n", "hackrf-one-bom.csv", {"Idempotency-Key": "imp-1"})
    assert_error(other_file, 422, "idempotency_key_reused")
    # Without a key, the same revision again is a conflict.
    assert_error(post_bom(buyer, data, "hackrf-one-bom.csv"), 409, "conflict")


def test_commit_with_errors_is_refused_with_the_problems(buyer):
    data = (
        b"Designator,Qty,Value,MPN,Manufacturer\n"
        b"R1 R2,2,10k,RC0402FR-0710KL,Yageo\n"
        b"R2,1,1k,RC0402FR-071KL,Yageo\n"
    )
    before = counts()
    body = assert_error(post_bom(buyer, data, "dup.csv", strict="true"), 422, "import_invalid")
    assert body["detail"] == [
        {
            "message": "Designator R2 appears in row 2 and again in row 3. Strict mode refuses "
            "a designator on two rows.",
            "file": "dup.csv",
            "sheet": None,
            "row": 3,
            "column": "Designator (A)",
        }
    ]
    assert counts() == before
    dry = post_bom(buyer, data, "dup.csv", dry_run="true", strict="true").json()
    assert dry["can_commit"] is False and dry["problems"][0]["severity"] == "error"
    # Without strict mode the same file is a warning naming both rows, and it imports.
    lenient = post_bom(buyer, data, "dup.csv", dry_run="true").json()
    assert lenient["can_commit"] is True
    assert [p["severity"] for p in lenient["problems"] if p["code"] == "duplicate-designator"] == [
        "warning"
    ]


SHARED_MPN = b"Designator,Qty,Manufacturer,MPN\nR1,1,Acme Passives,API-SHARED-10K\n"
UNNAMED = b"Designator,Qty,MPN\nR1,1,API-SHARED-10K\n"


def test_a_commit_after_the_catalogue_changed_is_refused_with_the_reason(buyer):
    """The dry run says yes; another import then makes the MPN a second maker's too: the
    commit answers 422 with the row, the column and the makers, and writes nothing."""
    assert post_bom(buyer, SHARED_MPN, "acme.csv", assembly="API-ACME").status_code == 201
    dry = post_bom(buyer, UNNAMED, "unnamed.csv", dry_run="true").json()
    assert dry["can_commit"] is True
    bolt = SHARED_MPN.replace(b"Acme Passives", b"Bolt Components")
    assert post_bom(buyer, bolt, "bolt.csv", assembly="API-BOLT").status_code == 201
    before = counts()
    body = assert_error(post_bom(buyer, UNNAMED, "unnamed.csv"), 422, "import_invalid")
    [problem] = body["detail"]
    assert (problem["row"], problem["column"]) == (2, "MPN (C)")
    assert "made by Acme Passives and Bolt Components" in problem["message"]
    assert counts() == before


def test_a_commit_whose_matched_part_vanished_answers_409(buyer, monkeypatch):
    """The matched part is deleted between the commit's own dry run and its write (really, in
    the database): 409 with the line, nothing written."""
    from accord.parts.services import bom_write

    data = b"Designator,Qty,Manufacturer,MPN\nU1,1,Racecorp,API-RACE-1\n"
    assert post_bom(buyer, data, "first.csv", assembly="API-GONE").status_code == 201
    write = bom_write.write_bom_import

    def delete_the_part_first(prepared: Any, **kwargs: Any) -> Any:
        Bom.objects.filter(assembly__number="API-GONE").delete()
        Part.objects.filter(number="API-RACE-1").delete()
        return write(prepared, **kwargs)

    monkeypatch.setattr(bom_write, "write_bom_import", delete_the_part_first)
    body = assert_error(post_bom(buyer, data, "again.csv"), 409, "import_conflict")
    assert body["message"].startswith("Line 1: its part was deleted or renumbered")
    assert body["detail"] == {"line": 1}
    # Nothing of it was written: neither the BOM, nor its assembly, nor the part again.
    assert not Part.objects.filter(number__in=["API-ASSY", "API-RACE-1"]).exists()


def test_dry_run_of_a_new_revision_shows_the_diff(buyer):
    rev_a = b"Designator,Qty,Value,Manufacturer,MPN\nR1 R2 R3,3,10k,Yageo,RC0402FR-0710KL\n"
    assert post_bom(buyer, rev_a, "a.csv", assembly="DIFF-API").status_code == 201
    rev_b = (
        b"Designator,Qty,Value,Manufacturer,MPN\n"
        b"R1-R4,4,10k,Yageo,RC0402FR-0710KL\n"
        b"D1,1,LED,Lite-On,LTST-C170KRKT\n"
    )
    body = post_bom(buyer, rev_b, "b.csv", assembly="DIFF-API", revision="B", dry_run="1").json()
    assert body["diff"] == {
        "previous_revision": "A",
        "added": ["LTST-C170KRKT"],
        "removed": [],
        "quantity_changed": [{"part_number": "HAL-100-0002", "old": "3", "new": "4"}],
        "designators_changed": ["HAL-100-0002"],
        "sources_changed": [],
        "designators": {
            "added": [
                {
                    "designator": "D1",
                    "part_number": "LTST-C170KRKT",
                    "value": "LED",
                    "mpn": "LTST-C170KRKT",
                    "fitted": True,
                },
                {
                    # The file's MPN is an alternate of the demo's HAL-100-0002: a placement
                    # shows its part's first source, on both revisions alike.
                    "designator": "R4",
                    "part_number": "HAL-100-0002",
                    "value": "10k",
                    "mpn": "ERJ-2RKF1002X",
                    "fitted": True,
                },
            ],
            "removed": [],
            "changed": [],
        },
    }


def test_overrides_sheet_and_remembered_mapping(buyer, programs):
    data = b"Refs,Count,Thing,Maker,Code\nR1,1,10k,Yageo,RC0402FR-0710KL\n"
    auto = post_bom(buyer, data, "odd.csv", dry_run="true").json()
    assert [c["field"] for c in auto["columns"]][2:] == [None, "manufacturer", None]
    overrides = '{"2": "value", "4": "mpn"}'
    created = post_bom(buyer, data, "odd.csv", overrides=overrides, program=programs["EBX2"].pk)
    assert created.status_code == 201, created.content
    again = post_bom(buyer, data, "odd.csv", revision="B", dry_run="true").json()
    assert again["remembered_mapping"] is True
    assert again["lines"][0]["match"] == "mpn"
    workbook = make_xlsx(
        {"BOM": [["Ref", "Qty", "Value"], ["R1", 1, "1k"]], "Spare": [["Ref", "Qty"], ["C9", 1]]}
    )
    spare = post_bom(buyer, workbook, "w.xlsx", sheet="Spare", dry_run="true").json()
    assert (spare["sheet"], spare["sheets"]) == ("Spare", ["BOM", "Spare"])
    assert [line["designators"] for line in spare["lines"]] == [["C9"]]
    missing = post_bom(buyer, workbook, "w.xlsx", sheet="Nope", dry_run="true")
    assert "no sheet named 'Nope'" in assert_error(missing, 422, "import_rejected")["message"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ("{not json", "JSON object"),
        ('{"2": "colour"}', "not a field"),
        ('{"x": "value"}', "not a column number"),
        ('{"1": "value", "2": "value"}', "more than one column"),
    ],
)
def test_bad_overrides_are_refused(buyer, overrides, message):
    before = counts()
    response = post_bom(buyer, b"Ref,Qty\nR1,1\n", "x.csv", overrides=overrides, dry_run="true")
    assert message in assert_error(response, 422, "invalid")["message"]
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "program", "status", "code"),
    [
        ("ems_planner", "EBX2", 403, "forbidden"),  # a member, not from the owner
        ("oem_engineer", "PHRM", 404, "not_found"),  # not a member
        ("other_oem_user", "EBX2", 404, "not_found"),
        ("supplier_rep", "EBX2", 403, "forbidden"),
        ("oem_buyer", "NOPE", 404, "not_found"),
    ],
)
def test_only_members_from_the_owner_import(people, persona, program, status, code):
    client = token_client(people[persona])[0]
    before = counts()
    for dry_run in ("true", "false"):
        response = post_bom(client, b"Ref,Qty\nR1,1\n", "x.csv", program=program, dry_run=dry_run)
        assert_error(response, status, code)
    assert {k: v for k, v in counts().items() if k != "Event"} == {
        k: v for k, v in before.items() if k != "Event"
    }


def test_anonymous_is_refused(client):
    response = client.post(BOM_URL, {"program": "EBX2", "file": SimpleUploadedFile("x.csv", b"")})
    assert_error(response, 401, "unauthenticated")


def _rows_past_the_limit() -> bytes:
    return b"Designator,Qty\n" + b"R1,1\n" * 100_200


HOSTILE = [
    ("random-bytes", lambda: bytes(range(256)) * 64, "junk.csv", 422, "import_rejected"),
    ("empty", lambda: b"", "empty.csv", 422, "import_rejected"),
    ("nul-byte", lambda: b"Designator,Qty\nR1,\x001\n", "nul.csv", 422, "import_rejected"),
    ("zip-bomb", zip_bomb_xlsx, "bomb.xlsx", 413, "import_too_large"),
    ("too-many-rows", _rows_past_the_limit, "long.csv", 413, "import_too_large"),
    ("too-large", lambda: b"x" * (20 * 1024 * 1024 + 1024), "big.csv", 413, "import_too_large"),
]


@pytest.mark.parametrize(
    ("make", "filename", "status", "code"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_hostile_files_get_a_clear_refusal_and_write_nothing(
    buyer, make, filename, status, code, dry_run
):
    before = counts()
    response = post_bom(
        buyer, make(), filename, headers={"Idempotency-Key": f"h-{filename}"}, dry_run=dry_run
    )
    body = assert_error(response, status, code)
    assert "Nothing was imported" in body["message"]
    assert "up to 20 MB, 100,000 rows and 2,000,000 cells" in body["message"]
    assert body["detail"] and body["detail"][0]["file"] == filename
    assert counts() == before


def test_a_body_past_the_upload_limit_is_refused_before_it_is_read(buyer):
    before = counts()
    response = post_bom(buyer, b"x" * (21 * 1024 * 1024), "huge.csv")
    assert_error(response, 413, "too_large")
    assert counts() == before


# Parts lists -------------------------------------------------------------------------------


def post_parts(client: Any, path: Any, headers: Any = None, **fields: Any) -> Any:
    if not path.is_file():
        pytest.skip(f"{path.name} is not available")
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(PARTS_URL, {"file": upload, **fields}, headers=headers or {})


COUNT_KEYS = (
    "manufacturers_created",
    "manufacturer_parts_created",
    "manufacturer_parts_updated",
    "parts_created",
    "sources_created",
    "parameters_created",
)


@pytest.mark.parametrize("path", [CPL, DIGIKEY], ids=["cpl", "digikey"])
def test_catalogue_import_twice_changes_nothing_the_second_time(buyer, path):
    before = counts()
    dry = post_parts(buyer, path, dry_run="true")
    assert dry.status_code == 200, dry.content
    would = dry.json()
    assert would["dry_run"] is True and would["changed"] is True and would["rows"] > 500
    assert counts() == before
    first = post_parts(buyer, path, headers={"Idempotency-Key": f"cat-{path.name}"})
    assert first.status_code == 201, first.content
    done = first.json()
    assert {k: done[k] for k in COUNT_KEYS} == {k: would[k] for k in COUNT_KEYS}
    after = counts()
    assert (
        after["ManufacturerPart"] - before["ManufacturerPart"] == done["manufacturer_parts_created"]
    )
    assert after["Part"] - before["Part"] == done["parts_created"]
    assert after["ApprovedSource"] - before["ApprovedSource"] == done["sources_created"]
    assert after["PartParameter"] - before["PartParameter"] == done["parameters_created"]
    second = post_parts(buyer, path)
    assert second.status_code == 200
    body = second.json()
    assert body["changed"] is False and all(body[k] == 0 for k in COUNT_KEYS)
    assert body["problem_count"] == done["problem_count"]
    unchanged = counts()
    for model in ("Manufacturer", "ManufacturerPart", "Part", "PartParameter", "ApprovedSource"):
        assert unchanged[model] == after[model]
    again_dry = post_parts(buyer, path, dry_run="true").json()
    assert again_dry["changed"] is False


def test_catalogue_import_is_for_oem_people_and_refuses_hostile_files(people, buyer):
    planner = token_client(people.ems_planner)[0]
    before = counts()
    assert_error(post_parts(planner, CPL, dry_run="true"), 403, "forbidden")
    bomb = buyer.post(PARTS_URL, {"file": SimpleUploadedFile("b.xlsx", zip_bomb_xlsx())})
    assert_error(bomb, 413, "import_too_large")
    junk = buyer.post(PARTS_URL, {"file": SimpleUploadedFile("j.csv", bytes(range(256)) * 64)})
    assert_error(junk, 422, "import_rejected")
    no_mpn = io.BytesIO(b"Designator,Qty\nR1,1\n")
    not_a_catalogue = buyer.post(
        PARTS_URL, {"file": SimpleUploadedFile("bom.csv", no_mpn.read()), "dry_run": "true"}
    )
    assert_error(not_a_catalogue, 422, "catalogue_invalid")
    assert counts() == before


def test_openapi_documents_both_imports(client):
    schema = client.get(f"{API}/openapi.json").json()
    for path, fields in (
        ("/api/v1/boms/import", {"file", "program", "assembly", "revision", "dry_run"}),
        ("/api/v1/parts/import", {"file", "dry_run"}),
    ):
        operation = schema["paths"][path]["post"]
        body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        properties = set(body.get("properties", {}))
        if not properties:  # ninja may put the form in a component
            ref = body["$ref"].rsplit("/", 1)[1]
            properties = set(schema["components"]["schemas"][ref]["properties"])
        assert fields <= properties, (path, properties)
        assert {"200", "201", "400", "401", "403", "404", "413", "422"} <= set(
            operation["responses"]
        )
        assert "Idempotency-Key" in {p["name"] for p in operation.get("parameters", [])}
        assert "100,000 rows" in operation["description"]
