"""Flex pages of an agreement: its flex exceptions (schedule changes beyond a flex band) with
the EMS's accept and decline, the dry-run check of proposed build changes, and the change
request checked against the SOW. Both checks are GET forms: they answer and write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accord.agreements.access import (
    flex_exceptions_of,
    get_agreement_for_user,
    get_flex_exception_for_user,
    log_terms_read,
)
from accord.agreements.change_check import ChangeAnswer, parse_value
from accord.agreements.choices import FlexStatus
from accord.agreements.flex import FlexVerdict
from accord.agreements.flex_queries import (
    EXCEPTION_HEADERS,
    ProposedChange,
    change_request,
    dry_run,
    exception_cells,
    fees_text,
)
from accord.agreements.flex_services import decide_flex_exception
from accord.agreements.models import Agreement
from accord.api.schemas import MAX_ID
from accord.core.errors import FORM_ERRORS, InvalidInput
from accord.core.forms import AccordForm
from accord.web.tables import export_table, parse_sort, person, requested_export

SORTS = {
    "raised": "raised_at",
    "build": "build_id",
    "weeks": "weeks_out",
    "change": "change_percent",
    "status": "status",
}
WEEKS_RULE = (
    "Weeks out are whole weeks from the day of the change to the build's due date: week 1 is "
    "due within 7 days (or overdue), week 2 in 8 to 14 days, and so on. A moved build is "
    "judged at the nearer of its two dates."
)


class StatusFilter(AccordForm):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *FlexStatus.choices], required=False, label="Status"
    )


class DecisionForm(AccordForm):
    note = forms.CharField(max_length=300, required=False, label="Note")


class FlexCheckForm(AccordForm):
    changes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Proposed changes",
        help_text="One a line: build id, new quantity, new due date (YYYY-MM-DD); leave a "
        "value empty to keep it, e.g. 12, 2300, or 12, , 2027-05-03.",
    )


class ChangeCheckForm(AccordForm):
    term = forms.CharField(
        max_length=200,
        label="Term",
        help_text="A path: price_tiers[5000].unit_price, inspection.aql, definitions[premium], "
        "fees[EXP].amount, moq.",
    )
    value = forms.CharField(max_length=2000, label="New value")


def _crumbs(agreement: Agreement) -> list[tuple[str, str]]:
    return [
        ("Agreements", reverse("agreement_list")),
        (agreement.title, reverse("agreement_detail", args=[agreement.pk])),
        ("Flex", reverse("flex_exceptions", args=[agreement.pk])),
    ]


@login_required
@require_GET
def flex_exceptions(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement's flex exceptions (filter by status, sort, export); the EMS's people
    accept or decline the pending ones."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    form = StatusFilter(request.GET)
    form.is_valid()
    status = getattr(form, "cleaned_data", {}).get("status")
    sort, order = parse_sort(request, SORTS, "-raised")
    found = flex_exceptions_of(user, agreement).order_by(order, "-pk")
    if status:
        found = found.filter(status=status)
    fmt = requested_export(request)
    log_terms_read(user, agreement, channel="export" if fmt else "web", path=request.path)
    if fmt:
        rows = (exception_cells(e) for e in found.iterator(chunk_size=1000))
        return export_table(fmt, f"agreement-{agreement.pk}-flex", EXCEPTION_HEADERS, rows)
    exceptions = list(found[:500])
    return render(
        request,
        "agreements/flex_exceptions.html",
        {
            "agreement": agreement,
            "exceptions": [(e, fees_text(e.fees)) for e in exceptions],
            "form": form,
            "sort": sort,
            "is_ems": user.organisation_id == agreement.partner_id,
            "decision_form": DecisionForm(),
            "weeks_rule": WEEKS_RULE,
            "breadcrumbs": _crumbs(agreement)[:2],
        },
    )


def _decide(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    user = person(request)
    exception = get_flex_exception_for_user(user, pk, decide=True)
    form = DecisionForm(request.POST)
    back = redirect("flex_exceptions", pk=exception.agreement_id)
    if not form.is_valid():
        messages.error(request, "note: at most 300 characters.")
        return back
    try:
        decide_flex_exception(
            actor=user, exception=exception, accept=accept, note=form.cleaned_data["note"]
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
        return back
    word = "Accepted" if accept else "Declined"
    messages.success(request, f"{word} flex exception {exception.pk} (build {exception.build_id}).")
    return back


@login_required
@require_POST
def flex_exception_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, True)


@login_required
@require_POST
def flex_exception_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, False)


def _proposed(text: str) -> list[ProposedChange]:
    """Lines of "build id, quantity, due date"; a refusal names the line."""
    changes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(",")] + ["", ""]
        try:
            build = int(cells[0])
            quantity = Decimal(cells[1]) if cells[1] else None
            due = dt.date.fromisoformat(cells[2]) if cells[2] else None
            if not 1 <= build <= MAX_ID or (quantity is not None and not quantity.is_finite()):
                raise ValueError(line)
        except (ValueError, InvalidOperation):
            raise InvalidInput(
                f"line {number}: write build id, quantity, due date (YYYY-MM-DD): {line!r}",
                detail={"field": "changes"},
            ) from None
        changes.append(ProposedChange(build, quantity, due))
    return changes


@login_required
@require_GET
def flex_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run: what each proposed change would answer today; nothing is written."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    form = FlexCheckForm(request.GET or None)
    results: list[tuple[ProposedChange, FlexVerdict]] = []
    if form.is_bound and form.is_valid():
        try:
            changes = _proposed(form.cleaned_data["changes"])
            results = list(zip(changes, dry_run(user, agreement, changes), strict=True))
        except FORM_ERRORS as error:
            form.add_error("changes", error.message)
        else:
            log_terms_read(user, agreement, channel="web", path=request.path)
    return render(
        request,
        "agreements/flex_check.html",
        {
            "agreement": agreement,
            "form": form,
            "results": results,
            "weeks_rule": WEEKS_RULE,
            "breadcrumbs": _crumbs(agreement),
        },
    )


@login_required
@require_GET
def change_check(request: HttpRequest, pk: int) -> HttpResponse:
    """A change request against the SOW: already in it, changes a clause (amendment and fee
    needed) or not in it; nothing is written."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    form = ChangeCheckForm(request.GET or None)
    answer: ChangeAnswer | None = None
    version = None
    if form.is_bound and form.is_valid():
        try:
            version, answer = change_request(
                agreement, form.cleaned_data["term"], parse_value(form.cleaned_data["value"])
            )
        except FORM_ERRORS as error:
            field = "term" if (error.detail or {}).get("field") == "term" else "value"
            form.add_error(field, error.message)
        else:
            log_terms_read(user, agreement, channel="web", path=request.path)
    return render(
        request,
        "agreements/change_check.html",
        {
            "agreement": agreement,
            "form": form,
            "answer": answer,
            "version": version,
            "breadcrumbs": _crumbs(agreement),
        },
    )
