"""Part pages: the searchable parts list and the part page with its approved sources."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accord.core.access import get_or_404
from accord.core.errors import Conflict, InvalidInput
from accord.orgs.access import events_for_object, organisations_visible_to
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Person
from accord.parts.access import (
    can_import_catalogue,
    categories_in_use,
    describe_part_filters,
    get_part_for_user,
    log_parts_read,
    parameters_visible_to,
    parts_for_list,
    sources_visible_to,
    where_used_for_user,
)
from accord.parts.forms import SOURCING_LABELS, AddSourceForm, PartFilterForm, SourceStatusForm
from accord.parts.models import Part
from accord.parts.queries import PART_SORTS
from accord.parts.services import add_approved_source, set_source_status
from accord.parts.views.display import part_rows
from accord.web import tables
from accord.web.display import LIFECYCLE_SHORT
from accord.web.tables import paginate, parse_sort, person, requested_export, vary_on_htmx

SORTABLE = {key: field for key, field in PART_SORTS.items() if not key.startswith("-")}
PART_EVENTS = 50
EXPORT_HEADERS = [
    "Part number",
    "Revision",
    "Description",
    "Category",
    "Value",
    "Package",
    "Lifecycle",
    "Approved sources",
    "Sourcing",
]


def _sourcing(count: int) -> str:
    if count == 0:
        return SOURCING_LABELS["none"]
    return SOURCING_LABELS["single"] if count == 1 else SOURCING_LABELS["multi"]


@login_required
@require_GET
def part_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    categories = categories_in_use(user).values_list("slug", "name")
    form = PartFilterForm(request.GET, categories=list(categories))
    sort, _ = parse_sort(request, SORTABLE, "number")
    filters = form.filters(sort)
    parts = parts_for_list(user, filters)
    fmt = requested_export(request)
    if fmt:
        log_parts_read(
            user,
            parts.values("pk")[: tables.EXPORT_CAP],
            description=describe_part_filters(filters),
            channel="export",
            path=request.get_full_path(),
        )
        rows = (
            [
                number,
                revision,
                description,
                category or "",
                value,
                package,
                LIFECYCLE_SHORT.get(lifecycle, lifecycle),
                count,
                _sourcing(count),
            ]
            for number, revision, description, category, value, package, lifecycle, count in (
                # visible_*: the roll-ups as this person sees them (parts_visible_to annotates).
                parts.values_list(  # type: ignore[misc]
                    "number",
                    "revision",
                    "description",
                    "category__name",
                    "value",
                    "package",
                    "visible_lifecycle",
                    "visible_source_count",
                ).iterator(chunk_size=2000)
            )
        )
        return tables.export_table(fmt, "parts", EXPORT_HEADERS, rows)
    page_obj = paginate(request, parts)
    page_obj.object_list = list(page_obj.object_list)
    shown = part_rows(page_obj.object_list)
    log_parts_read(
        user,
        [part.pk for part in page_obj.object_list],
        description=describe_part_filters(filters, page_obj.number),
        channel="web",
        path=request.get_full_path(),
    )
    context = {
        "form": form,
        "sort": sort,
        "page_obj": page_obj,
        "rows": shown,
        "export_capped": page_obj.paginator.count > tables.EXPORT_CAP,
        "export_cap": tables.EXPORT_CAP,
        "can_import": can_import_catalogue(user),
    }
    template = "parts/_part_results.html" if request.htmx else "parts/part_list.html"  # type: ignore[attr-defined]
    return vary_on_htmx(render(request, template, context))


def _part_context(
    request: HttpRequest, part: Part, source_form: AddSourceForm | None = None
) -> dict[str, Any]:
    user = person(request)
    is_owner = part.owner_id == user.organisation_id
    if is_owner and source_form is None:
        source_form = AddSourceForm(suppliers=_suppliers(user))
    return {
        "part": part,
        "is_owner": is_owner,
        "source_form": source_form if is_owner else None,
        "parameters": parameters_visible_to(user, part),
        "sources": sources_visible_to(user, part).order_by("rank", "pk"),
        "where_used": where_used_for_user(user, part, path=request.path),
        "events": events_for_object(user, part).select_related("organisation")[:PART_EVENTS],
    }


def _suppliers(user: Person) -> Any:
    return organisations_visible_to(user).filter(kind__in=OrganisationKind.sellers())


@login_required
@require_GET
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_part_for_user(person(request), pk, path=request.path)
    return render(request, "parts/part_detail.html", _part_context(request, part))


@login_required
@require_POST
def part_source_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    part = get_part_for_user(user, pk, write=True)
    form = AddSourceForm(request.POST, suppliers=_suppliers(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            source = add_approved_source(
                actor=user,
                part=part,
                manufacturer=data["manufacturer"],
                mpn=data["mpn"],
                rank=data["rank"],
                status=data["status"],
                supplier=data["supplier"],
                supplier_part_number=data["supplier_part_number"],
                notes=data["notes"],
            )
        except (InvalidInput, Conflict) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Added {source.manufacturer_part} as a source.")
            return redirect(reverse("part_detail", args=[part.pk]) + "#sources")
    context = _part_context(request, part, source_form=form)
    return render(request, "parts/part_detail.html", context, status=422)


@login_required
@require_POST
def part_source_status(request: HttpRequest, pk: int, source_id: int) -> HttpResponse:
    user = person(request)
    part = get_part_for_user(user, pk, write=True)
    source = get_or_404(sources_visible_to(user, part), pk=source_id)
    form = SourceStatusForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("Choose approve or reject.", detail={"field": "status"})
    source = set_source_status(actor=user, source=source, status=form.cleaned_data["status"])
    messages.success(
        request, f"{source.manufacturer_part} is now {source.get_status_display().lower()}."
    )
    return redirect(reverse("part_detail", args=[part.pk]) + "#sources")
