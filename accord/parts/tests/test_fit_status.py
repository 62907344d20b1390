"""Fit status per designator: not-fitted lists and words read from cells and footers, stored on
the line beside its designators, shown apart on the BOM page, its API, exports and summary, and
compared designator by designator between revisions."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from accord.api.tests.utils import API, token_client
from accord.parts import services
from accord.parts.access import exploded_bom_for_user
from accord.parts.bom_import.fit_status import footer_list, read_cell
from accord.parts.bom_import.parse import parse_bom_file
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import Bom, BomLine
from accord.parts.queries import bom_export_table, summarise_bom
from accord.parts.tests.bom_samples import bom_figures, line_with, sample_bytes

ALTIUM_NF = "built/altium_variant_nf.xls"
NOTES_WORDS = "built/notes_not_fitted_words.csv"


@pytest.mark.parametrize(
    ("cell", "listed", "whole_row"),
    [
        ("NF(R12,R14)", ["R12", "R14"], False),
        ("DNP: C3 C4", ["C3", "C4"], False),
        ("Not fitted = R1; R2", ["R1", "R2"], False),
        ("R5 (DNP)", ["R5"], False),
        ("DNF[c3]", ["c3"], False),
        ("DNP", [], True),
        ("leave empty", [], True),
        ("Do not fit", [], True),
        ("not mounted", [], True),
        ("no pop", [], True),
        ("nicht bestückt", [], True),
        ("nicht bestueckt", [], True),
        ("nie montować", [], True),
        ("nie montowac", [], True),
        ("no montar", [], True),
        ("ne pas monter", [], True),
        ("non montare", [], True),
        ("neosazovat", [], True),
        ("não montar", [], True),
        ("Mounted = No", [], True),
        ("不贴", [], True),
        ("未実装", [], True),
        # Not markers: a dielectric, non-polar in prose, a note about an alternate.
        ("47pF NP0", [], False),
        ("CAP NP 10uF", [], False),
        ("Alternative part: CL05B103KB5NNNC", [], False),
        ("10k 1%", [], False),
    ],
)
def test_what_a_cell_says_about_fit(cell: str, listed: list[str], whole_row: bool) -> None:
    status = read_cell(cell)
    assert (status.designators, status.whole_row) == (listed, whole_row)


def test_a_list_inside_a_designator_cell_leaves_the_designators() -> None:
    status = read_cell("R1, R2, NF(R12,R14)")
    assert status.designators == ["R12", "R14"] and status.rest == "R1, R2"
    assert read_cell("R1 R2 R3(NF)").rest == "R1 R2 R3"


@pytest.mark.parametrize(
    ("cells", "listed"),
    [
        (["Not Fitted:", "C12, TP1"], ["C12", "TP1"]),
        (["NF(R12,R14)"], ["R12", "R14"]),
        (["DNP components: C3 C4 C5"], ["C3", "C4", "C5"]),
        (["Nicht bestückt: R3"], ["R3"]),
        (["R1", "10k", "1"], None),  # a BOM line, not a footer
        (["Approved", "Notes"], None),
    ],
)
def test_footer_lists(cells: list[str], listed: list[str] | None) -> None:
    assert footer_list(cells) == listed


def test_altium_xls_with_nf_lists_and_a_not_fitted_footer() -> None:
    bom = parse_bom_file(sample_bytes(ALTIUM_NF), "altium_variant_nf.xls")
    # Figures counted by hand from the sheet: 20 rows under the title block, 42 designators,
    # NF(C5,C6), NF(R11), NF(D2) in cells and "Not Fitted: C12, TP1, TP2, TP3" below the table.
    assert bom_figures(bom) == {
        "lines": 20,
        "placements": 42,
        "fitted_placements": 34,
        "dnp_placements": 8,
        "dnp_lines": 2,
        "partial_dnp_lines": 3,
        "lines_with_mpn": 19,
    }
    c1 = line_with(bom, "C1")
    assert (c1.designators, c1.dnp_designators, c1.dnp, c1.quantity) == (
        ["C1", "C2", "C3", "C4", "C5", "C6"],
        ["C5", "C6"],
        False,
        6,
    )
    assert (c1.value, c1.footprint, c1.manufacturer, c1.mpn) == (
        "100nF",
        "C0402",
        "Murata",
        "GRM155R71C104KA88D",
    )
    c12 = line_with(bom, "C12")
    assert (c12.dnp_designators, c12.dnp, c12.mpn) == (["C12"], True, "C1608X7R1E105K080AC")
    tp = line_with(bom, "TP1")
    assert (tp.designators, tp.dnp, tp.mpn) == (["TP1", "TP2", "TP3"], True, "")
    problems = {(p.code, p.row) for p in bom.problems}
    assert ("not-fitted-list", 29) in problems
    assert ("skipped-rows", 30) in problems  # the "Approved | Notes" sign-off, no error
    assert not bom.errors
    # The library reference (LibRef) is not the MPN when "Manufacturer Part Number 1" is there.
    libref = next(m for m in bom.mappings if m.header == "LibRef")
    assert libref.field is None and "library reference" in libref.reason


def test_not_fitted_in_words_in_a_notes_column() -> None:
    bom = parse_bom_file(sample_bytes(NOTES_WORDS), "notes_not_fitted_words.csv")
    assert bom_figures(bom) == {
        "lines": 13,
        "placements": 18,
        "fitted_placements": 12,
        "dnp_placements": 6,
        "dnp_lines": 4,
        "partial_dnp_lines": 2,
        "lines_with_mpn": 13,
    }
    assert [line.designators[0] for line in bom.lines if line.dnp] == ["C4", "R5", "R6", "SW1"]
    r3 = line_with(bom, "R3")
    assert (r3.designators, r3.dnp_designators, r3.quantity, r3.value) == (
        ["R3", "R4"],
        ["R3"],
        2,
        "4k7",
    )
    d1 = line_with(bom, "D1")
    assert (d1.fitted_designators, d1.dnp_designators, d1.mpn) == (["D1"], ["D2"], "APT1608SGC")
    c6 = line_with(bom, "C6")
    assert (c6.dnp, c6.mpn, c6.notes) == (
        False,
        "GRM155R71H103KA88D",
        "Alternative part: Samsung CL05B103KB5NNNC",
    )


def test_a_not_fitted_list_naming_a_designator_of_no_line_is_a_warning() -> None:
    data = b"Ref,Qty,Value\nR1 R2,2,10k\n\nNot fitted: R2, R9\n"
    bom = parse_bom_file(data, "stray.csv")
    assert bom.lines[0].dnp_designators == ["R2"]
    [warning] = [p for p in bom.problems if p.code == "not-fitted-unknown"]
    assert warning.severity == "warning" and "R9" in warning.message and warning.row == 4


def _import(people: Any, programs: Any, relative: str, **fields: Any) -> Bom:
    fields.setdefault("assembly_number", "FIT-ASSY")
    fields.setdefault("revision", "A")
    request = BomImportRequest(
        program=programs["EBX2"],
        data=fields.pop("data", None) or sample_bytes(relative),
        filename=relative.rsplit("/", 1)[-1],
        **fields,
    )
    return services.import_bom(actor=people.oem_buyer, request=request)


def test_fit_status_is_stored_summarised_shown_and_exported(people, programs, client_for):
    bom = _import(people, programs, ALTIUM_NF)
    c1 = BomLine.objects.get(bom=bom, designators__startswith="C1,")
    assert (c1.designators, c1.dnp_designators, c1.dnp_designator_count, c1.dnp) == (
        "C1, C2, C3, C4, C5, C6",
        "C5, C6",
        2,
        False,
    )
    rows = exploded_bom_for_user(people.oem_buyer, bom)
    summary = summarise_bom(rows)
    # 42 designators: 8 not fitted, so 34 placed parts (the file's quantities count them all).
    assert (summary.placements, summary.dnp_placements) == (34, 8)
    assert (summary.dnp_lines, summary.partial_dnp_lines) == (2, 3)

    page = client_for("oem_buyer").get(reverse("bom_detail", args=[bom.pk])).content.decode()
    assert '<span class="badge flag-dnp">2 not fitted</span>' in page
    assert "<dt>Placements not fitted</dt><dd>8</dd>" in page

    api, _token = token_client(people.oem_buyer)
    lines = api.get(f"{API}/boms/{bom.pk}/lines").json()["results"]
    first = next(line for line in lines if "C1" in line["designators"])
    assert (first["dnp"], first["dnp_designators"]) == (False, ["C5", "C6"])
    detail = api.get(f"{API}/boms/{bom.pk}").json()["summary"]
    assert (detail["placements"], detail["dnp_placements"], detail["partial_dnp_lines"]) == (
        "34",
        "8",
        3,
    )

    headers, table = bom_export_table(rows)
    column = headers.index("Not fitted designators")
    assert next(r for r in table if r[6].startswith("C1,"))[column] == "C5, C6"


def test_an_export_imports_again_with_the_same_fit_status(people, programs):
    original = _import(people, programs, ALTIUM_NF)
    headers, table = bom_export_table(exploded_bom_for_user(people.oem_buyer, original))
    out = io.StringIO()
    import csv

    csv.writer(out).writerows([headers, *table])
    again = _import(people, programs, "x/export.csv", data=out.getvalue().encode(), revision="B")

    def status(bom: Bom) -> list[tuple[str, str, bool]]:
        return list(bom.lines.values_list("designators", "dnp_designators", "dnp"))

    assert status(again) == status(original)


def test_revision_diff_by_designator(people, programs, tmp_path):
    _import(people, programs, NOTES_WORDS)
    rev_b = (
        sample_bytes(NOTES_WORDS)
        .decode()
        .replace('"R3 (DNP), R4"', '"R3, R4"')  # R3 fitted now
        .replace("R1,R2", "R1,R2,R7")  # R7 added
        .replace("C4,1,10u,", "C4,1,22u,")  # a value changed (and so its part)
        .replace("SW1,1,SW_Push", "SW1,1,SW_Push_Alt")
        .replace("no montar", "")  # SW1 fitted now
        + "C20,1,1u,Capacitor_SMD:C_0402_1005Metric,Murata,GRM155R61A105KE15D,DNP\n"
    )
    rev_b = rev_b.replace(
        "U2,1,AP2112K-3.3,Package_TO_SOT_SMD:SOT-23-5,Diodes Incorporated,AP2112K-3.3TRG1,\n", ""
    )
    path = tmp_path / "rev_b.csv"
    path.write_text(rev_b)
    dry_run = [
        "import_bom",
        str(path),
        "--program",
        "EBX2",
        "--assembly",
        "FIT-ASSY",
        "--revision",
        "B",
        "--as",
        "oem_buyer",
        "--dry-run",
    ]
    out = io.StringIO()
    call_command(*dry_run, "--json", stdout=out, stderr=io.StringIO())
    diff = json.loads(out.getvalue())["diff"]["designators"]
    assert [(p["designator"], p["fitted"]) for p in diff["added"]] == [("C20", False), ("R7", True)]
    assert [p["designator"] for p in diff["removed"]] == ["U2"]
    changed = {c["designator"]: c["changed"] for c in diff["changed"]}
    assert changed["R3"] == ["fitted"]
    assert "value" in changed["C4"] and "fitted" not in changed["C4"]
    assert "fitted" in changed["SW1"] and "value" in changed["SW1"]
    assert set(changed) == {"R3", "C4", "SW1"}

    text = io.StringIO()
    call_command(*dry_run, stdout=text, stderr=io.StringIO())
    said = text.getvalue()
    assert "  by designator: 2 added, 1 removed, 3 changed" in said
    assert "    + C20" in said and "(not fitted)" in said
    assert "    ~ R3 fitted:" in said and "(now fitted)" in said


def test_a_bom_created_by_the_api_says_which_designators_are_not_fitted(people, programs, parts):
    api, _token = token_client(people.oem_buyer)
    body = {
        "program_id": programs["EBX2"].pk,
        "assembly_id": parts["EBX2-PCBA"].pk,
        "revision": "FIT",
        "lines": [
            {
                "part_id": parts["HAL-100-0001"].pk,
                "quantity": "3",
                "designators": ["C1", "C2", "C3"],
                "dnp_designators": ["c3"],
            }
        ],
    }
    created = api.post(f"{API}/boms", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["summary"]["dnp_placements"] == "1"
    line = BomLine.objects.get(bom_id=created.json()["id"])
    assert (line.dnp_designators, line.dnp_designator_count, line.dnp) == ("c3", 1, False)

    body["revision"] = "FIT2"
    body["lines"][0]["dnp_designators"] = ["R9"]
    refused = api.post(f"{API}/boms", body, content_type="application/json")
    assert refused.status_code == 422
    assert "R9 not among the line's designators" in refused.json()["message"]
