"""Audit pages: the audits one sees (filters, sorting, CSV/XLSX), planning one, an audit with
its findings, the findings list (CSV/XLSX), a finding with its 8D (D1-D8), the audited side's
evidence, submission and the auditor's verification or rejection. Restricted and access-logged
as audits_access.py says; a refused form comes back with the service's message and status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, DomainError, Forbidden
from accord.partners.audit_choices import (
    DISCIPLINES,
    AuditKind,
    AuditStatus,
    FindingStatus,
    Severity,
)
from accord.partners.audit_forms import (
    AcknowledgeForm,
    AuditFilterForm,
    AuditForm,
    DisciplineForm,
    FindingEvidenceForm,
    FindingFilterForm,
    FindingForm,
    RejectForm,
    SubmitForm,
)
from accord.partners.audit_models import Finding
from accord.partners.audit_queries import (
    AUDIT_SORTS,
    FINDING_HEADERS,
    FINDING_SORTS,
    audit_filter,
    audit_rows,
    eightd_steps,
    finding_export_rows,
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
    auditable_programs,
    auditable_sites,
    audits_visible_to,
    evidence_of,
    findings_visible_to,
    get_audit_for_user,
    get_finding_evidence_for_user,
    get_finding_for_user,
    get_site_for_audit,
    lead_auditor_candidates,
    lead_auditor_for,
    program_for_audit,
    record_audits_read,
    record_findings_read,
    side_of,
)
from accord.partners.services import EVIDENCE_KINDS
from accord.scorecards.attachments import file_response, read_upload
from accord.web.pages import form_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

AUDIT_HEADERS = [
    "Audit",
    "Organisation",
    "Site",
    "Auditing organisation",
    "Program",
    "Kind",
    "Planned",
    "Performed",
    "Lead auditor",
    "Status",
    "Findings",
    "Not closed",
]
_KINDS = dict(AuditKind.choices)
_AUDIT_STATUSES = dict(AuditStatus.choices)


def _show_error(form: Any, error: DomainError) -> None:
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("field", ""))
    form.add_error(name if name in form.fields else None, error.message)


def _wanted(form: Any) -> dict[str, Any]:
    form.is_valid()
    return dict(getattr(form, "cleaned_data", {}))


# Audits --------------------------------------------------------------------------------------


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    filters = AuditFilterForm(request.GET)
    rows = audit_rows(audit_filter(audits_visible_to(user), **_wanted(filters)))
    sort, order = parse_sort(request, AUDIT_SORTS, "-planned_date")
    rows = rows.order_by(order, "-pk")
    fmt = requested_export(request)
    if fmt:
        ids = list(rows.values_list("pk", flat=True)[:EXPORT_CAP])
        record_audits_read(user, ids, channel="export", path=request.path)
        return export_table(fmt, "audits", AUDIT_HEADERS, _audit_export(rows))
    page_obj = paginate(request, rows)
    record_audits_read(user, [a.pk for a in page_obj], channel="web", path=request.path)
    return render(
        request,
        "partners/audit_list.html",
        {
            "page_obj": page_obj,
            "sort": sort,
            "filters": filters,
            "can_plan": auditable_sites(user).exists(),
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
        },
    )


def _audit_export(rows: Any) -> Any:
    for a in rows.iterator(chunk_size=500):
        yield [
            f"A-{a.pk}",
            a.audited_organisation.name,
            a.site.code,
            a.auditing_organisation.name,
            a.program.code if a.program else "",
            str(_KINDS.get(a.kind, a.kind)),
            a.planned_date,
            a.performed_date,
            a.lead_auditor.get_full_name() or a.lead_auditor.username,
            str(_AUDIT_STATUSES.get(a.status, a.status)),
            a.total_findings,
            a.open_findings,
        ]


def _audit_form(request: HttpRequest, data: Any = None) -> AuditForm:
    user = person(request)
    return AuditForm(
        data,
        sites=auditable_sites(user).order_by("organisation__name", "code"),
        programs=auditable_programs(user),
        people=lead_auditor_candidates(user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_create(request: HttpRequest) -> HttpResponse:
    user = person(request)
    if not auditable_sites(user).exists():
        raise Forbidden(
            "An audit is planned by a member of a program of your organisation with partners."
        )
    form = _audit_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = get_site_for_audit(user, data["site"])
            audit = plan_audit(
                actor=user,
                site=site,
                kind=data["kind"],
                planned_date=data["planned_date"],
                performed_date=data.get("performed_date"),
                scope=data["scope"],
                lead_auditor=lead_auditor_for(user, data["lead_auditor"])
                if data.get("lead_auditor")
                else None,
                program=program_for_audit(user, data["program"], site)
                if data.get("program")
                else None,
            )
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Planned {audit} of {audit.site.code}.")
            return redirect("audit_detail", audit.pk)
    return form_page(
        request,
        form=form,
        title="Plan an audit",
        lede="An audit of a partner's site; the program, when given, is one of yours in "
        "which the site's organisation is a partner.",
        action=reverse("audit_create"),
        submit="Plan the audit",
        cancel_url=reverse("audit_list"),
        breadcrumbs=[("Audits", reverse("audit_list"))],
    )


@login_required
@require_GET
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    audit = get_audit_for_user(user, pk, channel="web", path=request.path)
    findings = finding_rows(findings_visible_to(user).filter(audit=audit)).order_by("number")
    side = side_of(user, audit)
    return render(
        request,
        "partners/audit_detail.html",
        {
            "audit": audit,
            "findings": findings,
            "kind": _KINDS.get(audit.kind, audit.kind),
            "can_add": side == AUDITING
            and audit.status not in (AuditStatus.CLOSED, AuditStatus.CANCELLED),
            "can_cancel": side == AUDITING and audit.status == AuditStatus.PLANNED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    audit = get_audit_for_user(user, pk, side=AUDITING)
    form = FindingForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            finding = record_finding(actor=user, audit=audit, **form.cleaned_data)
        except FORM_ERRORS as error:
            _show_error(form, error)
            status = error.http_status
        else:
            messages.success(request, f"Recorded finding {label(finding)}.")
            return redirect("finding_detail", finding.pk)
    detail_url = reverse("audit_detail", args=[audit.pk])
    return form_page(
        request,
        form=form,
        title=f"Record a finding of {audit}",
        lede="A major finding gets an 8D, which the audited side fills.",
        action=reverse("finding_create", args=[audit.pk]),
        submit="Record the finding",
        cancel_url=detail_url,
        breadcrumbs=[("Audits", reverse("audit_list")), (str(audit), detail_url)],
        status=status,
    )


# Findings ------------------------------------------------------------------------------------


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    filters = FindingFilterForm(request.GET)
    rows = finding_rows(finding_filter(findings_visible_to(user), **_wanted(filters)))
    sort, order = parse_sort(request, FINDING_SORTS, "due_date")
    rows = rows.order_by(order, "audit_id", "number")
    fmt = requested_export(request)
    if fmt:
        ids = list(rows.values_list("pk", flat=True)[:EXPORT_CAP])
        record_findings_read(user, ids, channel="export", path=request.path)
        return export_table(fmt, "audit-findings", FINDING_HEADERS, finding_export_rows(rows))
    page_obj = paginate(request, rows)
    record_findings_read(user, [f.pk for f in page_obj], channel="web", path=request.path)
    return render(
        request,
        "partners/finding_list.html",
        {
            "page_obj": page_obj,
            "sort": sort,
            "filters": filters,
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
        },
    )


def _finding_page(
    request: HttpRequest,
    finding: Finding,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = person(request)
    side = side_of(user, finding.audit)
    steps = eightd_steps(finding)
    is_open = finding.status == FindingStatus.OPEN
    audited_open = side == AUDITED and is_open
    filled = {s.discipline for s in steps or [] if s.text}
    next_step = next((d for d in DISCIPLINES if d not in filled), 8)
    given = forms or {}
    observation = finding.severity == Severity.OBSERVATION
    context = {
        "finding": finding,
        "label": label(finding),
        "audit": finding.audit,
        "severity": Severity(finding.severity).label,
        "status_label": FindingStatus(finding.status).label,
        "steps": steps,
        "evidence": evidence_of(user, finding),
        "side": side,
        "discipline_form": given.get("discipline")
        or DisciplineForm(initial={"discipline": next_step})
        if audited_open and steps is not None
        else None,
        "evidence_form": given.get("evidence") or FindingEvidenceForm()
        if audited_open and not observation
        else None,
        "submit_form": given.get("submit") or SubmitForm()
        if audited_open and not observation
        else None,
        "acknowledge_form": given.get("acknowledge") or AcknowledgeForm()
        if audited_open and observation
        else None,
        "reject_form": given.get("reject") or RejectForm()
        if side == AUDITING and finding.status == FindingStatus.SUBMITTED
        else None,
        "can_verify": side == AUDITING and finding.status == FindingStatus.SUBMITTED,
        # audit_changes.py refuses the rest; the link is offered only where it would work.
        "can_correct": side == AUDITING
        and is_open
        and finding.submitted_at is None
        and not finding.evidence.exists(),
        "can_request_eightd": side == AUDITING
        and steps is None
        and finding.severity == Severity.MINOR
        and finding.status != FindingStatus.CLOSED,
        "evidence_kinds": ", ".join(k.removeprefix(".") for k in EVIDENCE_KINDS),
        "evidence_mb": evidence_max_mb(),
    }
    return render(request, "partners/finding_detail.html", context, status=status)


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(person(request), pk, channel="web", path=request.path)
    return _finding_page(request, finding)


def _act(
    request: HttpRequest, pk: int, side: str, name: str, form: Any, act: Any, done: str
) -> HttpResponse:
    """A POST of the finding page: the form checked, the service called; a refusal shows the
    page again with the message beside the form and the service's status."""
    user = person(request)
    finding = get_finding_for_user(user, pk, side=side)
    status = 422
    if form.is_valid():
        try:
            act(user, finding, form.cleaned_data)
        except FORM_ERRORS as error:
            _show_error(form, error)
            status = error.http_status
        else:
            messages.success(request, done)
            return redirect("finding_detail", finding.pk)
    finding = get_finding_for_user(user, pk)
    return _finding_page(request, finding, forms={name: form}, status=status)


@login_required
@require_POST
def finding_discipline(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: Any, finding: Finding, data: dict[str, Any]) -> None:
        fill_discipline(
            actor=user, finding=finding, discipline=data["discipline"], text=data["text"]
        )

    form = DisciplineForm(request.POST)
    return _act(request, pk, AUDITED, "discipline", form, act, "Saved the discipline.")


@login_required
@require_POST
def finding_eightd_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    finding = get_finding_for_user(user, pk, side=AUDITING)
    request_eightd(actor=user, finding=finding)
    messages.success(request, "The audited side is asked for an 8D.")
    return redirect("finding_detail", finding.pk)


@login_required
@require_POST
def finding_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: Any, finding: Finding, data: dict[str, Any]) -> None:
        checked = read_upload(
            data["file"], kinds=EVIDENCE_KINDS, field="file", max_mb=evidence_max_mb()
        )
        attach_finding_evidence(actor=user, finding=finding, file=checked)

    form = FindingEvidenceForm(request.POST, request.FILES)
    return _act(request, pk, AUDITED, "evidence", form, act, "The evidence is on file.")


@login_required
@require_GET
def finding_evidence(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponseBase:
    evidence = get_finding_evidence_for_user(
        person(request), pk, evidence_id, channel="web", path=request.path
    )
    return file_response(evidence)


@login_required
@require_POST
def finding_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: Any, finding: Finding, data: dict[str, Any]) -> None:
        submit_finding(actor=user, finding=finding, response=data.get("response", ""))

    form = SubmitForm(request.POST)
    return _act(request, pk, AUDITED, "submit", form, act, "Submitted for verification.")


@login_required
@require_POST
def finding_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: Any, finding: Finding, data: dict[str, Any]) -> None:
        acknowledge_finding(actor=user, finding=finding, response=data.get("response", ""))

    form = AcknowledgeForm(request.POST)
    return _act(request, pk, AUDITED, "acknowledge", form, act, "Acknowledged.")


@login_required
@require_POST
def finding_verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    finding = get_finding_for_user(user, pk, side=AUDITING)
    verify_finding(actor=user, finding=finding)
    messages.success(request, f"You verified {label(finding)}: it is closed.")
    return redirect("finding_detail", finding.pk)


@login_required
@require_POST
def finding_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def act(user: Any, finding: Finding, data: dict[str, Any]) -> None:
        reject_finding(actor=user, finding=finding, reason=data["reason"])

    form = RejectForm(request.POST)
    return _act(request, pk, AUDITING, "reject", form, act, "Sent back to the audited side.")
