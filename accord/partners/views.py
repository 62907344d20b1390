"""Certificate pages: a site's certificates (status badges, sortable, filterable, CSV/XLSX),
recording, changing and retiring one (the site's own organisation), a buyer's verification,
the evidence file (restricted, downloads access-logged)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import today
from accord.core.errors import FORM_ERRORS, DomainError
from accord.partners.access import (
    can_record,
    can_verify,
    certificates_visible_to,
    evidence_on_file,
    get_certificate_for_user,
    get_evidence_for_user,
    get_site_for_certificates,
)
from accord.partners.choices import CertificateStatus, Process
from accord.partners.forms import CertificateFilterForm, CertificateForm, EvidenceForm
from accord.partners.models import Certificate
from accord.partners.queries import SORTS, certificate_rows, processes_text
from accord.partners.services import (
    EVIDENCE_KINDS,
    attach_evidence,
    create_certificate,
    evidence_max_mb,
    retire_certificate,
    update_certificate,
    verify_certificate,
)
from accord.partners.status import status_of
from accord.scorecards.attachments import file_response, read_upload
from accord.supply.models import Site
from accord.web.pages import form_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

HEADERS = [
    "Site",
    "Standard",
    "Number",
    "Issuer",
    "Processes",
    "Product categories",
    "Scope",
    "Valid from",
    "Valid until",
    "Status",
    "Verified by",
    "Verified on",
    "Evidence on file",
    "Retired on",
]
_PROCESS_LABELS = dict(Process.choices)


def _export_rows(rows: QuerySet[Any]) -> Iterator[list[Any]]:
    for c in rows.iterator(chunk_size=500):
        yield [
            c.site.code,
            c.label,
            c.number,
            c.issuer,
            processes_text(c.processes),
            ", ".join(c.product_categories),
            c.scope_text,
            c.valid_from,
            c.valid_until,
            str(CertificateStatus(c.status).label),
            c.verified_by.get_full_name() if c.verified_by else "",
            c.verified_at.date() if c.verified_at else None,
            "yes" if c.has_evidence else "no",
            c.retired_at.date() if c.retired_at else None,
        ]


def _filtered(request: HttpRequest, site: Site) -> tuple[QuerySet[Any], CertificateFilterForm]:
    user = person(request)
    form = CertificateFilterForm(request.GET)
    form.is_valid()
    wanted = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    rows = certificate_rows(certificates_visible_to(user).filter(site=site), today())
    if not wanted.get("retired"):
        rows = rows.filter(retired_at__isnull=True)
    if wanted.get("standard"):
        rows = rows.filter(standard=wanted["standard"])
    if wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    if q := (wanted.get("q") or "").strip():
        rows = rows.filter(
            Q(number__icontains=q) | Q(issuer__icontains=q) | Q(scope_text__icontains=q)
        )
    return rows, form


@login_required
@require_GET
def certificate_list(request: HttpRequest, site_id: int) -> HttpResponse:
    user = person(request)
    site = get_site_for_certificates(user, site_id)
    rows, filters = _filtered(request, site)
    sort, order = parse_sort(request, SORTS, "standard")
    rows = rows.order_by(order, "pk")
    fmt = requested_export(request)
    if fmt:
        return export_table(fmt, f"certificates-{site.code}", HEADERS, _export_rows(rows))
    page_obj = paginate(request, rows)
    return render(
        request,
        "partners/certificate_list.html",
        {
            "site": site,
            "page_obj": page_obj,
            "sort": sort,
            "filters": filters,
            "can_record": can_record(user, site.organisation_id) and site.retired_at is None,
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
            "process_labels": _PROCESS_LABELS,
        },
    )


def _show_error(form: Any, error: DomainError) -> None:
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("field", ""))
    form.add_error(name if name in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_create(request: HttpRequest, site_id: int) -> HttpResponse:
    user = person(request)
    site = get_site_for_certificates(user, site_id, write=True)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = create_certificate(actor=user, site=site, **form.values())
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Recorded {certificate.label} {certificate.number}.")
            return redirect("certificate_detail", certificate.pk)
    list_url = reverse("certificate_list", args=[site.pk])
    return form_page(
        request,
        form=form,
        title=f"Record a certificate of {site.name}",
        action=reverse("certificate_create", args=[site.pk]),
        submit="Record the certificate",
        cancel_url=list_url,
        breadcrumbs=[(f"Certificates of {site.name}", list_url)],
    )


@login_required
@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    certificate = get_certificate_for_user(user, pk)
    return _detail(request, certificate)


def _detail(
    request: HttpRequest,
    certificate: Certificate,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = person(request)
    own = can_record(user, certificate.site.organisation_id)
    evidence = evidence_on_file(user, certificate)
    active = certificate.retired_at is None
    return render(
        request,
        "partners/certificate_detail.html",
        {
            "certificate": certificate,
            "status": status_of(
                valid_from=certificate.valid_from,
                valid_until=certificate.valid_until,
                suspended=certificate.suspended,
                day=today(),
            ),
            "processes": processes_text(certificate.processes),
            "evidence": evidence,
            "can_edit": own and active,
            "can_verify": active and can_verify(user, certificate),
            "evidence_form": (evidence_form or EvidenceForm()) if own and active else None,
            "evidence_kinds": ", ".join(k.removeprefix(".") for k in EVIDENCE_KINDS),
            "evidence_mb": evidence_max_mb(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    certificate = get_certificate_for_user(user, pk, write=True)
    form = CertificateForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            update_certificate(actor=user, certificate=certificate, **form.values())
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Saved {certificate.label} {certificate.number}.")
            return redirect("certificate_detail", certificate.pk)
    detail_url = reverse("certificate_detail", args=[certificate.pk])
    return form_page(
        request,
        form=form or CertificateForm.of(certificate),
        title=f"Change {certificate.label} {certificate.number}",
        lede="A change of what a buyer verified clears the verification.",
        action=reverse("certificate_edit", args=[certificate.pk]),
        submit="Save",
        cancel_url=detail_url,
        breadcrumbs=[
            (certificate.site.name, reverse("certificate_list", args=[certificate.site_id])),
            (str(certificate), detail_url),
        ],
    )


@login_required
@require_POST
def certificate_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    certificate = get_certificate_for_user(user, pk, write=True)
    retire_certificate(actor=user, certificate=certificate)
    messages.success(request, f"Retired {certificate.label} {certificate.number}.")
    return redirect("certificate_list", certificate.site_id)


@login_required
@require_POST
def certificate_verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    certificate = get_certificate_for_user(user, pk, verify=True)
    verify_certificate(actor=user, certificate=certificate)
    messages.success(request, f"You verified {certificate.label} {certificate.number}.")
    return redirect("certificate_detail", certificate.pk)


@login_required
@require_POST
def certificate_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    certificate = get_certificate_for_user(user, pk, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attach_evidence(
                actor=user,
                certificate=certificate,
                file=read_upload(
                    form.cleaned_data["file"],
                    kinds=EVIDENCE_KINDS,
                    field="file",
                    max_mb=evidence_max_mb(),
                ),
            )
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, "The evidence is on file.")
            return redirect("certificate_detail", certificate.pk)
    return _detail(request, certificate, form, status=422)


@login_required
@require_GET
def certificate_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The evidence file, for the owner and organisations sharing a program with it under an
    NDA in force (404 otherwise); another organisation's download is in the owner's log."""
    _certificate, evidence = get_evidence_for_user(
        person(request), pk, channel="web", path=request.path
    )
    return file_response(evidence)
