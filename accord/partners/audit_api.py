"""API: audits of partner sites, their findings, 8Ds and evidence. Restricted to the two
organisations (audits_access.py); the audited side's reads are in the auditor's access log,
the auditor's evidence downloads in the audited side's."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.openapi import file_download_doc
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, LongText, OrgRef, Text, omittable
from accord.partners.audit_changes import cancel_audit, correct_finding
from accord.partners.audit_choices import AuditKind, AuditStatus, FindingStatus, Severity
from accord.partners.audit_models import Audit, Finding
from accord.partners.audit_queries import (
    audit_filter,
    audit_rows,
    eightd_steps,
    finding_filter,
    finding_rows,
    label,
)
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
    audits_visible_to,
    evidence_of,
    findings_visible_to,
    get_audit_for_user,
    get_finding_evidence_for_user,
    get_finding_for_user,
    get_site_for_audit,
    lead_auditor_for,
    program_for_audit,
    record_audit_read,
    record_audits_read,
    record_finding_read,
    record_findings_read,
)
from accord.partners.services import EVIDENCE_KINDS
from accord.scorecards.attachments import file_response, read_upload

router = Router(tags=["audits"])

Scope = Annotated[LongText, Field(min_length=1, max_length=4000)]
Description = Annotated[LongText, Field(min_length=1, max_length=4000)]
StepText = Annotated[LongText, Field(min_length=1, max_length=4000)]
Reason = Annotated[LongText, Field(min_length=1, max_length=2000)]
Discipline = Annotated[int, Field(ge=1, le=8)]


class _Ref(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SiteRef(_Ref):
    id: int
    code: str
    name: str


class ProgramBrief(_Ref):
    id: int
    code: str
    name: str


class AuditOut(BaseModel):
    id: int
    site: SiteRef
    audited_organisation: OrgRef
    auditing_organisation: OrgRef
    program: ProgramBrief | None
    kind: AuditKind
    planned_date: dt.date
    performed_date: dt.date | None
    scope: str
    lead_auditor: str
    status: AuditStatus
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancellation_reason: str
    findings_total: int
    findings_open: int = Field(description="Open or submitted, not yet closed.")


class EightDStepOut(BaseModel):
    discipline: int
    name: str
    text: str
    filled_by: str | None
    filled_at: dt.datetime | None


class EvidenceOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class FindingOut(BaseModel):
    id: int
    audit_id: int
    label: str = Field(description='"A-<audit>-<number>".')
    number: int
    severity: Severity
    clause: str
    description: str
    due_date: dt.date
    status: FindingStatus
    response: str
    rejection_reason: str
    submitted_at: dt.datetime | None
    closed_at: dt.datetime | None
    eightd: list[EightDStepOut] | None = Field(description="D1 to D8; null when it has no 8D.")
    evidence: list[EvidenceOut] = Field(
        description="Evidence files, for who may download them (empty for anyone else)."
    )


class FindingRow(BaseModel):
    id: int
    audit_id: int
    label: str
    severity: Severity
    clause: str
    description: str
    due_date: dt.date
    status: FindingStatus
    has_eightd: bool
    disciplines_filled: int
    evidence_files: int


class AuditIn(InputSchema):
    site_id: Id
    kind: AuditKind
    planned_date: dt.date
    performed_date: dt.date | None = None
    scope: Scope
    lead_auditor_id: Id | None = Field(None, description="A colleague; yourself when null.")
    program_id: Id | None = Field(None, description="A program of yours with the site's owner.")


class AuditFilters(InputSchema):
    status: AuditStatus | None = None
    kind: AuditKind | None = None
    program_id: Id | None = None
    organisation_id: Id | None = Field(None, description="The audited organisation.")
    site_id: Id | None = None


class FindingIn(InputSchema):
    severity: Severity
    clause: Text = Field("", max_length=100)
    description: Description
    due_date: dt.date = Field(description="Today or later.")


class FindingPatch(InputSchema):
    """A correction by the auditing side while the finding is open and the audited side has
    neither evidence on file nor a submission; the fields left out stay."""

    severity: Severity = omittable(description="To major: its 8D is created.")
    clause: Text = omittable(max_length=100)
    description: Description = omittable()
    due_date: dt.date = omittable(description="Today or later.")


class AuditCancelIn(InputSchema):
    reason: Reason


class FindingFilters(InputSchema):
    audit_id: Id | None = None
    program_id: Id | None = None
    severity: Severity | None = None
    status: FindingStatus | None = None
    open_only: bool = False


class EightDStepIn(InputSchema):
    text: StepText


class SubmitIn(InputSchema):
    response: LongText = omittable(max_length=4000)


class RejectIn(InputSchema):
    reason: Reason


def _name(p: Any) -> str:
    return str(p.get_full_name() or p.username)


def _audit(a: Audit) -> AuditOut:
    return AuditOut.model_validate(
        {
            "id": a.pk,
            "site": a.site,
            "audited_organisation": a.audited_organisation,
            "auditing_organisation": a.auditing_organisation,
            "program": a.program,
            "kind": a.kind,
            "planned_date": a.planned_date,
            "performed_date": a.performed_date,
            "scope": a.scope,
            "lead_auditor": _name(a.lead_auditor),
            "status": a.status,
            "closed_at": a.closed_at,
            "cancelled_at": a.cancelled_at,
            "cancellation_reason": a.cancellation_reason,
            "findings_total": getattr(a, "total_findings", 0),
            "findings_open": getattr(a, "open_findings", 0),
        }
    )


def _one_audit(user: Any, pk: int) -> AuditOut:
    return _audit(audit_rows(audits_visible_to(user).filter(pk=pk)).get())


def _finding(user: Any, f: Finding) -> FindingOut:
    steps = eightd_steps(f)
    return FindingOut.model_validate(
        {
            "id": f.pk,
            "audit_id": f.audit_id,
            "label": label(f),
            "number": f.number,
            "severity": f.severity,
            "clause": f.clause,
            "description": f.description,
            "due_date": f.due_date,
            "status": f.status,
            "response": f.response,
            "rejection_reason": f.rejection_reason,
            "submitted_at": f.submitted_at,
            "closed_at": f.closed_at,
            "eightd": None if steps is None else [s.__dict__ for s in steps],
            "evidence": [
                {
                    "id": e.pk,
                    "filename": e.filename,
                    "content_type": e.content_type,
                    "size": e.size,
                    "uploaded_at": e.uploaded_at,
                }
                for e in evidence_of(user, f)
            ],
        }
    )


def _fresh(user: Any, pk: int) -> FindingOut:
    return _finding(user, get_finding_for_user(user, pk))


def _row(f: Any) -> FindingRow:
    return FindingRow(
        id=f.pk,
        audit_id=f.audit_id,
        label=label(f),
        severity=f.severity,
        clause=f.clause,
        description=f.description,
        due_date=f.due_date,
        status=f.status,
        has_eightd=bool(f.eightd_count),
        disciplines_filled=f.filled,
        evidence_files=f.evidence_count,
    )


@router.get("/audits", response=Page[AuditOut])
def list_audits(
    request: HttpRequest, filters: Query[AuditFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Audits your organisation performs, and audits of your organisation's sites (under an
    NDA in force; for a program's audit, as a member of it). The audited side's reads are in
    the auditor's access log."""
    user = person(request)
    rows = audit_rows(audit_filter(audits_visible_to(user), **filters.model_dump()))

    def page(items: Any) -> list[AuditOut]:
        record_audits_read(user, [a.pk for a in items], channel="api", path=request.path)
        return [_audit(a) for a in items]

    return paginate(request, rows.order_by("-planned_date", "-pk"), paging, page)


@router.post("/audits", response={201: AuditOut})
@idempotent
def create_audit(request: HttpRequest, payload: AuditIn) -> Status[Any]:
    """Plan an audit of a partner's site: a member of a program your organisation owns in
    which the site's organisation is a partner (optionally tied to that program)."""
    user = person(request)
    site = get_site_for_audit(user, payload.site_id)
    audit = plan_audit(
        actor=user,
        site=site,
        kind=payload.kind,
        planned_date=payload.planned_date,
        performed_date=payload.performed_date,
        scope=payload.scope,
        lead_auditor=lead_auditor_for(user, payload.lead_auditor_id)
        if payload.lead_auditor_id
        else None,
        program=program_for_audit(user, payload.program_id, site) if payload.program_id else None,
    )
    return Status(201, _one_audit(user, audit.pk))


@router.get("/audits/{audit_id}", response=AuditOut)
def get_audit(request: HttpRequest, audit_id: Id) -> AuditOut:
    user = person(request)
    audit = get_audit_for_user(user, audit_id)
    record_audit_read(user, audit, channel="api", path=request.path)
    return _one_audit(user, audit.pk)


@router.post("/audits/{audit_id}/findings", response={201: FindingOut})
@idempotent
def create_finding(request: HttpRequest, audit_id: Id, payload: FindingIn) -> Status[Any]:
    """Record a finding (the auditing side); a major one gets its 8D at once."""
    user = person(request)
    audit = get_audit_for_user(user, audit_id, side=AUDITING)
    finding = record_finding(actor=user, audit=audit, **payload.model_dump())
    return Status(201, _fresh(user, finding.pk))


@router.post("/audits/{audit_id}/cancel", response=AuditOut)
def cancel_audit_endpoint(request: HttpRequest, audit_id: Id, payload: AuditCancelIn) -> AuditOut:
    """Cancel a planned audit, with the reason (the auditing side); it takes no findings
    after. An open, closed or cancelled audit: 409."""
    user = person(request)
    audit = get_audit_for_user(user, audit_id, side=AUDITING)
    cancel_audit(actor=user, audit=audit, reason=payload.reason)
    return _one_audit(user, audit.pk)


@router.patch("/findings/{finding_id}", response=FindingOut)
def patch_finding(request: HttpRequest, finding_id: Id, payload: FindingPatch) -> FindingOut:
    """Correct a finding (the auditing side): its severity, clause, description, due date.
    Each correction is in the event log with the values before and after. Leaving major
    while the audited side has started the 8D: 409."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITING)
    changes = payload.model_dump(include=payload.model_fields_set)
    correct_finding(actor=user, finding=finding, **changes)
    return _fresh(user, finding.pk)


@router.get("/findings", response=Page[FindingRow])
def list_findings(
    request: HttpRequest, filters: Query[FindingFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Findings of the audits you see; `open_only` for those not closed yet."""
    user = person(request)
    rows = finding_rows(finding_filter(findings_visible_to(user), **filters.model_dump()))

    def page(items: Any) -> list[FindingRow]:
        record_findings_read(user, [f.pk for f in items], channel="api", path=request.path)
        return [_row(f) for f in items]

    return paginate(request, rows.order_by("due_date", "audit_id", "number"), paging, page)


@router.get("/findings/{finding_id}", response=FindingOut)
def get_finding(request: HttpRequest, finding_id: Id) -> FindingOut:
    """A finding with its 8D and (for who may download them) its evidence files."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id)
    record_finding_read(user, finding, channel="api", path=request.path)
    return _finding(user, finding)


@router.post("/findings/{finding_id}/eightd", response={201: FindingOut})
@idempotent
def create_eightd(request: HttpRequest, finding_id: Id) -> Status[Any]:
    """Ask the audited side for an 8D on a minor finding (a major one has its own)."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITING)
    request_eightd(actor=user, finding=finding)
    return Status(201, _fresh(user, finding.pk))


@router.put("/findings/{finding_id}/eightd/{discipline}", response=FindingOut)
def put_discipline(
    request: HttpRequest, finding_id: Id, discipline: Discipline, payload: EightDStepIn
) -> FindingOut:
    """Fill (or rewrite) one discipline, D1 to D8 in order (the audited side, while open)."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITED)
    fill_discipline(actor=user, finding=finding, discipline=discipline, text=payload.text)
    return _fresh(user, finding.pk)


@router.post(
    "/findings/{finding_id}/evidence",
    response={201: FindingOut},
    openapi_extra={
        "description": "multipart/form-data; `file` is the audited side's evidence (PDF, PNG "
        "or JPEG, checked by its content)."
    },
)
@idempotent
def upload_finding_evidence(
    request: HttpRequest, finding_id: Id, file: File[UploadedFile]
) -> Status[Any]:
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITED)
    checked = read_upload(file, kinds=EVIDENCE_KINDS, field="file", max_mb=evidence_max_mb())
    attach_finding_evidence(actor=user, finding=finding, file=checked)
    return Status(201, _fresh(user, finding.pk))


@router.get(
    "/findings/{finding_id}/evidence/{evidence_id}",
    openapi_extra=file_download_doc(
        "The evidence, as an attachment, with its checked content type.",
        (k.content_type for k in EVIDENCE_KINDS.values()),
    ),
)
def download_finding_evidence(
    request: HttpRequest, finding_id: Id, evidence_id: Id
) -> FileResponse:
    """The audited side's own; the auditing side under an NDA in force (its download in the
    audited organisation's log); 404 for anyone else."""
    evidence = get_finding_evidence_for_user(
        person(request), finding_id, evidence_id, channel="api", path=request.path
    )
    return file_response(evidence)


@router.post("/findings/{finding_id}/submit", response=FindingOut)
def submit_finding_endpoint(request: HttpRequest, finding_id: Id, payload: SubmitIn) -> FindingOut:
    """The audited side submits for verification: an 8D complete (D1-D8) or, for a minor
    finding, a response; evidence on file (409 otherwise)."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITED)
    response = payload.response if "response" in payload.model_fields_set else ""
    submit_finding(actor=user, finding=finding, response=response)
    return _fresh(user, finding.pk)


@router.post("/findings/{finding_id}/verify", response=FindingOut)
def verify_finding_endpoint(request: HttpRequest, finding_id: Id) -> FindingOut:
    """The auditor verified the submission: the finding closes (the audit with its last)."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITING)
    verify_finding(actor=user, finding=finding)
    return _fresh(user, finding.pk)


@router.post("/findings/{finding_id}/reject", response=FindingOut)
def reject_finding_endpoint(request: HttpRequest, finding_id: Id, payload: RejectIn) -> FindingOut:
    """The auditor sends the submission back with a reason: open again."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITING)
    reject_finding(actor=user, finding=finding, reason=payload.reason)
    return _fresh(user, finding.pk)


@router.post("/findings/{finding_id}/acknowledge", response=FindingOut)
def acknowledge_finding_endpoint(
    request: HttpRequest, finding_id: Id, payload: SubmitIn
) -> FindingOut:
    """The audited side acknowledges an observation: it closes."""
    user = person(request)
    finding = get_finding_for_user(user, finding_id, side=AUDITED)
    response = payload.response if "response" in payload.model_fields_set else ""
    acknowledge_finding(actor=user, finding=finding, response=response)
    return _fresh(user, finding.pk)
