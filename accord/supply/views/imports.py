"""The supply import page: choose what the file holds, upload it, read the preview with every
problem (file, sheet, row, column), then confirm to import it all in one transaction."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accord.core.errors import DomainError, InvalidInput
from accord.orgs.access import reach_of
from accord.orgs.models import Person
from accord.parts.bom_import.inputs import read_upload
from accord.supply.forms import SupplyImportForm
from accord.supply.imports.preview import check_kind
from accord.supply.imports.vocabulary import KIND_LABELS, KINDS
from accord.supply.services.imports import import_supply
from accord.supply.views.common import supply_page
from accord.web.tables import person

PROBLEMS_SHOWN = 500
DONE = {
    "stock": "stock_list",
    "orders": "order_list",
    "offers": "offer_list",
    "builds": "build_list",
    "allocations": "allocation_list",
}


def importable_kinds(user: Person) -> list[tuple[str, str]]:
    """The kinds the person may import, as the services allow them."""
    if reach_of(user).organisation_id is None:
        return []
    out = []
    for kind in KINDS:
        try:
            check_kind(user, kind)
        except DomainError:
            continue
        out.append((kind, KIND_LABELS[kind]))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def supply_import(request: HttpRequest) -> HttpResponse:
    user = person(request)
    kinds = importable_kinds(user)
    form = SupplyImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    context: dict[str, object] = {"form": form, "kinds": kinds, "shown": PROBLEMS_SHOWN}
    if request.method != "POST":
        return supply_page(request, "supply/import.html", context)
    if request.POST.get("kind") and request.POST["kind"] not in dict(kinds):
        check_kind(user, request.POST["kind"])  # 403 for a kind the person may not import
    if not form.is_valid():
        return supply_page(request, "supply/import.html", context, status=422)
    data = form.cleaned_data
    commit = bool(data["content"])
    try:
        if commit:
            content, filename = _previewed(data["content"]), data["filename"] or "upload"
        else:
            content, filename = read_upload(data["file"])
        result = import_supply(
            actor=user, kind=data["kind"], data=content, filename=filename, commit=commit
        )
    except DomainError as error:
        if error.http_status == 403:
            raise
        form.add_error(None, error.message)
        return supply_page(request, "supply/import.html", context, status=422)
    if result.committed:
        counts = ", ".join(
            f"{value} {key.replace('_', ' ')}" for key, value in result.counts.items()
        )
        messages.success(request, f"Imported {result.file}: {counts}.")
        return redirect(DONE[result.kind])
    context.update(
        result=result,
        content=base64.b64encode(content).decode("ascii") if result.ok else "",
        filename=filename,
        kind_label=KIND_LABELS[result.kind],
        counts=[(key.replace("_", " "), value) for key, value in result.counts.items()],
        columns=list(result.columns.items()),
        errors=[p for p in result.problems if p.severity == "error"],
    )
    return supply_page(request, "supply/import.html", context, status=200 if result.ok else 422)


def _previewed(content: str) -> bytes:
    try:
        return base64.b64decode(content.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InvalidInput("The previewed file was damaged: upload it again.") from None
