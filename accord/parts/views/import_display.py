"""The dry run of a BOM import made ready to print: the mapping table with its confidence
badges, problems linked to the lines they concern, the lines of the BOM as understood.
Worked out once in Python so that the template only prints strings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator

from accord.parts.bom_import.inputs import IGNORE, field_choices
from accord.parts.bom_import.matching import MATCH_LABELS, PlannedLine
from accord.parts.bom_import.preview import ImportPreview, bom_counts
from accord.parts.bom_import.problems import SEVERITIES, Problem, column_letter
from accord.parts.bom_import.values import ParsedValue
from accord.parts.bom_import.vocabulary import field_label
from accord.parts.choices import SourceStatus
from accord.web.display import Badge, quantity

LINES_PER_PAGE = 500
CHOSEN_REASONS = {"Chosen by you", "Ignored by your choice"}
SEVERITY_BADGES = {
    "error": Badge("sev-error", "Error"),
    "warning": Badge("sev-warning", "Warning"),
    "info": Badge("sev-info", "Note"),
}
MATCH_BADGES = {
    "part_number": Badge("match-number", "Part number", MATCH_LABELS["part_number"]),
    "mpn": Badge("match-mpn", "MPN", MATCH_LABELS["mpn"]),
    "value_package": Badge("match-value", "Value + package", MATCH_LABELS["value_package"]),
    "new": Badge("match-new", "New part", MATCH_LABELS["new"]),
}


def confidence_badge(field_name: str | None, confidence: float, reason: str) -> Badge:
    if reason in CHOSEN_REASONS:
        return Badge("conf-chosen", "Your choice", reason)
    if not field_name:
        return Badge("conf-none", "Not imported", reason)
    pct = round(confidence * 100)
    if confidence >= 0.9:
        return Badge("conf-high", f"{pct}% high", reason)
    if confidence >= 0.7:
        return Badge("conf-medium", f"{pct}% medium", reason)
    return Badge("conf-low", f"{pct}% low — check", reason)


@dataclass
class ColumnView:
    index: int
    letter: str
    header: str
    field: str  # IGNORE when not imported
    label: str
    badge: Badge
    reason: str


@dataclass
class ProblemView:
    problem: Problem
    anchor: str
    badge: Badge
    line_href: str = ""


@dataclass
class SourceView:
    text: str
    note: str


@dataclass
class LineView:
    line: PlannedLine
    anchor: str
    qty: str
    parameters: str
    match: Badge
    sources: list[SourceView]
    css: str = ""
    problem_links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PreviewView:
    columns: list[ColumnView]
    field_choices: list[tuple[str, str]]
    problems: list[ProblemView]
    counts: Counter[str]
    lines: list[LineView]
    page_obj: Page[Any] | None
    summary: list[tuple[str, Any]]
    diff: Any
    sheets: list[str]
    sheet: str | None
    header_row: int | None
    remembered: bool


def _parameters_text(line: PlannedLine) -> str:
    """'4.7 kΩ, ±1%, X7R': the value as the importer read it."""
    try:
        return ParsedValue(original=line.value, parameters=dict(line.parameters)).display()
    except (KeyError, TypeError, ArithmeticError):
        return ", ".join(f"{k}={v}" for k, v in line.parameters.items())


def _sources(line: PlannedLine) -> list[SourceView]:
    out = []
    for s in line.sources:
        notes = []
        if s.rank > 1:
            notes.append(f"alternate {s.rank - 1}")
        if s.status == SourceStatus.PENDING:
            notes.append("pending approval")
        notes.append("already listed" if s.already_listed else "new source")
        out.append(SourceView(f"{s.manufacturer} {s.mpn}", ", ".join(notes)))
    return out


def build_preview_view(preview: ImportPreview, page_number: Any = None) -> PreviewView:
    parsed, plan = preview.parsed, preview.plan
    mappings = parsed.mappings if parsed else []
    columns = [
        ColumnView(
            index=m.index,
            letter=column_letter(m.index),
            header=m.header,
            field=m.field or IGNORE,
            label=field_label(m.field) if m.field else "not imported",
            badge=confidence_badge(m.field, m.confidence, m.reason),
            reason=m.reason,
        )
        for m in mappings
    ]
    planned = plan.lines if plan else []
    # Spreadsheet row -> index of the line it went into (grouped lines come from several rows).
    row_to_line: dict[int, int] = {}
    for index, line in enumerate(planned):
        rows = parsed.lines[index].source_rows if parsed and index < len(parsed.lines) else []
        for row in rows or [line.source_row]:
            row_to_line.setdefault(row, index)
    paginate = len(planned) > LINES_PER_PAGE
    problems: list[ProblemView] = []
    by_line: dict[int, list[tuple[str, str]]] = {}
    worst: dict[int, str] = {}
    order = {severity: rank for rank, severity in enumerate(SEVERITIES)}
    ranked = sorted(preview.problems, key=lambda p: order[p.severity])  # errors first, stable
    for n, p in enumerate(ranked, start=1):
        view = ProblemView(p, f"problem-{n}", SEVERITY_BADGES[p.severity])
        found = row_to_line.get(p.row) if p.row is not None else None
        if found is not None:
            page = f"?page={found // LINES_PER_PAGE + 1}" if paginate else ""
            view.line_href = f"{page}#line-{planned[found].position}"
            by_line.setdefault(found, []).append((f"#{view.anchor}", f"⚠ row {p.row}"))
            if worst.get(found) != "error":
                worst[found] = p.severity
        problems.append(view)
    page_obj: Page[Any] | None = None
    indexes = list(range(len(planned)))
    if paginate:
        page_obj = Paginator(indexes, LINES_PER_PAGE).get_page(page_number)
        indexes = list(page_obj.object_list)
    lines = [
        LineView(
            line=planned[i],
            anchor=f"line-{planned[i].position}",
            qty=quantity(planned[i].quantity),
            parameters=_parameters_text(planned[i]),
            match=MATCH_BADGES[planned[i].match],
            sources=_sources(planned[i]),
            css=f"has-{worst[i]}" if i in worst else "",
            problem_links=by_line.get(i, []),
        )
        for i in indexes
    ]
    matches = plan.match_counts if plan else {}
    counts = bom_counts(parsed)
    summary: list[tuple[str, Any]] = [
        ("Lines", len(planned)),
        ("Placements fitted", counts["fitted_placements"]),
        ("Placements not fitted", counts["dnp_placements"]),
        ("DNP lines", counts["dnp_lines"]),
        ("Partly fitted lines", counts["partial_dnp_lines"]),
        ("Lines with an MPN", counts["lines_with_mpn"]),
        ("New parts", plan.new_parts if plan else 0),
        ("New sources", plan.new_sources if plan else 0),
        ("Matched by part number", matches.get("part_number", 0)),
        ("Matched by MPN", matches.get("mpn", 0)),
        ("Matched by value + package", matches.get("value_package", 0)),
        ("Lines with a new part", matches.get("new", 0)),
    ]
    return PreviewView(
        columns=columns,
        field_choices=field_choices({m.field for m in mappings if m.field}),
        problems=problems,
        counts=Counter(p.severity for p in preview.problems),
        lines=lines,
        page_obj=page_obj,
        summary=summary,
        diff=plan.diff if plan else None,
        sheets=parsed.sheet_names if parsed else [],
        sheet=parsed.sheet if parsed else None,
        header_row=parsed.header_row if parsed else None,
        remembered=preview.remembered_mapping,
    )
