"""`accord import-bom FILE --program CODE --assembly NUMBER --revision REV --as USERNAME`.

Prints what Accord understood (columns, every problem with file, sheet, row and column, the
summary, the diff against the previous revision), then imports the BOM in one transaction
unless --dry-run. Exit status 0 when the file is (or would be) imported, 1 otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.core.text import normalise_username
from accord.orgs.models import Person
from accord.parts.access import get_program_for_bom_import
from accord.parts.bom_import.inputs import (
    BomImportRequest,
    ImportOptions,
    build_preview,
    clean_description,
    clean_names,
    commit,
    parse_overrides,
    preview_payload,
    rejection_error,
)
from accord.parts.bom_import.tables import DEFAULT_MAX_BYTES


def active_person(username: str) -> Person:
    person = (
        Person.objects.select_related("organisation")
        .filter(username=normalise_username(username))
        .first()
    )
    if person is None or not person.is_active or person.organisation_id is None:
        raise CommandError(f"No active person with the username {username!r}.")
    return person


def read_file(path: str) -> tuple[bytes, str]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file {path}.")
    with file.open("rb") as handle:
        return handle.read(DEFAULT_MAX_BYTES + 1), file.name


def where(problem: dict[str, Any]) -> str:
    bits = [problem["file"]] if problem.get("file") else []
    bits += [f"sheet {problem['sheet']}"] if problem.get("sheet") else []
    bits += [f"row {problem['row']}"] if problem.get("row") else []
    bits += [f"column {problem['column']}"] if problem.get("column") else []
    return ", ".join(bits)


def designator_changes(diff: dict[str, Any]) -> list[str]:
    """The revision diff designator by designator, one line each."""

    def said(p: dict[str, Any]) -> str:
        return " ".join(x for x in (p["part_number"], p["value"], p["mpn"]) if x)

    out = [
        f"  by designator: {len(diff['added'])} added, {len(diff['removed'])} removed, "
        f"{len(diff['changed'])} changed"
    ]
    for p in diff["added"]:
        out.append(f"    + {p['designator']} {said(p)}" + ("" if p["fitted"] else " (not fitted)"))
    for p in diff["removed"]:
        out.append(f"    - {p['designator']} {said(p)}")
    for c in diff["changed"]:
        what = ", ".join(c["changed"])
        out.append(f"    ~ {c['designator']} {what}: {said(c['old'])} -> {said(c['new'])}")
        if "fitted" in c["changed"]:
            out[-1] += " (now fitted)" if c["new"]["fitted"] else " (now not fitted)"
    return out


def preview_lines(payload: dict[str, Any]) -> list[str]:
    """The dry run as text, for a terminal."""
    out = [
        f"{payload['file']} -> {payload['program']['code']} {payload['assembly']} "
        f"rev {payload['revision']}"
        + (f", sheet {payload['sheet']}" if len(payload["sheets"]) > 1 else "")
        + (f", header on row {payload['header_row']}" if payload["header_row"] else ""),
        "Columns:",
    ]
    for column in payload["columns"]:
        field = column["field"] or "not imported"
        confidence = f" ({round(column['confidence'] * 100)}%)" if column["field"] else ""
        out.append(
            f"  {column['index']:>3}  {column['header'] or '(no header)'} -> {field}{confidence}"
        )
    problems = payload["problems"]
    counts = {s: sum(1 for p in problems if p["severity"] == s) for s in ("error", "warning")}
    out.append(f"Problems: {counts['error']} errors, {counts['warning']} warnings")
    order = {"error": 0, "warning": 1, "info": 2}
    for p in sorted(problems, key=lambda p: order[p["severity"]]):
        out.append(f"  {p['severity']}: {p['message']} ({where(p)})")
    summary = payload["summary"]
    matches = summary["matches"]
    out.append(
        f"Summary: {summary['lines']} lines, {summary['new_parts']} new parts, "
        f"{summary['new_sources']} new sources; matched by part number "
        f"{matches.get('part_number', 0)}, by MPN {matches.get('mpn', 0)}, by value and "
        f"package {matches.get('value_package', 0)}, new {matches.get('new', 0)}"
    )
    diff = payload["diff"]
    if diff:
        out.append(f"Changes against rev {diff['previous_revision']}:")
        out.append(f"  added: {', '.join(diff['added']) or 'none'}")
        out.append(f"  removed: {', '.join(diff['removed']) or 'none'}")
        changed = [f"{c['part_number']} {c['old']} -> {c['new']}" for c in diff["quantity_changed"]]
        out.append(f"  quantity changed: {'; '.join(changed) or 'none'}")
        out.append(f"  designators changed: {', '.join(diff['designators_changed']) or 'none'}")
        sources = [
            f"{c['part_number']} adds {', '.join(c['added'])}" for c in diff["sources_changed"]
        ]
        out.append(f"  sources changed: {'; '.join(sources) or 'none'}")
        out += designator_changes(diff["designators"])
    return out


def refusal_lines(error: DomainError, *, previewed: bool) -> list[str]:
    """A refusal on a terminal: why the import after a clean preview was refused, and each
    problem with its place when the refusal lists them."""
    out: list[str] = []
    if previewed:
        out.append(
            "The preview above could be imported; the import was refused: the data "
            "changed in the meantime."
        )
    problems = error.detail if isinstance(error.detail, list) else []
    for p in problems:
        if isinstance(p, dict) and p.get("message"):
            out.append(f"  error: {p['message']} ({where(p)})")
    return out


class Command(BaseCommand):
    help = "Preview, then import, a BOM file as it is (CSV, TSV, TXT, XLSX, XLS, XML, .bom, .rpt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--program", required=True, help="the program's code (or id)")
        parser.add_argument("--assembly", required=True, help="the assembly's part number")
        parser.add_argument("--description", default="", help="the assembly's description")
        parser.add_argument("--revision", required=True)
        parser.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
        parser.add_argument("--sheet", default=None, help="sheet of a workbook")
        parser.add_argument(
            "--overrides", default=None, help='column choices as JSON, e.g. {"2": "value"}'
        )
        parser.add_argument("--dry-run", action="store_true", help="show the preview only")
        parser.add_argument("--approve-alternates", action="store_true")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="a designator on two rows is an error (else a warning)",
        )
        parser.add_argument(
            "--count-designators",
            action="store_true",
            help="take each line's quantity from its designators, not from the file",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    # Django's system checks load the URL configuration, hence the whole API (django-ninja and
    # every pydantic schema): about half of this command's start-up, for nothing it uses. The
    # checks still run where they matter: `accord check`, the test suite, `manage.py runserver`.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        actor = active_person(options["as_user"])
        data, filename = read_file(options["file"])
        preview_said_yes = False
        try:
            program = get_program_for_bom_import(actor, options["program"])
            assembly, revision = clean_names(options["assembly"], options["revision"])
            request = BomImportRequest(
                program=program,
                assembly_number=assembly,
                revision=revision,
                data=data,
                filename=filename,
                assembly_description=clean_description(options["description"]),
                sheet=options["sheet"],
                overrides=parse_overrides(options["overrides"]),
                options=ImportOptions(
                    approve_alternates=options["approve_alternates"],
                    strict=options["strict"],
                    count_designators=options["count_designators"],
                ),
            )
            preview = build_preview(request)
            if preview.parsed is None:
                raise rejection_error(preview.problems)
            payload = {"dry_run": True, **preview_payload(request, preview)}
            if not options["json"]:
                self.stdout.write("\n".join(preview_lines(payload)))
            elif options["dry_run"] or not preview.can_commit:
                self.stdout.write(json.dumps(payload, default=str))
            if not preview.can_commit:
                raise CommandError(
                    f"{len(preview.errors)} error(s) to fix first; nothing was imported."
                )
            if options["dry_run"]:
                self.stderr.write("Dry run: nothing was written.")
                return
            preview_said_yes = True
            bom = commit(actor, request)
        except DomainError as error:
            if options["json"]:
                self.stdout.write(json.dumps(error.as_dict(), default=str))
            elif lines := refusal_lines(error, previewed=preview_said_yes):
                self.stdout.write("\n".join(lines))
            raise CommandError(error.message) from None
        result = {
            "dry_run": False,
            "id": bom.pk,
            "program": program.code,
            "assembly": assembly,
            "revision": bom.revision,
            "file": filename,
            "lines": bom.lines.count(),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Imported {filename}: BOM {bom.pk}, {program.code} {assembly} rev "
                f"{bom.revision}, {result['lines']} lines."
            )
