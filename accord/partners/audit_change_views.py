"""The auditing side's second thoughts on the pages: cancelling a planned audit (with its
reason) and correcting a finding before the audited side answers it (audit_changes.py). A
refused form comes back with the service's message and status, as the API answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accord.core.errors import FORM_ERRORS
from accord.partners.audit_changes import cancel_audit, correct_finding
from accord.partners.audit_forms import CancelAuditForm, FindingForm
from accord.partners.audit_queries import label
from accord.partners.audits_access import AUDITING, get_audit_for_user, get_finding_for_user
from accord.partners.capability_views import show_error
from accord.web.pages import form_page
from accord.web.tables import person


@login_required
@require_http_methods(["GET", "POST"])
def audit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    audit = get_audit_for_user(user, pk, side=AUDITING)
    form = CancelAuditForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            cancel_audit(actor=user, audit=audit, reason=form.cleaned_data["reason"])
        except FORM_ERRORS as error:
            show_error(form, error)
            status = error.http_status
        else:
            messages.success(request, f"Cancelled {audit}.")
            return redirect("audit_detail", audit.pk)
    detail_url = reverse("audit_detail", args=[audit.pk])
    return form_page(
        request,
        form=form,
        title=f"Cancel {audit} of {audit.site.code}",
        lede="Only a planned audit is cancelled; it keeps its record and takes no findings.",
        action=reverse("audit_cancel", args=[audit.pk]),
        submit="Cancel the audit",
        cancel_url=detail_url,
        breadcrumbs=[("Audits", reverse("audit_list")), (str(audit), detail_url)],
        danger=True,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    finding = get_finding_for_user(user, pk, side=AUDITING)
    initial = {
        "severity": finding.severity,
        "clause": finding.clause,
        "description": finding.description,
        "due_date": finding.due_date,
    }
    form = FindingForm(request.POST or None, initial=initial)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            correct_finding(actor=user, finding=finding, **form.cleaned_data)
        except FORM_ERRORS as error:
            show_error(form, error)
            status = error.http_status
        else:
            messages.success(
                request, f"Corrected finding {label(finding)}; the earlier text is in the log."
            )
            return redirect("finding_detail", finding.pk)
    audit_url = reverse("audit_detail", args=[finding.audit_id])
    finding_url = reverse("finding_detail", args=[finding.pk])
    return form_page(
        request,
        form=form,
        title=f"Correct finding {label(finding)}",
        lede="While it is open and before the audited side puts evidence on file. To major: "
        "it gets its 8D; from major, only while nobody has started the 8D.",
        action=reverse("finding_edit", args=[finding.pk]),
        submit="Save the correction",
        cancel_url=finding_url,
        breadcrumbs=[
            ("Audits", reverse("audit_list")),
            (str(finding.audit), audit_url),
            (f"Finding {label(finding)}", finding_url),
        ],
        status=status,
    )
