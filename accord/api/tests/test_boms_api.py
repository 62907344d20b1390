"""BOMs through HTTP: lists, the exploded detail, exports, creation, need-to-know and its log."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accord.api.tests.utils import API, MISSING_ID, assert_error, assert_invisible, send
from accord.core.choices import Classification
from accord.core.models import AccessLogEntry, Event
from accord.parts import services as part_services
from accord.parts.models import Bom, BomLine


def all_lines(client, bom_id: int) -> list[dict]:
    """Every line of the explosion, page after page (GET /boms/{id}/lines)."""
    lines: list[dict] = []
    url: str | None = f"{API}/boms/{bom_id}/lines?page_size=4"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        lines += body["results"]
        url = body["next"]
    assert len(lines) == body["count"]
    return lines


def assemblies(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {b["assembly"]["number"] for b in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("oem_buyer", {"EBX2-PCBA", "EBX2-L", "PHRM-MAIN"}),
        ("oem_engineer", {"EBX2-PCBA", "EBX2-L"}),
        ("ems_planner", {"EBX2-PCBA", "EBX2-L", "PHRM-MAIN", "RVC-MAIN"}),
        ("ems_quality", {"PHRM-MAIN"}),
        ("other_oem_user", {"RVC-MAIN"}),
        ("nda_expired_partner", set()),
        ("supplier_rep", set()),
        ("arrowpoint_rep", set()),
        ("outsider", set()),
    ],
)
def test_boms_visible_per_persona(client_for, persona, expected):
    assert assemblies(client_for(persona).get(f"{API}/boms")) == expected


def test_bom_list_filter_and_fields(client_for, programs):
    body = client_for("ems_planner").get(f"{API}/boms?program={programs['EBX2'].pk}").json()
    rows = {b["assembly"]["number"]: b for b in body["results"]}
    assert set(rows) == {"EBX2-PCBA", "EBX2-L"}
    pcba = rows["EBX2-PCBA"]
    assert (pcba["revision"], pcba["status"], pcba["classification"], pcba["line_count"]) == (
        "B",
        "released",
        "restricted",
        8,
    )
    assert pcba["program"] == {"id": programs["EBX2"].pk, "code": "EBX2", "name": "Earbuds X2"}


def test_bom_detail_summary_and_lines(client_for, boms):
    client = client_for("ems_planner")
    bom_id = boms["EBX2-PCBA"].pk
    body = client.get(f"{API}/boms/{bom_id}").json()
    assert (body["assembly"]["number"], body["revision"], body["line_count"]) == (
        "EBX2-PCBA",
        "B",
        8,
    )
    assert body["summary"] == {
        "lines": 8,
        "top_level_lines": 8,
        "unique_parts": 7,
        "dual_sourced_pct": 28.6,
        # R4 (DNP) is neither single-source nor NRND: it is not bought.
        "single_source_lines": 5,
        "no_source_lines": 0,
        "lifecycle_risk_lines": 4,
        "dnp_lines": 1,
        "partial_dnp_lines": 0,
        "placements": "14",
        "dnp_placements": "1",  # R4
        "levels": 1,
    }
    assert "lines" not in body
    assert body["lines_url"] == f"http://testserver{API}/boms/{bom_id}/lines"
    lines = {line["path"]: line for line in all_lines(client, bom_id)}
    caps = lines["5"]
    assert (caps["part_number"], caps["quantity_per"], caps["extended_quantity"]) == (
        "HAL-100-0001",
        "6",
        "6",
    )
    assert caps["designators"] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert (caps["designator_count"], caps["dnp"], caps["flags"]) == (6, False, [])
    assert [s["mpn"] for s in caps["sources"]] == ["GRM155R61A104KA01D", "CL05A104KA5NNNC"]
    dnp = lines["7"]
    assert (dnp["part_number"], dnp["dnp"], dnp["designators"]) == ("HAL-100-0002", True, ["R4"])
    assert dnp["flags"] == []  # not populated: not bought, no sourcing or lifecycle risk
    assert lines["8"]["flags"] == ["eol"]
    assert lines["2"]["sources"][0]["last_time_buy_date"]
    assert lines["1"]["material_responsibility"] == "turnkey"


def test_multi_level_bom(client_for, boms):
    client = client_for("oem_buyer")
    body = client.get(f"{API}/boms/{boms['EBX2-L'].pk}").json()
    assert body["summary"]["levels"] == 2 and body["summary"]["lines"] == 11
    lines = all_lines(client, boms["EBX2-L"].pk)
    paths = [(line["level"], line["path"], line["part_number"]) for line in lines]
    assert paths[:3] == [
        (0, "1", "EBX2-PCBA"),
        (1, "1.1", "HAL-200-0001"),
        (1, "1.2", "HAL-200-0002"),
    ]
    assert paths[-2:] == [(0, "2", "HAL-400-0001"), (0, "3", "HAL-500-0001")]
    assert lines[0]["child_bom_id"] == boms["EBX2-PCBA"].pk
    assert lines[-1]["material_responsibility"] == "consigned"
    page = client.get(f"{API}/boms/{boms['EBX2-L'].pk}/lines?page=3&page_size=4").json()
    assert (page["count"], page["page"], page["next"]) == (11, 3, None)
    assert [line["path"] for line in page["results"]] == ["1.8", "2", "3"]


def test_reading_another_orgs_restricted_bom_is_logged_as_api(client_for, boms, people):
    bom = boms["EBX2-PCBA"]
    client_for("oem_buyer").get(f"{API}/boms/{bom.pk}")  # own data: not logged
    assert not AccessLogEntry.objects.exists()
    client_for("ems_planner").get(f"{API}/boms/{bom.pk}")
    client_for("ems_planner").get(f"{API}/boms/{bom.pk}/export?format=csv")
    entries = list(AccessLogEntry.objects.order_by("id"))
    assert [(e.reader, e.owner.name, e.channel, e.path) for e in entries] == [
        (people.ems_planner, "Halcyon Devices", "api", f"{API}/boms/{bom.pk}"),
        (people.ems_planner, "Halcyon Devices", "export", f"{API}/boms/{bom.pk}/export?format=csv"),
    ]


@pytest.mark.parametrize(
    ("persona", "assembly"),
    [
        ("other_oem_user", "EBX2-PCBA"),
        ("other_oem_user", "EBX2-L"),
        ("nda_expired_partner", "EBX2-PCBA"),
        ("nda_expired_partner", "EBX2-L"),
        ("supplier_rep", "EBX2-PCBA"),
        ("supplier_rep", "EBX2-L"),
        ("arrowpoint_rep", "EBX2-PCBA"),
        ("ems_quality", "EBX2-L"),
        ("oem_buyer", "RVC-MAIN"),
        ("outsider", "EBX2-PCBA"),
        ("outsider", "RVC-MAIN"),
    ],
)
def test_invisible_bom_is_404_and_not_logged(client_for, boms, persona, assembly):
    client = client_for(persona)
    bom = boms[assembly]
    for suffix in ["", "/export?format=csv", "/export?format=xlsx"]:
        url = f"{API}/boms/{bom.pk}{suffix}"
        missing = f"{API}/boms/{MISSING_ID}{suffix}"
        assert_invisible(client, "GET", url, missing)
    assert not AccessLogEntry.objects.exists()


def test_csv_export(client_for, boms):
    response = client_for("ems_planner").get(f"{API}/boms/{boms['EBX2-PCBA'].pk}/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="EBX2-PCBA-rev-B.csv"'
    text = response.content.decode("utf-8-sig").splitlines()
    assert text[0].startswith("Level,Item,Part Number,Description,Quantity,Extended Quantity")
    assert len(text) == 9
    assert text[5].startswith(
        '0,5,HAL-100-0001,Capacitor 100nF 10V X5R 0402,6,6,"C1, C2, C3, C4, C5, C6"'
    )


def test_xlsx_export_is_the_default_for_nothing_else(client_for, boms):
    client = client_for("oem_buyer")
    response = client.get(f"{API}/boms/{boms['EBX2-L'].pk}/export?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Level", "Item", "Part Number")
    assert len(rows) == 12  # header + 11 lines over two levels
    assert rows[6][:6] == (1, "1.5", "HAL-100-0001", "Capacitor 100nF 10V X5R 0402", 6, 6)
    assert client.get(f"{API}/boms/{boms['EBX2-L'].pk}/export").content.startswith(
        b"\xef\xbb\xbfLevel"
    )


def _new_bom(programs, parts, **changes):
    body = {
        "program_id": programs["EBX2"].pk,
        "assembly_id": parts["EBX2-L"].pk,
        "revision": "B",
        "notes": "From the API",
        "lines": [
            {"part_id": parts["EBX2-PCBA"].pk, "quantity": "1"},
            {"part_id": parts["HAL-100-0001"].pk, "quantity": "2.5", "designators": ["C10", "C11"]},
            {
                "part_id": parts["HAL-400-0001"].pk,
                "quantity": 2,
                "dnp": True,
                "material_responsibility": "consigned",
            },
        ],
    }
    body.update(changes)
    return body


def test_create_bom(client_for, programs, parts, people):
    response = send(client_for("oem_engineer"), "POST", f"{API}/boms", _new_bom(programs, parts))
    assert response.status_code == 201, response.content
    body = response.json()
    bom = Bom.objects.get(pk=body["id"])
    assert (bom.assembly.number, bom.revision, bom.classification, bom.status, bom.notes) == (
        "EBX2-L",
        "B",
        "restricted",
        "draft",
        "From the API",
    )
    stored = list(
        BomLine.objects.filter(bom=bom)
        .order_by("position")
        .values_list("part__number", "quantity", "designators", "dnp")
    )
    assert stored == [
        ("EBX2-PCBA", Decimal("1"), "", False),
        ("HAL-100-0001", Decimal("2.5"), "C10, C11", False),
        ("HAL-400-0001", Decimal("2"), "", True),
    ]
    top = [line for line in all_lines(client_for("oem_engineer"), bom.pk) if line["level"] == 0]
    assert [(line["part_number"], line["quantity_per"]) for line in top] == [
        ("EBX2-PCBA", "1"),
        ("HAL-100-0001", "2.5"),
        ("HAL-400-0001", "2"),
    ]
    assert body["summary"]["levels"] == 2
    assert Event.objects.filter(
        verb="created BOM", object_id=str(bom.pk), actor=people.oem_engineer
    ).exists()


@pytest.mark.parametrize("persona", ["ems_planner", "nda_expired_partner", "supplier_rep"])
def test_members_from_other_organisations_cannot_create_boms(client_for, programs, parts, persona):
    before = Bom.objects.count()
    response = send(client_for(persona), "POST", f"{API}/boms", _new_bom(programs, parts))
    assert_error(response, 403, "forbidden")
    assert Bom.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "program"),
    [("other_oem_user", "EBX2"), ("outsider", "EBX2"), ("oem_engineer", "PHRM")],
)
def test_creating_in_an_invisible_program_is_404(client_for, programs, parts, persona, program):
    before = Bom.objects.count()
    body = _new_bom(programs, parts, program_id=programs[program].pk)
    missing = _new_bom(programs, parts, program_id=MISSING_ID)
    seen = send(client_for(persona), "POST", f"{API}/boms", body)
    assert_error(seen, 404, "not_found")
    assert seen.json() == send(client_for(persona), "POST", f"{API}/boms", missing).json()
    assert Bom.objects.count() == before


def test_lines_must_reference_parts_the_caller_may_see(client_for, programs, parts):
    before = Bom.objects.count()
    lines = [
        {"part_id": parts["HAL-100-0001"].pk, "quantity": "1"},
        {"part_id": parts["RVC-200-0001"].pk, "quantity": "1"},  # Roverly's: invisible
        {"part_id": MISSING_ID, "quantity": "1"},
    ]
    response = send(
        client_for("oem_buyer"), "POST", f"{API}/boms", _new_bom(programs, parts, lines=lines)
    )
    body = assert_error(response, 422, "invalid")
    assert body["detail"] == {"field": "lines", "lines": [2, 3]}
    assert Bom.objects.count() == before


def test_a_line_that_contains_the_assembly_through_its_own_bom_is_refused(
    client_for, programs, parts
):
    """EBX2-L holds EBX2-PCBA (its latest BOM in the program): a BOM for EBX2-PCBA that holds
    EBX2-L would close a loop the planner cannot explode."""
    client = client_for("oem_engineer")
    assert send(client, "POST", f"{API}/boms", _new_bom(programs, parts)).status_code == 201
    before = (Bom.objects.count(), BomLine.objects.count())
    lines = [
        {"part_id": parts["HAL-100-0001"].pk, "quantity": "1"},
        {"part_id": parts["EBX2-L"].pk, "quantity": "1"},
    ]
    loop = _new_bom(programs, parts, assembly_id=parts["EBX2-PCBA"].pk, revision="Z", lines=lines)
    body = assert_error(send(client, "POST", f"{API}/boms", loop), 422, "invalid")
    assert body["message"].startswith(
        "Line 2: EBX2-L contains EBX2-PCBA through its own BOM in this program (EBX2-L > EBX2-PCBA)"
    )
    assert body["detail"] == {"line": 2}
    assert (Bom.objects.count(), BomLine.objects.count()) == before


def test_existing_revision_is_a_conflict(client_for, programs, parts):
    body = _new_bom(programs, parts, revision="A")
    assert_error(send(client_for("oem_buyer"), "POST", f"{API}/boms", body), 409, "conflict")


def test_restricted_sub_assembly_stays_hidden_in_a_program_bom(client_for, programs, parts, people):
    """A program-level BOM may contain a restricted sub-assembly: whoever cannot see the
    sub-assembly's BOM sees the line, not what is inside it."""
    kit = part_services.create_part(actor=people.oem_buyer, number="EBX2-KIT", description="Kit")
    bom = part_services.create_bom(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=kit,
        revision="A",
        classification=Classification.PROGRAM,
        lines=[
            part_services.BomLineInput(part=parts["EBX2-PCBA"], quantity=Decimal(2)),
            part_services.BomLineInput(part=parts["HAL-100-0001"], quantity=Decimal(1)),
        ],
    )
    body = client_for("nda_expired_partner").get(f"{API}/boms/{bom.pk}").json()
    lines = all_lines(client_for("nda_expired_partner"), bom.pk)
    assert [(line["path"], line["part_number"]) for line in lines] == [
        ("1", "EBX2-PCBA"),
        ("2", "HAL-100-0001"),
    ]
    assert lines[0]["flags"] == ["contents_not_visible"]
    assert lines[0]["child_bom_id"] is None
    assert body["summary"]["lines"] == 2
    export = client_for("nda_expired_partner").get(f"{API}/boms/{bom.pk}/export?format=csv")
    assert len(export.content.decode("utf-8-sig").splitlines()) == 3
    assert b"HAL-200-0001" not in export.content
    # Who may see the restricted BOM sees all of it.
    full = client_for("ems_planner").get(f"{API}/boms/{bom.pk}").json()
    assert full["summary"]["lines"] == 10
    full_lines = all_lines(client_for("ems_planner"), bom.pk)
    assert full_lines[0]["child_bom_id"] == Bom.objects.get(assembly=parts["EBX2-PCBA"]).pk
