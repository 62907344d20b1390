"""Dry run of a BOM import: parse, match and diff, write nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.core.gcpause import cyclic_gc_paused
from accord.core.numbers import plain_number
from accord.parts.bom_import.matching import ImportPlan, fit_number, previous_revision
from accord.parts.bom_import.parse import ParsedBom, ParsedLine
from accord.parts.bom_import.parse_memo import parse_bom_file_once
from accord.parts.bom_import.plan_memo import plan_import_once
from accord.parts.bom_import.problems import ImportRejected, Problem
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.bom_import.sub_assemblies import lines_containing_the_assembly
from accord.parts.models import ColumnMappingMemory


@dataclass
class ImportPreview:
    parsed: ParsedBom | None
    plan: ImportPlan | None
    problems: list[Problem]
    remembered_mapping: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def can_commit(self) -> bool:
        return self.plan is not None and not self.errors


def remembered_overrides(
    organisation_id: int, header_signature: str
) -> dict[int, str | None] | None:
    """The mapping this organisation chose last time for files with this header layout."""
    memory = ColumnMappingMemory.objects.filter(
        organisation_id=organisation_id, header_signature=header_signature
    ).first()
    if memory is None:
        return None
    return {int(k): v for k, v in memory.overrides.items()}


def read_request(request: BomImportRequest) -> tuple[ParsedBom, bool]:
    """The file read as the request asks: (parsed BOM, whether a remembered mapping was used).
    Raises ImportRejected for a file refused as a whole."""

    def read(overrides: dict[int, str | None] | None) -> ParsedBom:
        return parse_bom_file_once(
            request.data,
            request.filename,
            sheet=request.sheet,
            overrides=overrides,
            strict=request.options.strict,
            count_designators=request.options.count_designators,
        )

    parsed = read(request.overrides or None)
    if request.overrides is None:
        memory = remembered_overrides(request.program.owner_id, parsed.header_signature)
        if memory:
            return read(memory), True
    return parsed, False


@cyclic_gc_paused()
def preview_import(request: BomImportRequest) -> ImportPreview:
    """Read, match and diff the file against the catalogue and the previous revision."""
    organisation_id = request.program.owner_id
    filename = request.filename
    try:
        parsed, remembered = read_request(request)
    except ImportRejected as rejected:
        return ImportPreview(parsed=None, plan=None, problems=rejected.problems)
    previous = previous_revision(request.program.pk, request.assembly_number, organisation_id)
    plan = plan_import_once(
        parsed,
        owner_id=organisation_id,
        file=filename,
        approve_alternates=request.options.approve_alternates,
        previous=previous,
        assembly_number=request.assembly_number,
    )
    # Not part of the kept plan: the BOMs below the file's parts are read at every dry run.
    problems = (
        list(parsed.problems)
        + plan.problems
        + lines_containing_the_assembly(
            plan.lines,
            parsed.lines,
            fit_number(request.assembly_number),
            owner_id=organisation_id,
            program_id=request.program.pk,
            file=filename,
            sheet=parsed.sheet,
            labels=parsed.column_labels,
        )
    )
    if not parsed.lines:
        problems.insert(
            0,
            Problem(
                "error", "no_lines", "No BOM lines were found in the file.", filename, parsed.sheet
            ),
        )
    return ImportPreview(parsed=parsed, plan=plan, problems=problems, remembered_mapping=remembered)


def bom_counts(parsed: ParsedBom | None) -> dict[str, int]:
    """What a checker reads off a dry run without counting: lines, placements (designators)
    fitted and not, DNP lines (no designator fitted), partly fitted lines, lines with an MPN."""
    lines = parsed.lines if parsed else []
    return {
        "lines": len(lines),
        "placements": sum(len(line.designators) for line in lines),
        "fitted_placements": sum(len(line.fitted_designators) for line in lines),
        "dnp_placements": sum(len(line.dnp_designators) for line in lines),
        "dnp_lines": sum(1 for line in lines if line.dnp),
        "partial_dnp_lines": sum(1 for line in lines if line.partly_fitted),
        "lines_with_mpn": sum(1 for line in lines if line.mpn),
    }


def _file_line(line: ParsedLine | None) -> dict[str, Any]:
    """What the file says of a line, as read: its designators and their fit status, its
    quantity, value and primary and alternate sources."""
    if line is None:
        return {}
    return {
        "dnp_designators": line.dnp_designators,
        "manufacturer": line.manufacturer,
        "mpn": line.mpn,
        "alternates": [{"manufacturer": m, "mpn": n} for m, n in line.alternates],
    }


def preview_as_dict(preview: ImportPreview) -> dict[str, Any]:
    """The dry run as JSON-ready data, shared by the API and the CLI."""
    parsed, plan = preview.parsed, preview.plan
    planned = plan.lines if plan else []
    read: list[ParsedLine | None] = (
        list(parsed.lines)
        if parsed and len(parsed.lines) == len(planned)
        else [None] * len(planned)
    )
    return {
        "can_commit": preview.can_commit,
        "sheet": parsed.sheet if parsed else None,
        "sheets": parsed.sheet_names if parsed else [],
        "header_row": parsed.header_row if parsed else None,
        "remembered_mapping": preview.remembered_mapping,
        "columns": [
            {
                "index": m.index,
                "header": m.header,
                "field": m.field,
                "confidence": round(float(m.confidence), 2),
            }
            for m in (parsed.mappings if parsed else [])
        ],
        "problems": [
            {
                "severity": p.severity,
                "code": p.code,
                "message": p.message,
                "file": p.file,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
            }
            for p in preview.problems
        ],
        "summary": {
            **bom_counts(parsed),
            "lines": len(plan.lines) if plan else 0,
            "new_parts": plan.new_parts if plan else 0,
            "new_sources": plan.new_sources if plan else 0,
            "matches": plan.match_counts if plan else {},
        },
        "lines": [
            {
                "position": line.position,
                "row": line.source_row,
                "part_number": line.part_number,
                "match": line.match,
                "quantity": plain_number(line.quantity),
                "designators": line.designators,
                "dnp": line.dnp,
                **_file_line(file_line),
                "value": line.value,
                "parameters": {
                    k: plain_number(v) if isinstance(v, Decimal) else str(v)
                    for k, v in line.parameters.items()
                },
                "package": line.package,
                "sources": [
                    {
                        "manufacturer": s.manufacturer,
                        "mpn": s.mpn,
                        "rank": s.rank,
                        "status": s.status,
                    }
                    for s in line.sources
                ],
            }
            for line, file_line in zip(planned, read, strict=True)
        ],
        "diff": None
        if not plan or plan.diff is None
        else {
            "previous_revision": plan.diff.previous_revision,
            "added": plan.diff.added,
            "removed": plan.diff.removed,
            "quantity_changed": [
                {"part_number": n, "old": plain_number(o), "new": plain_number(q)}
                for n, o, q in plan.diff.quantity_changed
            ],
            "designators_changed": plan.diff.designators_changed,
            "sources_changed": [
                {"part_number": n, "old": old, "added": new}
                for n, old, new in plan.diff.sources_changed
            ],
            "designators": plan.diff.by_designator.as_dict(),
        },
    }
