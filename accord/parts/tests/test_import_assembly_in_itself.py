"""A BOM line that is the assembly itself, directly or through its sub-assemblies: the dry run
and the commit report it the same way (`assembly-contains-itself`, by file, sheet, row and
column), on the first import of the file as on any later one.

What the property test of test_import_dry_run_commits.py found: a line whose internal part
number is the assembly, with an MPN the catalogue knows on another part. The first import
matched the line by its MPN (the assembly, created by that very import, was no part yet) and
wrote it; the second found the assembly by the line's number and refused the same file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.core.errors import InvalidInput
from accord.parts.bom_import.inputs import BomImportRequest, build_preview, commit
from accord.parts.bom_import.preview import ImportPreview
from accord.parts.models import ApprovedSource, Bom, BomLine, Part
from accord.parts.services.bom_write import prepare_bom_import, write_bom_import
from accord.planning.services import refresh_plan

# TPS7A0233PDBVR is a source of HAL-200-0002 in the persona world's catalogue.
KNOWN_MPN = "TPS7A0233PDBVR"
HEADER = "Designator,Quantity,Internal Part Number,Manufacturer,MPN\n"


def request(programs: Any, data: str, assembly: str, revision: str = "A") -> BomImportRequest:
    return BomImportRequest(
        program=programs["EBX2"],
        assembly_number=assembly,
        revision=revision,
        data=data.encode(),
        filename="bom.csv",
    )


def dry_run(programs: Any, data: str, assembly: str, revision: str = "A") -> ImportPreview:
    return build_preview(request(programs, data, assembly, revision))


def refused(people: Any, programs: Any, data: str, assembly: str, revision: str = "A") -> Any:
    """The commit's refusal; checks that it wrote nothing."""
    before = (Part.objects.count(), Bom.objects.count(), BomLine.objects.count())
    with pytest.raises(InvalidInput) as refusal:
        commit(people.oem_buyer, request(programs, data, assembly, revision))
    assert refusal.value.code == "import_invalid"
    assert (Part.objects.count(), Bom.objects.count(), BomLine.objects.count()) == before
    return refusal.value


def where(problem: Any) -> tuple[Any, ...]:
    return (problem.code, problem.file, problem.sheet, problem.row, problem.column)


def test_a_line_naming_the_new_assembly_is_refused_though_its_mpn_is_another_parts(
    people, programs
):
    data = HEADER + f"R1,1,R-10K-X,,\nU1,1,PT-SUB,Texas Instruments,{KNOWN_MPN}\n"
    [problem] = dry_run(programs, data, "PT-SUB").errors
    assert where(problem) == (
        "assembly-contains-itself",
        "bom.csv",
        "bom",
        3,
        "Internal Part Number (C)",
    )
    assert problem.message.startswith(
        "This line is PT-SUB, the assembly this BOM is for (its internal part number is PT-SUB)"
    )
    refusal = refused(people, programs, data, "PT-SUB")
    assert refusal.detail == [
        {
            "message": problem.message,
            "file": "bom.csv",
            "sheet": "bom",
            "row": 3,
            "column": "Internal Part Number (C)",
        }
    ]
    # Imported under another assembly, PT-SUB is one of its parts; for PT-SUB, still refused.
    commit(people.oem_buyer, request(programs, data, "PT-MAIN"))
    assert dry_run(programs, data, "PT-MAIN", "B").can_commit
    [again] = dry_run(programs, data, "PT-SUB").errors
    assert where(again) == where(problem)
    refused(people, programs, data, "PT-SUB")


@pytest.mark.parametrize(
    ("cell", "assembly"),
    [
        ("  PT-SUB  ", "PT-SUB"),
        ("PT-SUB", "  PT-SUB "),
        ("\u00a0PT-SUB\u00a0", "PT-SUB"),
        # Cut to fit the part number's 80 characters, the line's number is the assembly's.
        ("A" * 78 + "-S-EXTRA", "A" * 78 + "-S"),
    ],
)
def test_spellings_of_the_assembly_that_store_as_its_number_are_refused(
    people, programs, cell, assembly
):
    data = HEADER + f'U1,1,"{cell}",Texas Instruments,{KNOWN_MPN}\n'
    [problem] = dry_run(programs, data, assembly.strip()).errors
    assert (problem.code, problem.column) == (
        "assembly-contains-itself",
        "Internal Part Number (C)",
    )
    refused(people, programs, data, assembly)
    commit(people.oem_buyer, request(programs, data, "PT-MAIN"))
    [again] = dry_run(programs, data, assembly.strip(), "B").errors
    assert where(again) == where(problem)


def test_a_line_in_another_letter_case_is_another_part_on_every_import(people, programs):
    """Part numbers are exact, in the catalogue and in the database's unique constraint: pt-sub
    is not PT-SUB. Whatever the first import decides, the next one decides the same."""
    data = HEADER + f"U1,1,pt-sub,Texas Instruments,{KNOWN_MPN}\n"
    first = dry_run(programs, data, "PT-SUB")
    assert first.can_commit
    bom = commit(people.oem_buyer, request(programs, data, "PT-SUB"))
    again = dry_run(programs, data, "PT-SUB", "B")
    assert again.can_commit and again.plan is not None and first.plan is not None
    assert [line.part_number for line in again.plan.lines] == [
        line.part_number for line in first.plan.lines
    ]
    assert bom.assembly.number == "PT-SUB"
    assert not bom.lines.filter(part=bom.assembly).exists()


def test_a_line_naming_a_part_another_line_creates_is_that_part_on_every_import(people, programs):
    """The same blind spot for the parts a file creates: IPN-77 is new (its second line has no
    MPN), so the first line, which names it, is IPN-77 too, not the part its MPN would find."""
    data = HEADER + f"U1,1,IPN-77,Texas Instruments,{KNOWN_MPN}\nU2,1,IPN-77,,\n"
    first = dry_run(programs, data, "PT-MAIN")
    assert first.plan is not None and first.can_commit
    assert [(line.part_number, line.match) for line in first.plan.lines] == [
        ("IPN-77", "new"),
        ("IPN-77", "new"),
    ]
    bom = commit(people.oem_buyer, request(programs, data, "PT-MAIN"))
    assert list(bom.lines.order_by("position").values_list("part__number", flat=True)) == [
        "IPN-77",
        "IPN-77",
    ]
    assert ApprovedSource.objects.filter(
        part__number="IPN-77", manufacturer_part__mpn=KNOWN_MPN
    ).exists()
    again = dry_run(programs, data, "PT-MAIN", "B")
    assert again.plan is not None and again.can_commit and again.plan.new_parts == 0
    assert [line.part_number for line in again.plan.lines] == ["IPN-77", "IPN-77"]


# Through sub-assemblies: a loop the planner could not explode. ---------------------------


def test_a_line_whose_bom_contains_the_assembly_is_refused(people, programs):
    commit(people.oem_buyer, request(programs, HEADER + "J1,1,PT-MID,,\n", "PT-MAIN"))
    commit(people.oem_buyer, request(programs, HEADER + "J1,1,PT-SUB,,\n", "PT-MID"))
    # PT-MAIN > PT-MID > PT-SUB: a BOM for PT-SUB that lists PT-MAIN (by its number, or by an
    # MPN that is PT-MAIN's) closes the loop.
    main = Part.objects.get(owner=people.oem_buyer.organisation, number="PT-MAIN")
    hal = Part.objects.get(owner=people.oem_buyer.organisation, number="HAL-200-0002")
    ApprovedSource.objects.filter(part=hal).update(part=main)
    for cell, column in [("PT-MAIN", "Internal Part Number (C)"), ("", "MPN (E)")]:
        data = HEADER + f"R1,1,R-10K-X,,\nJ1,1,{cell},Texas Instruments,{KNOWN_MPN}\n"
        [problem] = dry_run(programs, data, "PT-SUB", "B").errors
        assert where(problem) == ("assembly-contains-itself", "bom.csv", "bom", 3, column)
        assert problem.message.startswith(
            "This line is PT-MAIN, which contains PT-SUB, the assembly this BOM is for, "
            "through its own BOM in this program (PT-MAIN > PT-MID > PT-SUB)"
        )
        assert refused(people, programs, data, "PT-SUB", "B").detail[0]["row"] == 3
    # The planner still plans the program.
    refresh_plan(
        actor=people.oem_buyer,
        person=people.oem_buyer,
        program=programs["EBX2"],
        today=dt.date(2026, 5, 1),
    )


def test_only_the_latest_revision_of_a_sub_assembly_counts(people, programs):
    commit(people.oem_buyer, request(programs, HEADER + "J1,1,PT-SUB,,\n", "PT-MAIN"))
    data = HEADER + "J1,1,PT-MAIN,,\n"
    assert not dry_run(programs, data, "PT-SUB").can_commit
    # PT-MAIN's next revision no longer holds PT-SUB: PT-SUB may now hold PT-MAIN.
    commit(people.oem_buyer, request(programs, HEADER + "R1,1,R-10K-X,,\n", "PT-MAIN", "B"))
    assert dry_run(programs, data, "PT-SUB").can_commit
    commit(people.oem_buyer, request(programs, data, "PT-SUB"))


def test_the_commit_checks_again_what_was_written_since_its_dry_run(people, programs):
    """Two imports prepared side by side, each fine on its own: the second written closes a
    loop, and is refused as its dry run would refuse it now."""
    sub = request(programs, HEADER + "J1,1,PT-MAIN,,\n", "PT-SUB")
    main = request(programs, HEADER + "J1,1,PT-SUB,,\n", "PT-MAIN")
    prepared = [prepare_bom_import(actor=people.oem_buyer, request=r) for r in (sub, main)]
    write_bom_import(prepared[0], actor=people.oem_buyer)
    before = (Part.objects.count(), Bom.objects.count(), BomLine.objects.count())
    with pytest.raises(InvalidInput) as refusal:
        write_bom_import(prepared[1], actor=people.oem_buyer)
    assert (Part.objects.count(), Bom.objects.count(), BomLine.objects.count()) == before
    [problem] = build_preview(main).errors
    assert refusal.value.detail == [
        {
            "message": problem.message,
            "file": "bom.csv",
            "sheet": "bom",
            "row": 2,
            "column": "Internal Part Number (C)",
        }
    ]


def test_a_part_renumbered_as_the_assembly_since_the_dry_run_is_refused_with_its_row(
    people, programs
):
    data = HEADER + f"R1,1,R-10K-X,,\nU1,1,,Texas Instruments,{KNOWN_MPN}\n"
    prepared = prepare_bom_import(actor=people.oem_buyer, request=request(programs, data, "PT-SUB"))
    Part.objects.filter(owner=people.oem_buyer.organisation, number="HAL-200-0002").update(
        number="PT-SUB"
    )
    with pytest.raises(InvalidInput) as refusal:
        write_bom_import(prepared, actor=people.oem_buyer)
    [detail] = refusal.value.detail
    assert (detail["row"], detail["column"]) == (3, "MPN (E)")
    assert detail["message"].startswith(
        "This line is PT-SUB, the assembly this BOM is for (its MPN TPS7A0233PDBVR is a source"
    )
    assert not Bom.objects.filter(assembly__number="PT-SUB").exists()
