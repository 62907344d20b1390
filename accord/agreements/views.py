"""Agreement pages: the list, a new agreement, one agreement with its current terms, the
check's problems, its versions and the sign button; a version's terms (and their CSV), the
terms' editor, the term-level diff between two versions, retiring and reinstating."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.agreements.access import (
    agreements_visible_to,
    drafting_choices,
    get_agreement_for_user,
    get_version_for_user,
    latest_versions,
    log_terms_read,
    signing_right_granters,
)
from accord.agreements.choices import VersionStatus
from accord.agreements.copies import EXPORT_HEADERS, export_rows
from accord.agreements.diff import diff_terms
from accord.agreements.display import terms_rows
from accord.agreements.forms import AgreementForm, RetireForm, SignForm, TermsForm
from accord.agreements.models import Agreement, AgreementVersion
from accord.agreements.queries import agreement_detail as agreement_detail_of
from accord.agreements.services import (
    create_agreement,
    refuse_if_retired,
    reinstate_agreement,
    retire_agreement,
    save_terms,
    sign_agreement_version,
)
from accord.agreements.terms import parse_terms
from accord.core.errors import FORM_ERRORS
from accord.orgs.access import programs_visible_to
from accord.web.pages import form_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Titles, parties and states: no terms, so nothing to log. Sorted, filtered, paged and
    exported (CSV/XLSX) like every list."""
    user = person(request)
    sort, order = parse_sort(request, AGREEMENT_SORTS, "title")
    found = (
        agreements_visible_to(user)
        .select_related("program", "buyer", "partner")
        .order_by(order, "pk")
    )
    retired = request.GET.get("retired", "").strip().lower()
    if retired == "yes":
        found = found.filter(retired_at__isnull=False)
    elif retired == "no":
        found = found.filter(retired_at__isnull=True)
    else:
        retired = ""
    fmt = requested_export(request)
    if fmt:
        agreements = list(found[:EXPORT_CAP])
        latest = latest_versions(user, agreements)
        return export_table(
            fmt, "agreements", LIST_HEADERS, [_list_cells(a, latest.get(a.pk)) for a in agreements]
        )
    page_obj = paginate(request, found)
    latest = latest_versions(user, page_obj.object_list)
    rows = [(a, latest.get(a.pk)) for a in page_obj.object_list]
    owned = programs_visible_to(user).filter(owner_id=user.organisation_id).exists()
    context = {
        "rows": rows,
        "page_obj": page_obj,
        "sort": sort,
        "can_draft": owned,
        "retired": retired,
    }
    return render(request, "agreements/list.html", context)


AGREEMENT_SORTS = {
    "title": "title",
    "program": "program__name",
    "buyer": "buyer__name",
    "partner": "partner__name",
    "created": "created_at",
    "retired": "retired_at",
}
LIST_HEADERS = ["Title", "Program", "Buyer", "Partner", "Version", "Status", "Retired on"]


def _list_cells(agreement: Agreement, version: AgreementVersion | None) -> list[Any]:
    return [
        agreement.title,
        agreement.program.name,
        agreement.buyer.name,
        agreement.partner.name,
        version.number if version else "",
        version.get_status_display() if version else "",
        timezone.localdate(agreement.retired_at).isoformat() if agreement.retired_at else "",
    ]


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = person(request)
    programs, partners = drafting_choices(user)
    form = AgreementForm(request.POST or None, programs=programs, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = create_agreement(
                actor=user,
                program=form.cleaned_data["program"],
                partner=form.cleaned_data["partner"],
                title=form.cleaned_data["title"],
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Drafted version 1: write its terms.")
            return redirect("agreement_detail", pk=agreement.pk)
    return form_page(
        request,
        form=form,
        title="Draft an agreement",
        lede="A statement of work between one of your programs and a partner of it. Both "
        "sides' program members read and edit it while an NDA between you covers the program.",
        action=reverse("agreement_create"),
        submit="Draft version 1",
        cancel_url=reverse("agreement_list"),
        breadcrumbs=[("Agreements", reverse("agreement_list"))],
    )


def _crumbs(agreement: Agreement) -> list[tuple[str, str]]:
    return [
        ("Agreements", reverse("agreement_list")),
        (agreement.title, reverse("agreement_detail", args=[agreement.pk])),
    ]


@login_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    detail = agreement_detail_of(agreement)
    log_terms_read(user, agreement, channel="web", path=request.path)
    current = detail.current
    side = agreement.side_of(user.organisation_id)
    signed_by_my_side = bool(
        current and any(s.side == side and s.voided_at is None for s in current.signatures.all())
    )
    retired = agreement.is_retired
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "current": current,
            "rows": terms_rows(parse_terms(current.terms)) if current else [],
            "problems": detail.problems,
            "notes": detail.notes,
            "versions": detail.versions,
            "numbers": [v.number for v in detail.versions],
            "is_draft": current is not None and current.status == VersionStatus.DRAFT,
            "retired": retired,
            "can_sign": user.can_sign_agreements and not signed_by_my_side and not retired,
            "signed_by_my_side": signed_by_my_side,
            # Who grants the right to sign, named to whoever lacks it.
            "granters": [] if user.can_sign_agreements else signing_right_granters(user),
            "sign_form": SignForm(initial={"terms_hash": current.terms_hash if current else ""}),
            "is_buyer": agreement.buyer_id == user.organisation_id,
            "retire_form": RetireForm(),
        },
    )


@login_required
@require_GET
def agreement_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    version = get_version_for_user(user, agreement, number)
    rows = terms_rows(parse_terms(version.terms))
    fmt = requested_export(request)
    log_terms_read(user, agreement, channel="export" if fmt else "web", path=request.path)
    if fmt:
        # One row per field with its path, and the hash printed last: an export names exactly
        # what was agreed, and "Check a copy" rebuilds the terms from it (copies.py).
        return export_table(
            fmt,
            f"agreement-{agreement.pk}-v{version.number}",
            EXPORT_HEADERS,
            export_rows(version),
        )
    return render(
        request,
        "agreements/version.html",
        {
            "agreement": agreement,
            "version": version,
            "rows": rows,
            "breadcrumbs": _crumbs(agreement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_terms(request: HttpRequest, pk: int) -> HttpResponse:
    """The terms as JSON: saving edits the draft (or starts one after a signed version)."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    refuse_if_retired(agreement, "drafted or edited")
    detail = agreement_detail_of(agreement)
    initial = json.dumps(detail.current.terms if detail.current else {}, indent=2, sort_keys=True)
    form = TermsForm(request.POST or None, initial={"terms": initial})
    if request.method == "POST" and form.is_valid():
        try:
            version = save_terms(actor=user, agreement=agreement, terms=form.cleaned_data["terms"])
        except FORM_ERRORS as error:
            form.add_error("terms", error.message)
        else:
            messages.success(request, f"Saved the terms as draft version {version.number}.")
            return redirect("agreement_detail", pk=agreement.pk)
    else:
        log_terms_read(user, agreement, channel="web", path=request.path)
    return form_page(
        request,
        form=form,
        title=f"Terms of {agreement.title}",
        lede="Editing a draft nobody signed changes it; a draft one side signed is voided "
        "with its signature and a new draft takes its place. A signed version never changes.",
        action=reverse("agreement_terms", args=[agreement.pk]),
        submit="Save the draft",
        cancel_url=reverse("agreement_detail", args=[agreement.pk]),
        breadcrumbs=_crumbs(agreement),
    )


@login_required
@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk, sign=True)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Sign from the agreement's page: the version's hash is missing.")
        return redirect("agreement_detail", pk=agreement.pk)
    try:
        version = sign_agreement_version(
            actor=user, agreement=agreement, terms_hash=form.cleaned_data["terms_hash"]
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
        return redirect("agreement_detail", pk=agreement.pk)
    if version.status == VersionStatus.SIGNED:
        messages.success(
            request, f"Both sides have signed version {version.number}: it is in force."
        )
    else:
        messages.success(
            request, f"You signed version {version.number}; the other side signs next."
        )
    return redirect("agreement_detail", pk=agreement.pk)


@login_required
@require_POST
def agreement_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer's people end the agreement, giving the reason."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk, buyer=True)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for retiring the agreement (1 to 500 characters).")
        return redirect("agreement_detail", pk=agreement.pk)
    try:
        retire_agreement(actor=user, agreement=agreement, reason=form.cleaned_data["reason"])
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Retired: its versions stay readable; nothing more is drafted or signed, and it is "
            "in force for no purchase order from today.",
        )
    return redirect("agreement_detail", pk=agreement.pk)


@login_required
@require_POST
def agreement_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk, buyer=True)
    try:
        reinstate_agreement(actor=user, agreement=agreement)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Reinstated: the agreement is in force again.")
    return redirect("agreement_detail", pk=agreement.pk)


def _number(text: str | None, default: int) -> int:
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise Http404("No such version.") from None


@login_required
@require_GET
def agreement_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """?from=2&to=3: the clauses that differ, one line each; by default the last version
    against the one before it."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    last = agreement.versions.order_by("-number").values_list("number", flat=True).first() or 1
    to = _number(request.GET.get("to"), last)
    older = get_version_for_user(user, agreement, _number(request.GET.get("from"), max(to - 1, 1)))
    newer = get_version_for_user(user, agreement, to)
    log_terms_read(user, agreement, channel="web", path=request.path)
    lines = diff_terms(parse_terms(older.terms), parse_terms(newer.terms))
    return render(
        request,
        "agreements/diff.html",
        {
            "agreement": agreement,
            "older": older,
            "newer": newer,
            "lines": lines,
            "breadcrumbs": _crumbs(agreement),
        },
    )
