"""The agreement's "Check a copy" page: upload a CSV or XLSX export of its terms, and read which
version its printed hash names, whether its terms still hash to it, and if not, the clauses in
which the copy differs from that version."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accord.agreements.access import get_agreement_for_user, log_terms_read
from accord.agreements.copies import CopyMatch, match_copy
from accord.core.errors import FORM_ERRORS
from accord.core.forms import AccordForm
from accord.parts.bom_import.inputs import read_upload
from accord.web.tables import person


class CopyForm(AccordForm):
    file = forms.FileField(
        label="Exported terms",
        help_text="A CSV or XLSX file exported from a version's page of this agreement.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,.tsv,.txt"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_copy_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    form = CopyForm(request.POST or None, request.FILES or None)
    result: CopyMatch | None = None
    error = ""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                data, filename = read_upload(form.cleaned_data["file"])
                result = match_copy(agreement, data, filename)
            except FORM_ERRORS as refusal:
                error = refusal.message
                status = refusal.http_status
            else:
                status = 200
                log_terms_read(user, agreement, channel="web", path=request.path)
    return render(
        request,
        "agreements/copy_check.html",
        {
            "agreement": agreement,
            "form": form,
            "result": result,
            "error": error,
            "action": reverse("agreement_copy_check", args=[agreement.pk]),
            "breadcrumbs": [
                ("Agreements", reverse("agreement_list")),
                (agreement.title, reverse("agreement_detail", args=[agreement.pk])),
            ],
        },
        status=status,
    )
