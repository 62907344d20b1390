"""Read-side of audits: the lists' rows with their counts as SQL expressions (set-based), a
finding's 8D as eight rows, and the findings export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accord.partners.audit_choices import DISCIPLINES, AuditKind, FindingStatus, Severity
from accord.partners.audit_models import Audit, EightD, EightDStep, Finding, FindingEvidence

AUDIT_SORTS = {
    "planned_date": "planned_date",
    "site": "site__code",
    "organisation": "audited_organisation__name",
    "kind": "kind",
    "status": "status",
    "open": "open_findings",
}
FINDING_SORTS = {
    "number": "audit_id",
    "severity": "severity",
    "due_date": "due_date",
    "status": "status",
    "site": "audit__site__code",
}
_KINDS = dict(AuditKind.choices)
_SEVERITIES = dict(Severity.choices)
_STATUSES = dict(FindingStatus.choices)


def _count(queryset: QuerySet[Any], outer: str) -> Coalesce:
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def audit_rows(audits: QuerySet[Audit]) -> QuerySet[Any]:
    """Audits (reached through audits_access.py) with their findings counted."""
    findings = Finding.objects.all()
    return audits.annotate(
        total_findings=_count(findings, "audit"),
        open_findings=_count(findings.filter(status__in=FindingStatus.not_closed()), "audit"),
    ).select_related(
        "site", "audited_organisation", "auditing_organisation", "program", "lead_auditor"
    )


def finding_rows(findings: QuerySet[Finding]) -> QuerySet[Any]:
    """Findings with `has_eightd`, `filled` (disciplines filled) and `evidence_count`."""
    return findings.annotate(
        eightd_count=_count(EightD.objects.all(), "finding"),
        filled=_count(EightDStep.objects.all(), "eightd__finding"),
        evidence_count=_count(FindingEvidence.objects.all(), "finding"),
    ).select_related(
        "audit",
        "audit__site",
        "audit__audited_organisation",
        "audit__auditing_organisation",
        "audit__program",
    )


def finding_filter(rows: QuerySet[Finding], **wanted: Any) -> QuerySet[Finding]:
    """The filters of the findings list (pages and API): audit, program, severity, status,
    open only, text."""
    if wanted.get("audit_id"):
        rows = rows.filter(audit_id=wanted["audit_id"])
    if wanted.get("program_id"):
        rows = rows.filter(audit__program_id=wanted["program_id"])
    if wanted.get("severity"):
        rows = rows.filter(severity=wanted["severity"])
    if wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    if wanted.get("open_only"):
        rows = rows.filter(status__in=FindingStatus.not_closed())
    if q := (wanted.get("q") or "").strip():
        rows = rows.filter(Q(description__icontains=q) | Q(clause__icontains=q))
    return rows


def audit_filter(rows: QuerySet[Audit], **wanted: Any) -> QuerySet[Audit]:
    if wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    if wanted.get("kind"):
        rows = rows.filter(kind=wanted["kind"])
    if wanted.get("program_id"):
        rows = rows.filter(program_id=wanted["program_id"])
    if wanted.get("organisation_id"):
        rows = rows.filter(audited_organisation_id=wanted["organisation_id"])
    if wanted.get("site_id"):
        rows = rows.filter(site_id=wanted["site_id"])
    if q := (wanted.get("q") or "").strip():
        rows = rows.filter(Q(scope__icontains=q) | Q(site__code__icontains=q))
    return rows


@dataclass(frozen=True)
class Step:
    discipline: int
    name: str
    text: str
    filled_by: str | None
    filled_at: Any


def eightd_steps(finding: Finding) -> list[Step] | None:
    """The eight disciplines of the finding's 8D in order (empty ones blank); None without
    an 8D. One query."""
    steps = {
        s.discipline: s
        for s in EightDStep.objects.filter(eightd__finding=finding).select_related("filled_by")
    }
    if not steps and not EightD.objects.filter(finding=finding).exists():
        return None
    return [
        Step(
            d,
            name,
            steps[d].text if d in steps else "",
            _name(steps[d].filled_by) if d in steps else None,
            steps[d].filled_at if d in steps else None,
        )
        for d, name in DISCIPLINES.items()
    ]


def _name(person: Any) -> str | None:
    if person is None:
        return None
    return str(person.get_full_name() or person.username)


def label(finding: Finding) -> str:
    return f"A-{finding.audit_id}-{finding.number}"


FINDING_HEADERS = [
    "Finding",
    "Organisation",
    "Site",
    "Program",
    "Audit kind",
    "Severity",
    "Clause",
    "Description",
    "Due date",
    "Status",
    "8D disciplines filled",
    "Evidence files",
    "Closed on",
]


def finding_export_rows(rows: QuerySet[Any]) -> Iterator[list[Any]]:
    for f in rows.iterator(chunk_size=500):
        yield [
            label(f),
            f.audit.audited_organisation.name,
            f.audit.site.code,
            f.audit.program.code if f.audit.program else "",
            str(_KINDS.get(f.audit.kind, f.audit.kind)),
            str(_SEVERITIES.get(f.severity, f.severity)),
            f.clause,
            f.description,
            f.due_date,
            str(_STATUSES.get(f.status, f.status)),
            f"{f.filled}/8" if f.eightd_count else "",
            f.evidence_count,
            f.closed_at.date() if f.closed_at else None,
        ]
