"""Imports publish their plan in one short set-based transaction (ADR 0009): the roll-ups they
write equal refresh_part_rollups from scratch, and rows someone else wrote between the plan
and its publication are used, not a reason to fail half-way."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core.errors import Conflict, InvalidInput
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import ApprovedSource, Bom, ManufacturerPart, Part
from accord.parts.services import add_approved_source, create_part, refresh_part_rollups
from accord.parts.services.bom_write import prepare_bom_import, write_bom_import
from accord.parts.services.catalogue_import import write_catalogue_import
from accord.parts.services.catalogue_plan import plan_catalogue_import

DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "parts"
CPL = DATA / "octopart_CPL-Data" / "cpl_parts_with_alternates_flattened.csv"


def rollups(owner_id: int) -> dict[int, tuple[int, str, list[str]]]:
    # The order of the sources in the search text is not defined: compare its words.
    return {
        pk: (count, lifecycle, sorted(text.split()))
        for pk, count, lifecycle, text in Part.objects.filter(owner_id=owner_id).values_list(
            "pk", "approved_source_count", "lifecycle", "search_text"
        )
    }


def test_a_parts_list_writes_the_rollups_refresh_would(people):
    buyer = people.oem_buyer
    plan = plan_catalogue_import(actor=buyer, data=CPL.read_bytes(), filename=CPL.name)
    result = write_catalogue_import(plan, actor=buyer)
    assert result.parts_created > 400 and result.sources_created > result.parts_created
    written = rollups(buyer.organisation_id)
    refresh_part_rollups(list(written))
    assert rollups(buyer.organisation_id) == written
    assert any(count > 1 for count, _, _ in written.values())  # alternates became sources


def test_a_parts_list_uses_what_was_written_after_its_plan(people):
    buyer = people.oem_buyer
    data = (
        b"Manufacturer,MPN,Description,Lifecycle\n"
        b"Racecorp,RACE-0001,First,Active\n"
        b"Racecorp,RACE-0002,Second,NRND\n"
    )
    plan = plan_catalogue_import(actor=buyer, data=data, filename="race.csv")
    assert plan.result.parts_created == 2
    # Meanwhile someone creates one of the parts, with no source yet.
    meanwhile = create_part(actor=buyer, number="RACE-0002", description="made by hand")
    result = write_catalogue_import(plan, actor=buyer)
    assert (result.parts_created, result.sources_created) == (1, 2)
    meanwhile.refresh_from_db()
    assert meanwhile.description == "made by hand"  # used as it is
    assert (meanwhile.approved_source_count, meanwhile.lifecycle) == (1, "nrnd")
    assert "racecorp race-0002" in meanwhile.search_text


def test_a_bom_uses_what_was_written_after_its_plan(people, programs):
    buyer = people.oem_buyer
    data = b"Designator,Qty,Manufacturer,MPN\nU1,1,Racecorp,RACE-BOM-1\nU2,1,Racecorp,RACE-BOM-2\n"
    prepared = prepare_bom_import(
        actor=buyer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number="RACE-ASSY",
            revision="A",
            data=data,
            filename="race.csv",
        ),
    )
    assert prepared.preview.plan is not None and prepared.preview.plan.new_parts == 2
    meanwhile = create_part(actor=buyer, number="RACE-BOM-2")
    add_approved_source(
        actor=buyer, part=meanwhile, manufacturer="Racecorp", mpn="RACE-BOM-2", status="approved"
    )
    bom = write_bom_import(prepared, actor=buyer)
    lines = dict(bom.lines.values_list("designators", "part__number"))
    assert lines == {"U1": "RACE-BOM-1", "U2": "RACE-BOM-2"}
    assert bom.lines.get(designators="U2").part_id == meanwhile.pk
    assert ManufacturerPart.objects.filter(mpn_key__startswith="RACEBOM").count() == 2
    assert ApprovedSource.objects.filter(part=meanwhile).count() == 1


def test_publishing_is_a_fixed_number_of_statements(people, programs):
    """Set-based: the write does not issue a statement per line."""

    def statements(lines: int) -> int:
        rows = "".join(f"U{i},1,Bulkco,BULK-{lines}-{i}\n" for i in range(lines))
        prepared = prepare_bom_import(
            actor=people.oem_buyer,
            request=BomImportRequest(
                program=programs["EBX2"],
                assembly_number=f"BULK-{lines}",
                revision="A",
                data=f"Designator,Qty,Manufacturer,MPN\n{rows}".encode(),
                filename="bulk.csv",
            ),
        )
        with CaptureQueriesContext(connection) as queries:
            write_bom_import(prepared, actor=people.oem_buyer)
        return len(queries)

    statements(5)  # the first creates the manufacturer and the category
    assert statements(200) == statements(20)
    assert Bom.objects.filter(assembly__number="BULK-200").get().lines.count() == 200


def _prepare(people, programs, data: bytes, assembly: str):
    return prepare_bom_import(
        actor=people.oem_buyer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number=assembly,
            revision="A",
            data=data,
            filename=f"{assembly.lower()}.csv",
        ),
    )


def test_an_mpn_two_makers_share_needs_its_maker_named(people, programs):
    """A row without a manufacturer whose MPN the catalogue holds under two makers is a problem
    of the dry run, not a guess (nor, as once, a commit that failed after the dry run said yes)."""
    buyer = people.oem_buyer
    for maker, assembly in (("Acme Passives", "AMB-1"), ("Bolt Components", "AMB-2")):
        data = f"Designator,Qty,Manufacturer,MPN\nR1,1,{maker},AMB-0402-10K\n".encode()
        write_bom_import(_prepare(people, programs, data, assembly), actor=buyer)
    unnamed = b"Designator,Qty,MPN\nR1,1,AMB-0402-10K\nR2,1,OTHER-1\n"
    with pytest.raises(InvalidInput) as refused:
        _prepare(people, programs, unnamed, "AMB-3")
    [problem] = refused.value.detail
    assert (problem["row"], problem["column"]) == (2, "MPN (C)")
    assert "made by Acme Passives and Bolt Components" in problem["message"]
    # Named, it imports, and reuses that maker's part.
    named = b"Designator,Qty,Manufacturer,MPN\nR1,1,Bolt Components,AMB-0402-10K\n"
    bom = write_bom_import(_prepare(people, programs, named, "AMB-4"), actor=buyer)
    makers = ApprovedSource.objects.filter(part__bom_lines__bom=bom).values_list(
        "manufacturer_part__manufacturer__name", flat=True
    )
    assert "Bolt Components" in set(makers)
    assert ManufacturerPart.objects.filter(mpn="AMB-0402-10K").count() == 2


def test_a_dry_run_that_can_commit_commits_or_refuses_cleanly(people, programs):
    """Whatever changed between the dry run and the commit, the commit writes everything or
    answers a Conflict with its reason: never an unhandled database error."""
    buyer = people.oem_buyer
    data = b"Designator,Qty,Manufacturer,MPN\nU1,1,Racecorp,RACE-DEL-1\n"
    write_bom_import(_prepare(people, programs, data, "DEL-1"), actor=buyer)
    again = _prepare(people, programs, data, "DEL-2")
    assert again.preview.can_commit
    part = Part.objects.get(owner=buyer.organisation, number="RACE-DEL-1")
    assert again.preview.plan is not None and again.preview.plan.lines[0].part_id == part.pk
    # Meanwhile the matched part disappears (with the BOM that used it).
    Bom.objects.filter(assembly__number="DEL-1").delete()
    part.delete()
    boms = Bom.objects.count()
    with pytest.raises(Conflict) as refused:
        write_bom_import(again, actor=buyer)
    assert "nothing was written" in refused.value.message
    assert Bom.objects.count() == boms
