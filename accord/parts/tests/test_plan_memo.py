"""The commit takes the plan its dry run made only while every catalogue row the plan was made
from is still the same (bom_import/plan_memo.py): a change anywhere the plan looked makes it
plan again, and every query a plan makes is one it can check again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core.errors import InvalidInput
from accord.parts.bom_import.catalogue_reads import recording
from accord.parts.bom_import.matching import plan_import, previous_revision
from accord.parts.bom_import.parse_memo import forget_parsed_files, parse_bom_file_once
from accord.parts.bom_import.plan_memo import forget_plans
from accord.parts.bom_import.preview import preview_import
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import Manufacturer, ManufacturerPart, Part
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.services.bom_write import import_bom

BOM = (
    b"Designator,Qty,Value,Footprint,Manufacturer,MPN,Internal Part Number\n"
    b"R1 R2,2,10k,R_0603,,,\n"
    b"U1,1,,SOIC-8,,LM358DR,\n"
    b"C1,1,100n,C_0402,,,CAP-100N\n"
)


def _request(programs: Any, data: bytes = BOM, revision: str = "A") -> BomImportRequest:
    return BomImportRequest(
        program=programs["EBX2"],
        assembly_number="MEMO-1",
        revision=revision,
        data=data,
        filename="bom.csv",
    )


@pytest.fixture(autouse=True)
def _nothing_kept() -> Any:
    forget_parsed_files()
    forget_plans()
    yield
    forget_plans()


def test_an_unchanged_catalogue_gives_the_dry_runs_plan(people, programs):
    first = preview_import(_request(programs))
    again = preview_import(_request(programs))
    assert again.plan is first.plan


@pytest.mark.parametrize(
    "change",
    ["a second maker of the MPN", "a part with the file's number", "a previous revision"],
)
def test_a_change_where_the_plan_looked_makes_it_plan_again(people, programs, change):
    first = preview_import(_request(programs))
    assert first.can_commit
    owner = programs["EBX2"].owner
    if change == "a second maker of the MPN":
        for name in ("Texas Instruments", "onsemi"):
            maker, _ = Manufacturer.objects.get_or_create(
                key=manufacturer_key(name), defaults={"name": name}
            )
            ManufacturerPart.objects.create(
                manufacturer=maker, mpn="LM358DR", mpn_key=mpn_key("LM358DR")
            )
    elif change == "a part with the file's number":
        Part.objects.create(owner=owner, number="CAP-100N", description="made since")
    else:
        import_bom(actor=people.oem_buyer, request=_request(programs, revision="0"))
    again = preview_import(_request(programs))
    assert again.plan is not first.plan
    if change == "a second maker of the MPN":
        # The row names no maker and the catalogue now has two: the dry run says so, and the
        # commit refuses cleanly, as a fresh plan would.
        assert [p.code for p in again.errors] == ["ambiguous-manufacturer"]
        with pytest.raises(InvalidInput):
            import_bom(actor=people.oem_buyer, request=_request(programs))
    elif change == "a part with the file's number":
        assert again.plan.lines[2].match == "part_number"
        assert first.plan.lines[2].match == "new"
    else:
        assert again.plan.diff is not None and first.plan.diff is None


def test_every_query_of_a_plan_can_be_checked_again(people, programs):
    """A query that bypassed read_rows would let a stale plan through: count them."""
    program = programs["EBX2"]
    import_bom(actor=people.oem_buyer, request=_request(programs, revision="0"))
    parsed = parse_bom_file_once(BOM, "bom.csv")
    previous = previous_revision(program.pk, "MEMO-1", program.owner_id)
    assert previous is not None  # the diff's queries are counted too
    with CaptureQueriesContext(connection) as queries, recording() as reads:
        plan_import(
            parsed.lines,
            owner_id=program.owner_id,
            file="bom.csv",
            sheet=parsed.sheet,
            previous=previous,
            assembly_number="MEMO-1",
        )
    assert len(queries.captured_queries) == len(reads) >= 8
    assert reads.still_hold()
    Part.objects.filter(owner=program.owner, number="CAP-100N").update(description="changed")
    assert reads.still_hold()  # a description is not something the plan read
    Part.objects.filter(owner=program.owner, number="CAP-100N").update(number="CAP-100N-OLD")
    assert not reads.still_hold()
