"""`accord audits ACTION --as USERNAME ...`: audits of partner sites, their findings and 8Ds,
as that person may see and act on them (pages and API apply the same rules).

accord audits list [--open] [--format table|csv|json] --as maya
accord audits add --organisation meridian --site PEN1 --kind process --planned 2026-12-01 \\
    --scope "SMT line 2" [--performed 2026-12-01] [--program PHRM] [--lead tomas] --as maya
accord audits finding AUDIT --severity major --description TEXT --due 2027-01-15 \\
    [--clause "ISO 13485 7.5.6"] --as maya
accord audits findings [--audit AUDIT] [--open] [--format table|csv|json] --as daniel
accord audits eightd FINDING --d 4 --text TEXT --as daniel      (or --request, the auditor)
accord audits evidence FINDING FILE --as daniel
accord audits submit FINDING [--response TEXT] [--evidence FILE] --as daniel
accord audits acknowledge FINDING [--response TEXT] --as daniel
accord audits verify FINDING --as maya
accord audits reject FINDING --reason TEXT --as maya
accord audits cancel AUDIT --reason TEXT --as maya          (a planned audit)
accord audits correct FINDING [--severity minor] [--description TEXT] [--due 2027-02-01] \\
    [--clause TEXT] --as maya        (open, before the audited side answers; the rest stays)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from accord.core.commands import WorkspaceCommand, parse_date, table
from accord.core.errors import InvalidInput
from accord.core.exports import to_csv_bytes
from accord.orgs.models import Person
from accord.partners.audit_changes import cancel_audit, correct_finding
from accord.partners.audit_choices import AuditKind, Severity
from accord.partners.audit_queries import audit_rows, finding_filter, finding_rows, label
from accord.partners.audit_services import (
    acknowledge_finding,
    attach_finding_evidence,
    evidence_max_mb,
    fill_discipline,
    plan_audit,
    record_finding,
    reject_finding,
    request_eightd,
    submit_finding,
    verify_finding,
)
from accord.partners.audits_access import (
    AUDITED,
    AUDITING,
    auditable_programs,
    audits_visible_to,
    findings_visible_to,
    get_audit_for_user,
    get_finding_for_user,
    get_site_for_audit_by_code,
    lead_auditor_candidates,
    record_audits_read,
    record_findings_read,
)
from accord.partners.services import EVIDENCE_KINDS
from accord.scorecards.attachments import read_path

AUDIT_HEADERS = ["id", "organisation", "site", "program", "kind", "planned", "status", "open"]
FINDING_HEADERS = ["id", "finding", "site", "severity", "clause", "due", "status", "8D"]


def _list(parser: CommandParser) -> None:
    parser.add_argument("--open", action="store_true", help="not closed only")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")


def _findings(parser: CommandParser) -> None:
    parser.add_argument("--audit", type=int, help="one audit's findings")
    _list(parser)


def _add(parser: CommandParser) -> None:
    parser.add_argument("--organisation", required=True, help="the audited organisation")
    parser.add_argument("--site", required=True, help="its site's code")
    parser.add_argument("--kind", required=True, help=", ".join(AuditKind.values))
    parser.add_argument("--planned", required=True, type=parse_date)
    parser.add_argument("--performed", type=parse_date)
    parser.add_argument("--scope", required=True)
    parser.add_argument("--program", help="the code of a program of yours")
    parser.add_argument("--lead", help="the lead auditor's username (yourself by default)")


def _finding(parser: CommandParser) -> None:
    parser.add_argument("audit", type=int, metavar="AUDIT", help="its id")
    parser.add_argument("--severity", required=True, help=", ".join(Severity.values))
    parser.add_argument("--description", required=True)
    parser.add_argument("--due", required=True, type=parse_date)
    parser.add_argument("--clause", default="")


def _one(parser: CommandParser) -> None:
    parser.add_argument("finding", type=int, metavar="FINDING", help="its id")


def _eightd(parser: CommandParser) -> None:
    _one(parser)
    parser.add_argument("--d", dest="discipline", help="1 to 8 (D1 to D8)")
    parser.add_argument("--text")
    parser.add_argument("--request", action="store_true", help="ask for an 8D (the auditor)")


def _evidence(parser: CommandParser) -> None:
    _one(parser)
    parser.add_argument("file", type=Path, metavar="FILE", help="PDF, PNG or JPEG")


def _submit(parser: CommandParser) -> None:
    _one(parser)
    parser.add_argument("--response", default="")
    parser.add_argument("--evidence", type=Path, help="attach this file first")


def _reject(parser: CommandParser) -> None:
    _one(parser)
    parser.add_argument("--reason", required=True)


def _cancel(parser: CommandParser) -> None:
    parser.add_argument("audit", type=int, metavar="AUDIT", help="its id")
    parser.add_argument("--reason", required=True)


def _correct(parser: CommandParser) -> None:
    _one(parser)
    parser.add_argument("--severity", help=", ".join(Severity.values))
    parser.add_argument("--description")
    parser.add_argument("--due", type=parse_date)
    parser.add_argument("--clause")


def _out(rows: list[list[Any]], headers: list[str], options: argparse.Namespace) -> Any:
    if options.json:
        return [dict(zip(headers, row, strict=True)) for row in rows]
    if options.format == "json":
        return json.dumps(
            [dict(zip(headers, row, strict=True)) for row in rows],
            cls=DjangoJSONEncoder,
            indent=2,
        )
    if options.format == "csv":
        return to_csv_bytes(headers, rows).decode("utf-8-sig").rstrip("\r\n")
    return table(rows, headers)


def _file(path: Path) -> Any:
    return read_path(path, kinds=EVIDENCE_KINDS, field="file", max_mb=evidence_max_mb())


class Command(WorkspaceCommand):
    help = "Audits of partner sites: list, add, finding, findings, eightd, evidence, submit, ..."
    subcommands = (
        ("list", "the audits you see", _list, "list"),
        ("add", "plan an audit of a partner's site", _add, "add"),
        ("finding", "record a finding of an audit (the auditor)", _finding, "finding"),
        ("findings", "the findings you see", _findings, "findings"),
        ("eightd", "fill a discipline of a finding's 8D (the audited side)", _eightd, "eightd"),
        ("evidence", "attach evidence to a finding (the audited side)", _evidence, "evidence"),
        ("submit", "submit a finding for verification (the audited side)", _submit, "submit"),
        ("acknowledge", "acknowledge an observation (the audited side)", _one, "acknowledge"),
        ("verify", "verify and close a submitted finding (the auditor)", _one, "verify"),
        ("reject", "send a submitted finding back (the auditor)", _reject, "reject"),
        ("cancel", "cancel a planned audit, with the reason (the auditor)", _cancel, "cancel"),
        ("correct", "correct an open finding (the auditor)", _correct, "correct"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = audit_rows(audits_visible_to(actor))
        if options.open:
            rows = rows.exclude(status__in=("closed", "cancelled"))
        audits: list[Any] = list(rows.order_by("-planned_date", "-pk"))
        record_audits_read(actor, [a.pk for a in audits], channel="cli", path="accord audits list")
        data = [
            [
                a.pk,
                a.audited_organisation.name,
                a.site.code,
                a.program.code if a.program else "",
                a.kind,
                a.planned_date.isoformat(),
                a.status,
                a.open_findings,
            ]
            for a in audits
        ]
        return _out(data, AUDIT_HEADERS, options)

    def findings(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = finding_rows(
            finding_filter(
                findings_visible_to(actor), audit_id=options.audit, open_only=options.open
            )
        )
        found: list[Any] = list(rows.order_by("due_date", "audit_id", "number"))
        record_findings_read(
            actor, [f.pk for f in found], channel="cli", path="accord audits findings"
        )
        data = [
            [
                f.pk,
                label(f),
                f.audit.site.code,
                f.severity,
                f.clause,
                f.due_date.isoformat(),
                f.status,
                f"{f.filled}/8" if f.eightd_count else "",
            ]
            for f in found
        ]
        return _out(data, FINDING_HEADERS, options)

    def add(self, actor: Person, options: argparse.Namespace) -> Any:
        site = get_site_for_audit_by_code(actor, options.organisation, options.site)
        program = None
        if options.program:
            program = (
                auditable_programs(actor, site.organisation_id)
                .filter(code__iexact=options.program.strip())
                .first()
            )
            if program is None:
                raise InvalidInput(
                    f"program: {options.program} is not a program of yours in which "
                    f"{site.organisation.name} is a partner.",
                    detail={"field": "program"},
                )
        lead = None
        if options.lead:
            lead = lead_auditor_candidates(actor).filter(username__iexact=options.lead).first()
            if lead is None:
                raise InvalidInput(
                    "lead_auditor: an active person of your own organisation.",
                    detail={"field": "lead_auditor"},
                )
        audit = plan_audit(
            actor=actor,
            site=site,
            kind=options.kind,
            planned_date=options.planned,
            performed_date=options.performed,
            scope=options.scope,
            lead_auditor=lead,
            program=program,
        )
        return (
            f"Planned audit {audit.pk}: {audit.get_kind_display()} of {site.code} ({audit.status})"
        )

    def finding(self, actor: Person, options: argparse.Namespace) -> Any:
        audit = get_audit_for_user(actor, options.audit, side=AUDITING)
        found = record_finding(
            actor=actor,
            audit=audit,
            severity=options.severity,
            description=options.description,
            due_date=options.due,
            clause=options.clause,
        )
        extra = " with its 8D" if found.severity == Severity.MAJOR else ""
        return f"Recorded finding {found.pk} ({label(found)}, {found.severity}){extra}"

    def eightd(self, actor: Person, options: argparse.Namespace) -> Any:
        if options.request:
            found = get_finding_for_user(actor, options.finding, side=AUDITING)
            request_eightd(actor=actor, finding=found)
            return f"Asked for an 8D on finding {found.pk} ({label(found)})"
        found = get_finding_for_user(actor, options.finding, side=AUDITED)
        if not options.discipline:
            raise InvalidInput("discipline: give --d 1 to 8.", detail={"field": "discipline"})
        step = fill_discipline(
            actor=actor, finding=found, discipline=options.discipline, text=options.text
        )
        return f"Filled D{step.discipline} of finding {found.pk} ({label(found)})"

    def evidence(self, actor: Person, options: argparse.Namespace) -> Any:
        found = get_finding_for_user(actor, options.finding, side=AUDITED)
        checked = _file(options.file)
        attach_finding_evidence(actor=actor, finding=found, file=checked)
        return f"Attached {checked.filename} to finding {found.pk} ({label(found)})"

    def submit(self, actor: Person, options: argparse.Namespace) -> Any:
        found = get_finding_for_user(actor, options.finding, side=AUDITED)
        checked = _file(options.evidence) if options.evidence else None
        with transaction.atomic():  # the evidence and the submission, or nothing
            if checked is not None:
                attach_finding_evidence(actor=actor, finding=found, file=checked)
            submit_finding(actor=actor, finding=found, response=options.response)
        return f"Submitted finding {found.pk} ({label(found)}) for verification"

    def acknowledge(self, actor: Person, options: argparse.Namespace) -> Any:
        found = get_finding_for_user(actor, options.finding, side=AUDITED)
        acknowledge_finding(actor=actor, finding=found)
        return f"Acknowledged finding {found.pk} ({label(found)})"

    def verify(self, actor: Person, options: argparse.Namespace) -> Any:
        found = get_finding_for_user(actor, options.finding, side=AUDITING)
        verify_finding(actor=actor, finding=found)
        return f"Verified finding {found.pk} ({label(found)}): closed"

    def reject(self, actor: Person, options: argparse.Namespace) -> Any:
        found = get_finding_for_user(actor, options.finding, side=AUDITING)
        reject_finding(actor=actor, finding=found, reason=options.reason)
        return f"Rejected finding {found.pk} ({label(found)}): open again"

    def cancel(self, actor: Person, options: argparse.Namespace) -> Any:
        audit = get_audit_for_user(actor, options.audit, side=AUDITING)
        cancel_audit(actor=actor, audit=audit, reason=options.reason)
        return f"Cancelled audit {audit.pk} of {audit.site.code}"

    def correct(self, actor: Person, options: argparse.Namespace) -> Any:
        found = get_finding_for_user(actor, options.finding, side=AUDITING)
        changes = {
            field: value
            for field, value in (
                ("severity", options.severity),
                ("description", options.description),
                ("due_date", options.due),
                ("clause", options.clause),
            )
            if value is not None
        }
        if not changes:
            raise InvalidInput("Name what changes: --severity, --description, --due or --clause.")
        corrected = correct_finding(actor=actor, finding=found, **changes)
        return f"Corrected finding {found.pk} ({label(found)}, {corrected.severity})"
