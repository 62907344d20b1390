"""An assembly cannot contain itself through its sub-assemblies either.

A BOM for PT-MAIN whose line is PT-SUB, while the latest BOM of PT-SUB in the same program lists
PT-MAIN (at any depth), closes a loop: the planner, which explodes each program's latest BOMs
level by level, cannot place a part on a loop and refuses to plan the program. The dry run
reports such a line as it reports a line that is the assembly itself (`assembly-contains-itself`,
by file, sheet, row and column), and the commit checks it again in its transaction.

Set-based: one query for the assembly, then two per level of sub-assemblies below the file's
parts (their latest BOMs, their lines), whatever the file's length. The assembly's own BOMs
are not walked: the imported one becomes its latest.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from typing import Any

from accord.core.db import one_of
from accord.parts.bom_import.catalogue_reads import read_rows
from accord.parts.bom_import.matching import PlannedLine, identifying_column
from accord.parts.bom_import.problems import Problem
from accord.parts.models import Bom, BomLine, Part


def sub_assembly_edges(program_id: int, starts: set[int], *, skip: int) -> dict[int, set[int]]:
    """Assembly -> the parts of its latest BOM in the program, for the assemblies reachable
    from `starts` (the BOM of `skip`, the assembly being imported, not walked)."""
    edges: dict[int, set[int]] = defaultdict(set)
    seen: set[int] = set()
    frontier = starts - {skip}
    while frontier:
        seen |= frontier
        latest: dict[int, int] = {}
        for bom_id, assembly_id in read_rows(
            Bom.objects.filter(program_id=program_id, assembly_id__in=one_of(frontier, "bigint"))
            .order_by("assembly_id", "created_at", "pk")
            .values_list("pk", "assembly_id")
        ):
            latest[assembly_id] = bom_id  # the last revision wins, as the planner reads them
        assembly_of = {bom_id: assembly_id for assembly_id, bom_id in latest.items()}
        frontier = set()
        if not assembly_of:
            break
        for bom_id, part_id in read_rows(
            BomLine.objects.filter(bom_id__in=one_of(assembly_of, "bigint"))
            .order_by("bom_id", "part_id")
            .values_list("bom_id", "part_id")
            .distinct()
        ):
            edges[assembly_of[bom_id]].add(part_id)
            if part_id not in seen and part_id != skip:
                frontier.add(part_id)
    return edges


def paths_to(target: int, edges: dict[int, set[int]]) -> dict[int, int]:
    """Part -> the next part on a shortest path from it down to `target` (parts that reach it)."""
    above: dict[int, set[int]] = defaultdict(set)
    for parent, children in edges.items():
        for child in children:
            above[child].add(parent)
    following: dict[int, int] = {}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        for parent in sorted(above[node]):
            if parent != target and parent not in following:
                following[parent] = node
                queue.append(parent)
    return following


def loops_through(
    program_id: int, starts: set[int], assembly_id: int
) -> tuple[dict[int, list[int]], dict[int, str]]:
    """For each part of `starts` that contains the assembly through the latest BOMs of the
    program, the path of parts from it down to the assembly; and the numbers of those parts."""
    following = paths_to(assembly_id, sub_assembly_edges(program_id, starts, skip=assembly_id))
    paths: dict[int, list[int]] = {}
    for start in starts & following.keys():
        path = [start]
        while path[-1] != assembly_id:
            path.append(following[path[-1]])
        paths[start] = path
    if not paths:
        return {}, {}
    on_paths = {part for path in paths.values() for part in path}
    numbers = dict(
        read_rows(
            Part.objects.filter(pk__in=one_of(on_paths, "bigint"))
            .order_by()
            .values_list("pk", "number")
        )
    )
    return paths, numbers


def lines_containing_the_assembly(
    planned: Sequence[PlannedLine],
    parsed_lines: Sequence[Any],
    assembly_number: str,
    *,
    owner_id: int,
    program_id: int,
    file: str,
    sheet: str | None,
    labels: dict[str, str],
    assembly_id: int | None = None,
    part_ids: Sequence[int | None] | None = None,
) -> list[Problem]:
    """The lines whose part contains the assembly through its own BOM in this program, each
    with the path down to the assembly. `assembly_id`: the assembly's part when the caller has
    it (the commit); else looked up by number (a new assembly is in no BOM yet). `part_ids`:
    the part of each line when it is not the plan's (the commit's, parts new to the plan
    written by then)."""
    if part_ids is None:
        part_ids = [line.part_id for line in planned]
    starts = {part_id for part_id in part_ids if part_id is not None}
    if not starts or not assembly_number:
        return []
    if assembly_id is None:
        found = read_rows(
            Part.objects.filter(owner_id=owner_id, number=assembly_number).values_list(
                "pk", flat=True
            )
        )
        if not found:
            return []
        assembly_id = found[0]
    paths, numbers = loops_through(program_id, starts, assembly_id)
    if not paths:
        return []
    problems: list[Problem] = []
    for line, parsed, part_id in zip(planned, parsed_lines, part_ids, strict=True):
        if part_id not in paths:
            continue
        names = [numbers.get(p, "?") for p in paths[part_id]]
        problems.append(
            Problem(
                "error",
                "assembly-contains-itself",
                f"This line is {names[0]}, which contains {assembly_number}, the assembly "
                f"this BOM is for, through its own BOM in this program ({' > '.join(names)}): "
                "an assembly cannot contain itself, even through its sub-assemblies. Correct "
                f"the line, or the BOM of {names[0]}.",
                file,
                sheet,
                row=line.source_row,
                column=labels.get(identifying_column(line, parsed)),
            )
        )
    return problems
