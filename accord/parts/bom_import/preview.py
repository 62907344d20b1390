"""Dry run of a BOM import: parse, match and diff, write nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.core.gcpause import cyclic_gc_paused
from accord.core.numbers import plain_number
from accord.parts.bom_import.matching import ImportPlan, plan_import, previous_revision
from accord.parts.bom_import.parse import ParsedBom
from accord.parts.bom_import.parse_memo import parse_bom_file_once
from accord.parts.bom_import.problems import ImportRejected, Problem
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


@cyclic_gc_paused()
def preview_import(
    *,
    organisation_id: int,
    program_id: int,
    assembly_number: str,
    data: bytes,
    filename: str,
    sheet: str | None = None,
    overrides: dict[int, str | None] | None = None,
    approve_alternates: bool = False,
) -> ImportPreview:
    remembered = False
    try:
        parsed = parse_bom_file_once(data, filename, sheet=sheet, overrides=overrides or None)
        if overrides is None:
            memory = remembered_overrides(organisation_id, parsed.header_signature)
            if memory:
                parsed = parse_bom_file_once(data, filename, sheet=sheet, overrides=memory)
                remembered = True
    except ImportRejected as rejected:
        return ImportPreview(parsed=None, plan=None, problems=rejected.problems)
    previous = previous_revision(program_id, assembly_number, organisation_id)
    plan = plan_import(
        parsed.lines,
        owner_id=organisation_id,
        file=filename,
        sheet=parsed.sheet,
        approve_alternates=approve_alternates,
        previous=previous,
        column_labels=parsed.column_labels,
    )
    problems = list(parsed.problems) + plan.problems
    if not parsed.lines:
        problems.insert(
            0,
            Problem(
                "error", "no_lines", "No BOM lines were found in the file.", filename, parsed.sheet
            ),
        )
    return ImportPreview(parsed=parsed, plan=plan, problems=problems, remembered_mapping=remembered)


def preview_as_dict(preview: ImportPreview) -> dict[str, Any]:
    """The dry run as JSON-ready data, shared by the API and the CLI."""
    parsed, plan = preview.parsed, preview.plan
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
            for line in (plan.lines if plan else [])
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
        },
    }
