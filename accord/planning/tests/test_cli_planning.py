"""`accord planning`: risks and their owners, clear-to-build, alternates and proposals, shared
forecasts, each as a person with that person's access and the same refusals as the pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accord.core.models import AccessLogEntry
from accord.parts.choices import SourceStatus
from accord.parts.models import ApprovedSource
from accord.planning.models import ForecastShare, PlanRun, RiskOwner
from accord.planning.tests.test_alternates import catalogue  # noqa: F401 (a fixture)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("planning", *args, stdout=out)
    return out.getvalue()


def test_risks_and_their_owner(people, programs, earbuds):
    listed = json.loads(run("risks", "EBX2", "--as", "ems_planner", "--json"))
    mcu_risks = {r["kind"] for r in listed if r["part"] == "EB-MCU"}
    assert "single_source" in mcu_risks  # no approved source at all
    said = run(
        "assign-risk",
        "EBX2",
        "EB-MCU",
        "single_source",
        "oem_buyer",
        "--note",
        "Qualify a second source",
        "--as",
        "ems_planner",
    )
    assert "oem_buyer owns the single_source risk of EB-MCU" in said
    owner = RiskOwner.objects.get(part=earbuds["mcu"], kind="single_source")
    assert owner.owner == people.oem_buyer and owner.note == "Qualify a second source"
    table = run("risks", "EBX2", "--kind", "single_source", "--as", "ems_planner")
    [mcu_line] = [line for line in table.splitlines() if line.startswith("EB-MCU")]
    assert mcu_line.rstrip().endswith("oem_buyer")
    # A seller is a member but never sees the schedule: the owner it names is refused.
    with pytest.raises(CommandError, match="owner"):
        run("assign-risk", "EBX2", "EB-MCU", "single_source", "supplier_rep", "--as", "oem_buyer")
    # Someone who may not plan the program gets what a stranger gets.
    with pytest.raises(CommandError, match="404"):
        run("risks", "EBX2", "--as", "supplier_rep")


def test_clear_to_build_names_the_limiting_part(people, programs, earbuds):
    [row] = json.loads(run("clear-to-build", "EBX2", "--as", "ems_planner", "--json"))
    # 40 MCUs on hand + 100 on order by week 3 cover the 100 boards due in week 6.
    assert row["assembly"] == "EB-BOARD" and row["quantity"] == "100"
    assert row["buildable"] == "100" and row["limiting"] == ""
    plan = PlanRun.objects.get(program=programs["EBX2"], person=people.ems_planner)
    assert plan.part_count >= 3


def test_alternates_and_a_proposal_wait_for_the_owner(people, programs, earbuds, catalogue):  # noqa: F811
    found = json.loads(run("alternates", "EBX2", "EB-CAP", "--as", "ems_planner", "--json"))
    options = [(o["kind"], o["mpn"]) for o in found["options"]]
    assert options[0] == ("approved", "REF-100N")
    assert ("candidate", "TIGHT-5") in options and ("candidate", "LOW-10V") not in options
    said = run("propose", "EBX2", "EB-CAP", str(catalogue["TIGHT-5"].pk), "--as", "ems_planner")
    assert "pending until the part's owner approves it" in said
    source = ApprovedSource.objects.get(part=earbuds["cap"], manufacturer_part=catalogue["TIGHT-5"])
    assert source.status == SourceStatus.PENDING
    with pytest.raises(CommandError, match="404"):
        run("alternates", "EBX2", "EB-CAP", "--as", "other_oem_user")


def test_a_forecast_shared_and_read_by_its_supplier(people, programs, parts, earbuds):
    said = run("share-forecast", "EBX2", "sunridge", "--note", "Q1", "--as", "oem_buyer")
    share = ForecastShare.objects.get(program=programs["EBX2"], supplier__slug__startswith="sun")
    assert f"Shared forecast {share.pk} with" in said
    [listed] = json.loads(run("forecasts", "--as", "supplier_rep", "--json"))
    assert listed["id"] == share.pk and listed["program"] == "EBX2"
    lines = json.loads(run("forecast", str(share.pk), "--as", "supplier_rep", "--json"))
    assert {line["part"] for line in lines} == {line.part.number for line in share.lines.all()}
    assert json.loads(run("forecasts", "--as", "arrowpoint_rep", "--json")) == []
    with pytest.raises(CommandError, match="404"):
        run("forecast", str(share.pk), "--as", "arrowpoint_rep")
    with pytest.raises(CommandError, match="404"):
        run("share-forecast", "EBX2", "sunridge", "--as", "supplier_rep")


def test_reading_a_plan_that_counted_partner_stock_is_logged(people, programs, earbuds):
    # The buyer's plan counts Meridian's own stock (40 MCUs, 1,000 capacitors) under the NDA.
    before = AccessLogEntry.objects.filter(owner=people.ems_planner.organisation).count()
    run("risks", "EBX2", "--as", "oem_buyer")
    entries = AccessLogEntry.objects.filter(owner=people.ems_planner.organisation)
    assert entries.count() == before + 1
    assert entries.order_by("-pk")[0].channel == "cli"
