"""What the property test of test_import_dry_run_commits.py found, one focused test each: a dry
run that said yes to a commit that then refused or failed, a dry run that showed other sources
than the commit wrote, an import that made its own file un-importable the next time."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from accord.core.errors import InvalidInput
from accord.parts.bom_import.preview import ImportPreview, preview_import
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import ApprovedSource, Bom, Manufacturer, ManufacturerPart, Part
from accord.parts.normalise import (
    MANUFACTURER_KEY_LENGTH,
    MPN_KEY_LENGTH,
    manufacturer_key,
    manufacturer_key_expr,
    mpn_key,
    mpn_key_expr,
)
from accord.parts.services.bom_write import import_bom


def _request(programs: Any, data: bytes, assembly: str, revision: str) -> BomImportRequest:
    return BomImportRequest(
        program=programs["EBX2"],
        assembly_number=assembly,
        revision=revision,
        data=data,
        filename="bom.csv",
    )


def dry_run(people: Any, programs: Any, data: bytes, assembly: str) -> ImportPreview:
    return preview_import(_request(programs, data, assembly, "A"))


def commit(people: Any, programs: Any, data: bytes, assembly: str, revision: str = "A") -> Bom:
    return import_bom(actor=people.oem_buyer, request=_request(programs, data, assembly, revision))


# An assembly that contains itself: the commit refused it after the dry run said yes. --------


def test_a_line_that_is_the_assembly_itself_is_a_problem_of_the_dry_run(people, programs):
    data = b"Designator,Qty,Internal Part Number,Value\nR1,1,R-10K,10k\nJ1,1,SUB-7,Board\n"
    preview = dry_run(people, programs, data, "SUB-7")
    [problem] = preview.errors
    assert (problem.code, problem.row, problem.column) == (
        "assembly-contains-itself",
        3,
        "Internal Part Number (C)",
    )
    assert problem.message.startswith(
        "This line is SUB-7, the assembly this BOM is for (its internal part number is SUB-7)"
    )
    with pytest.raises(InvalidInput) as refused:
        commit(people, programs, data, "SUB-7")
    assert refused.value.code == "import_invalid"
    assert not Part.objects.filter(number__in=["SUB-7", "R-10K"]).exists()
    # Under another assembly the same file imports, and SUB-7 becomes one of its parts.
    commit(people, programs, data, "MAIN-7")
    assert not dry_run(people, programs, data, "MAIN-7").errors


def test_a_line_matched_by_mpn_to_the_assembly_is_a_problem_too(people, programs):
    """SUB-8 is an assembly already, with an MPN of its own as a source: a file for SUB-8 that
    lists that MPN would contain SUB-8."""
    commit(people, programs, b"Designator,Qty,Value\nR1,1,10k\n", "SUB-8")
    sub = Part.objects.get(owner=people.oem_buyer.organisation, number="SUB-8")
    maker = Manufacturer.objects.create(name="Subco", key=manufacturer_key("Subco"))
    mp = ManufacturerPart.objects.create(manufacturer=maker, mpn="SUBCO-8", mpn_key="SUBCO8")
    ApprovedSource.objects.create(part=sub, manufacturer_part=mp, rank=1, status="approved")
    data = b"Designator,Qty,Manufacturer,MPN\nU1,1,Subco,SUBCO-8\n"
    [problem] = dry_run(people, programs, data, "SUB-8").errors
    assert problem.code == "assembly-contains-itself" and problem.column == "MPN (D)"
    assert "(its MPN SUBCO-8 is a source of SUB-8)" in problem.message


# Names longer than their columns: PostgreSQL refused the write after the dry run said yes. ---

LONG_MAKER = "Extraordinarily Long Name Precision Passive Components Trading " * 4
LONG_MPN = "XL-" + "0123456789ABCDEF" * 8


def test_keys_fit_their_columns_and_both_forms_agree():
    assert Manufacturer._meta.get_field("key").max_length == MANUFACTURER_KEY_LENGTH
    assert ManufacturerPart._meta.get_field("mpn_key").max_length == MPN_KEY_LENGTH
    names = [LONG_MAKER, LONG_MAKER.upper() + " Inc.", "a " * 150, "Ω" * 300]
    mpns = [LONG_MPN, LONG_MPN.lower() + "-B", "ﬁ" * 200]
    assert all(len(manufacturer_key(n)) <= MANUFACTURER_KEY_LENGTH for n in names)
    assert all(len(mpn_key(m)) == MPN_KEY_LENGTH for m in mpns)
    frame = pl.DataFrame({"name": names})
    assert frame.select(manufacturer_key_expr(pl.col("name")))["name"].to_list() == [
        manufacturer_key(n) for n in names
    ]
    frame = pl.DataFrame({"mpn": mpns})
    assert frame.select(mpn_key_expr(pl.col("mpn")))["mpn"].to_list() == [mpn_key(m) for m in mpns]


def test_a_maker_and_an_mpn_longer_than_their_columns_import_and_match_again(people, programs):
    data = f"Designator,Qty,Manufacturer,MPN\nU1,1,{LONG_MAKER},{LONG_MPN}\n".encode()
    bom = commit(people, programs, data, "LONG-1")
    [source] = ApprovedSource.objects.filter(part__bom_lines__bom=bom).select_related(
        "manufacturer_part__manufacturer"
    )
    assert source.manufacturer_part.mpn == LONG_MPN[:120]
    assert len(source.manufacturer_part.manufacturer.key) <= MANUFACTURER_KEY_LENGTH
    again = dry_run(people, programs, data, "LONG-2")
    assert again.can_commit and again.plan is not None
    assert (again.plan.new_parts, again.plan.new_sources) == (0, 0)
    assert again.plan.lines[0].match == "mpn"


# The dry run showed one maker for a source and the commit linked another's part. ----------


def test_an_mpn_without_its_maker_shows_the_maker_it_is_matched_to(people, programs):
    """TI's LDO is the catalogue's only TPS7A0233PDBVR: a row naming no maker is matched to it,
    and the dry run says Texas Instruments, not Unknown."""
    data = b"Designator,Qty,MPN,Manufacturer 2,MPN 2\nU1,1,TPS7A0233PDBVR,,tps7a0233pdbvr\n"
    preview = dry_run(people, programs, data, "SHOW-1")
    assert [(s.manufacturer, s.mpn) for s in preview.plan.lines[0].sources] == [
        ("Texas Instruments", "TPS7A0233PDBVR"),
        ("Texas Instruments", "tps7a0233pdbvr"),
    ]


# An import made its own file ambiguous for the next import. ---------------------------------


def test_a_file_that_names_a_second_maker_of_an_mpn_needs_the_maker_on_every_row(people, programs):
    """The catalogue knows TPS7A0233PDBVR by TI only; this file names Bolt Components as its
    maker on one row and no maker on another. Matched to TI, the import would have made the
    MPN two makers' and the same file ambiguous the next time: the dry run says so now."""
    data = (
        b"Designator,Qty,Manufacturer,MPN\nU1,1,,TPS7A0233PDBVR\nU2,1,Bolt Components,"
        b"TPS7A0233PDBVR\n"
    )
    [problem] = dry_run(people, programs, data, "TWO-1").errors
    assert (problem.code, problem.row) == ("ambiguous-manufacturer", 2)
    assert "made by Bolt Components and Texas Instruments in the catalogue and this file" in (
        problem.message
    )
    named = data.replace(b"U1,1,,", b"U1,1,TI,")
    commit(people, programs, named, "TWO-1")
    assert dry_run(people, programs, named, "TWO-2").can_commit


def test_an_alternate_without_its_maker_is_found_again_under_its_lines_maker(people, programs):
    """An alternate naming no maker is created as its line's maker's: after another maker of
    that MPN appears, the same file still finds it there instead of being ambiguous."""
    data = b"Designator,Qty,Manufacturer,MPN,Manufacturer 2,MPN 2\nU1,1,Acme,ACME-1,,ALT-77\n"
    commit(people, programs, data, "ALT-1")
    other = b"Designator,Qty,Manufacturer,MPN\nU1,1,Bolt Components,ALT-77\n"
    commit(people, programs, other, "ALT-2")
    again = dry_run(people, programs, data, "ALT-3")
    assert again.can_commit, again.errors
    assert [(s.manufacturer, s.already_listed) for s in again.plan.lines[0].sources] == [
        ("Acme", True),
        ("Acme", True),
    ]
