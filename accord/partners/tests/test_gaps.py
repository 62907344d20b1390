"""The gap view, hand-computed (gap_world.py): each verdict from its own plant, the summary,
who sees which rows (the owner's members every partner's, a partner's members their own), the
same on the page, the API, the CSV export and the command line, in a fixed number of queries."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.core.access import today
from accord.core.errors import NotFound
from accord.core.memo import forget_memoised
from accord.partners.gaps import gap_report
from accord.partners.requirement_access import gap_organisations, get_program_for_requirements
from accord.partners.tests.gap_world import GapWorld, build_gap_world

pytestmark = pytest.mark.django_db

ISO, IPC = "ISO 13485 (SMT)", "IPC-A-610 Class 3 (SMT)"
EXPECTED = {
    ("GAPA", ISO): "missing",
    ("GAPA", IPC): "missing",
    ("GAPB", ISO): "out_of_scope",
    ("GAPB", IPC): "missing",
    ("GAPC", ISO): "missing",
    ("GAPC", IPC): "out_of_scope",
    ("GAPD", ISO): "expiring_before_last_build",
    ("GAPD", IPC): "missing",
    ("GAPE", ISO): "unverified",
    ("GAPE", IPC): "missing",
    ("GAPF", ISO): "met",
    ("GAPF", IPC): "met",
}
BRIGHTLINE = {("BRL1", ISO): "missing", ("BRL1", IPC): "missing"}


@pytest.fixture
def gap_world(people: Any, programs: Any, orgs: Any, parts: Any) -> GapWorld:
    world = build_gap_world(people, programs, orgs, parts)
    forget_memoised()
    return world


def _verdicts(rows: Any) -> dict[tuple[str, str], str]:
    return {(r.site_code, r.requirement): r.verdict.value for r in rows}


def _report(user: Any, world: GapWorld) -> Any:
    program = get_program_for_requirements(user, world.program.pk)
    return gap_report(program, organisations=gap_organisations(user, program), day=today())


def test_each_verdict_as_computed_by_hand(people: Any, gap_world: GapWorld) -> None:
    report = _report(people.oem_buyer, gap_world)
    assert report.last_build == gap_world.last_build
    assert _verdicts(report.rows) == EXPECTED | BRIGHTLINE
    assert report.summary == {
        "met": 2,
        "unverified": 1,
        "expiring_before_last_build": 1,
        "out_of_scope": 2,
        "missing": 8,
        "total": 14,
    }
    details = {(r.site_code, r.requirement): r.detail for r in report.rows}
    assert details[("GAPA", ISO)] == "No ISO 13485 certificate on record"
    assert details[("GAPB", ISO)] == "ISO 13485 ISO13485-GAPB: its scope lacks SMT"
    assert details[("GAPC", IPC)] == (
        "IPC-A-610 Class 2 IPC-A-610-GAPC: Class 2 is below the required Class 3"
    )
    assert details[("GAPD", ISO)].endswith(f"last build {gap_world.last_build}")


def test_a_partner_sees_only_its_own_rows(people: Any, gap_world: GapWorld) -> None:
    assert _verdicts(_report(people.ems_quality, gap_world).rows) == EXPECTED
    # Kestrel (a supplier on the program) has no plant the requirements apply to: no rows,
    # and none of Meridian's or Brightline's.
    assert _report(people.kestrel_rep, gap_world).rows == []


@pytest.mark.parametrize("persona", ["oem_engineer", "other_oem_user", "outsider"])
def test_not_a_member_is_not_found(people: Any, gap_world: GapWorld, persona: str) -> None:
    with pytest.raises(NotFound):
        get_program_for_requirements(getattr(people, persona), gap_world.program.pk)


def test_a_few_queries_whatever_the_number_of_sites(people: Any, gap_world: GapWorld) -> None:
    program = gap_world.program
    with CaptureQueriesContext(connection) as queries:
        gap_report(program, organisations=None, day=today())
    assert len(queries) <= 6


def test_page_api_csv_and_cli_agree(client_for: Any, people: Any, gap_world: GapWorld) -> None:
    pk = gap_world.program.pk
    page = client_for("oem_buyer").get(reverse("program_gaps", args=[pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<caption>Partner sites against the requirements</caption>" in body
    assert "Expiring before the last build" in body
    exported = client_for("oem_buyer").get(reverse("program_gaps", args=[pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Organisation", "Site", "Country", "Requirement", "Verdict"]
    assert {(r[1], r[3]): r[4] for r in rows[1:]}[("GAPE", ISO)] == "Unverified"
    assert len(rows) == 15
    api = client_for("ems_quality").get(f"/api/v1/programs/{pk}/gaps")
    assert api.status_code == 200
    data = api.json()
    assert {(r["site_code"], r["requirement"]): r["verdict"] for r in data["rows"]} == EXPECTED
    assert data["summary"]["total"] == 12
    assert client_for("other_oem_user").get(f"/api/v1/programs/{pk}/gaps").status_code == 404
    out = io.StringIO()
    call_command("gaps", "PHRM", "--as", "oem_buyer", "--format", "csv", stdout=out)
    cli = list(csv.reader(io.StringIO(out.getvalue())))
    assert {(r[1], r[3]): r[4] for r in cli[1:]} == {
        k: v for k, v in {(r[1], r[3]): r[4] for r in rows[1:]}.items()
    }
    out = io.StringIO()
    call_command("gaps", "PHRM", "--as", "ems_quality", stdout=out)
    text = out.getvalue()
    assert "BRL1" not in text and "GAPF" in text
    assert "12 rows: met 2, unverified 1" in text


def test_retired_requirement_and_partner_kinds(people: Any, gap_world: GapWorld) -> None:
    from accord.partners.requirements import add_requirement, retire_requirement

    retire_requirement(actor=people.oem_buyer, requirement=gap_world.ipc)
    capability = add_requirement(
        actor=people.oem_buyer,
        program=gap_world.program,
        kind="country",
        countries=["mx"],
        partner_kinds=["ems", "supplier"],
    )
    rows = _verdicts(_report(people.oem_buyer, gap_world).rows)
    assert rows[("BRL1", "Country: MX")] == "met"
    assert rows[("GAPA", "Country: MX")] == "missing"
    assert not any(requirement == IPC for _site, requirement in rows)
    assert capability.label == "Country: MX"
