"""A dry run that says it can commit, commits (issue 10, section 6).

For random sequences of imports, of real BOM files and of files built here (bom_generation.py),
through the functions the API, the CLI and the pages share (bom_import/inputs.py): whenever the
dry run says the file can be imported, the import succeeds and writes what the dry run showed;
whenever the import refuses, it refuses with a Conflict or an InvalidInput that says why, and
writes nothing. A racing import, prepared before another is written and written after it, may
be refused (the catalogue changed under it), but only so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from django.db import connection, transaction
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st

from accord.core.errors import Conflict, InvalidInput
from accord.core.models import Event
from accord.orgs.models import Person, Program
from accord.parts.bom_import.inputs import BomImportRequest, ImportOptions, build_preview, commit
from accord.parts.bom_import.matching import (
    UNKNOWN_MANUFACTURER,
    UNKNOWN_MANUFACTURER_KEY,
    ImportPlan,
    resolve_manufacturers,
)
from accord.parts.models import ApprovedSource, Bom, BomLine, Manufacturer, ManufacturerPart, Part
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.services.bom_write import prepare_bom_import, write_bom_import
from accord.parts.tests.bom_generation import (
    BuiltBom,
    ImportStep,
    Row,
    describe,
    import_steps,
    small_sample_boms,
)

# More for a deeper search: ACCORD_PROPERTY_EXAMPLES=1000 pytest -k dry_run_that_says
SAMPLES = small_sample_boms()
TABLES = (Manufacturer, ManufacturerPart, Part, ApprovedSource, Bom, BomLine, Event)
REFUSALS = (Conflict, InvalidInput)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the persona world: the test's transaction is not reset between
    Hypothesis examples, so each runs in a savepoint of its own, rolled back at its end."""
    with transaction.atomic():
        yield
        # Foreign keys are checked at COMMIT, which a rolled-back example never reaches.
        connection.check_constraints()
        transaction.set_rollback(True)


def request_for(step: ImportStep) -> tuple[Person, BomImportRequest]:
    actor = Person.objects.select_related("organisation").get(username=step.persona)
    return actor, BomImportRequest(
        program=Program.objects.get(code=step.program),
        assembly_number=step.assembly,
        revision=step.revision,
        data=step.source.data(),
        filename=step.source.filename,
        options=ImportOptions(approve_alternates=step.approve_alternates),
    )


def check_refusal(refusal: Exception, before: dict[str, int]) -> None:
    assert isinstance(refusal, REFUSALS) and refusal.message.strip()
    assert counts() == before, "a refused import wrote something"


def import_and_check(step: ImportStep) -> None:
    """Dry run, then commit: the commit does what the dry run said."""
    actor, request = request_for(step)
    preview = build_preview(request)
    before = counts()
    try:
        bom = commit(actor, request)
    except REFUSALS as refusal:
        assert not preview.can_commit, (
            f"the dry run said {step.source.filename} can be imported, the import refused: "
            f"{refusal.message} {refusal.detail}"
        )
        check_refusal(refusal, before)
        event(f"refused: {', '.join(sorted({p.code for p in preview.errors})) or refusal.code}")
        return
    event("imported")
    assert preview.can_commit, f"the dry run refused what the import took: {preview.errors}"
    plan = preview.plan
    assert plan is not None
    assert bom.lines.count() == len(plan.lines)
    assert list(bom.lines.order_by("position").values_list("part__number", flat=True)) == [
        line.part_number[:80] for line in plan.lines
    ], "the lines went to other parts than the dry run showed"
    check_sources_written(plan, request.program.owner_id)
    check_recognised_again(request)
    check_no_loops()


def check_sources_written(plan: ImportPlan, owner_id: int) -> None:
    """Every source the dry run showed on a line is a source of the line's part: that maker
    (or the maker it is an alias of) and that MPN."""
    shown = {
        (line.part_number[:80], s.manufacturer, mpn_key(s.mpn))
        for line in plan.lines
        for s in line.sources
    }
    makers = resolve_manufacturers({name for _, name, _ in shown} | {UNKNOWN_MANUFACTURER})
    written = set(
        ApprovedSource.objects.filter(
            part__owner_id=owner_id, part__number__in={number for number, _, _ in shown}
        ).values_list(
            "part__number", "manufacturer_part__manufacturer_id", "manufacturer_part__mpn_key"
        )
    )
    missing = {
        (number, name, key)
        for number, name, key in shown
        if (number, makers.get(manufacturer_key(name) or UNKNOWN_MANUFACTURER_KEY), key)
        not in written
    }
    assert not missing, f"sources the dry run showed were not written: {missing}"


def check_recognised_again(request: BomImportRequest) -> None:
    """The file just imported, imported again as a new revision, can be imported and is the
    catalogue's now: an import never makes its own file ambiguous, nor its parts new again.
    (Its sources may move: a file that gives one MPN to two parts finds it on either.)"""
    again = build_preview(replace(request, revision="R-AGAIN"))
    assert again.plan is not None
    assert again.can_commit, f"imported once, refused the second time: {again.errors}"
    assert again.plan.new_parts == 0, [
        (line.source_row, line.part_number) for line in again.plan.lines if line.part_id is None
    ]


def race_and_check(step: ImportStep, racing: ImportStep) -> None:
    """Two imports prepared on the same catalogue, written one after the other: the first
    writes, the second writes or refuses cleanly."""
    prepared = []
    for each in (step, racing):
        actor, request = request_for(each)
        if build_preview(request).can_commit:
            prepared.append((actor, prepare_bom_import(actor=actor, request=request)))
    for order, (actor, plan) in enumerate(prepared):
        before = counts()
        try:
            bom = write_bom_import(plan, actor=actor)
        except REFUSALS as refusal:
            assert order > 0, f"nothing was written since its dry run: {refusal.message}"
            check_refusal(refusal, before)
            event(f"racing import refused: {refusal.code}")
        else:
            event("racing import written")
            assert bom.lines.count() == plan.lines
    check_no_loops()


def check_no_loops() -> None:
    """No assembly contains itself through the latest BOMs of a program (what the planner
    explodes): every import that could close a loop was refused."""
    latest: dict[tuple[int, int], int] = {}
    for program_id, assembly_id, bom_id in Bom.objects.order_by(
        "program_id", "assembly_id", "created_at", "pk"
    ).values_list("program_id", "assembly_id", "pk"):
        latest[(program_id, assembly_id)] = bom_id
    below: dict[tuple[int, int], set[int]] = {}
    for (program_id, assembly_id), bom_id in latest.items():
        parts = set(BomLine.objects.filter(bom_id=bom_id).values_list("part_id", flat=True))
        below[(program_id, assembly_id)] = parts
    for program_id, assembly_id in below:
        seen, todo = set(), [assembly_id]
        while todo:
            for child in below.get((program_id, todo.pop()), set()):
                assert child != assembly_id, f"part {assembly_id} contains itself"
                if child not in seen:
                    seen.add(child)
                    todo.append(child)


# The example that found a line naming the assembly the import itself creates: the first
# import took it (matched by its MPN, TI's LDO, to another part), the next one refused it.
THE_ASSEMBLY_BY_NUMBER = ImportStep(
    persona="oem_buyer",
    program="EBX2",
    assembly="PT-SUB",
    revision="A",
    source=BuiltBom(
        rows=(
            Row(
                prefix="U",
                count=1,
                quantity="1",
                manufacturer="Texas Instruments",
                mpn="TPS7A0233PDBVR",
                part_number="PT-SUB",
            ),
        ),
        columns=("designators", "quantity", "manufacturer", "mpn", "part_number"),
        fmt="csv",
    ),
)
# PT-MAIN holds PT-SUB; a BOM for PT-SUB that holds PT-MAIN closes a loop.
_ONE_PART = ("designators", "quantity", "part_number")
A_LOOP = [
    ImportStep(
        persona="oem_buyer",
        program="EBX2",
        assembly=assembly,
        revision="A",
        source=BuiltBom(
            rows=(Row(prefix="J", count=1, quantity="1", part_number=line),),
            columns=_ONE_PART,
            fmt="csv",
        ),
    )
    for assembly, line in (("PT-MAIN", "PT-SUB"), ("PT-SUB", "PT-MAIN"))
]


@settings(
    max_examples=int(os.environ.get("ACCORD_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(import_steps(SAMPLES), min_size=1, max_size=4))
@example(steps=[THE_ASSEMBLY_BY_NUMBER])
@example(steps=A_LOOP)
def test_a_dry_run_that_says_it_can_commit_commits(db: Any, steps: list[ImportStep]) -> None:
    with rolled_back():
        for step in steps:
            note(describe(step))
            if step.racing is not None:
                race_and_check(step, step.racing)
            else:
                import_and_check(step)
