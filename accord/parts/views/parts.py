"""Part pages: the searchable parts list and the part page with its approved sources."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import get_or_404
from accord.core.errors import FORM_ERRORS, Conflict, InvalidInput
from accord.orgs.access import events_for_object, organisations_visible_to
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Person
from accord.parts.access import (
    can_import_catalogue,
    categories_in_use,
    categories_visible_to,
    describe_part_filters,
    get_part_for_user,
    log_parts_read,
    notices_visible_to,
    parameters_visible_to,
    parts_for_list,
    sources_visible_to,
    where_used_for_user,
    with_listed_source,
)
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.forms import (
    SOURCING_LABELS,
    AddSourceForm,
    LifecycleNoticeForm,
    PartEditForm,
    PartFilterForm,
    SourceStatusForm,
)
from accord.parts.models import Part
from accord.parts.queries import PART_SORTS
from accord.parts.services import (
    add_approved_source,
    record_lifecycle_notice,
    set_source_status,
    update_part,
)
from accord.parts.services.catalogue import PART_EDITABLE_FIELDS
from accord.parts.views.display import part_rows
from accord.web import tables
from accord.web.display import LIFECYCLE_SHORT
from accord.web.pages import form_page
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
    "Manufacturer",
    "MPN",
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
    parts = with_listed_source(user, parts_for_list(user, filters))
    fmt = requested_export(request)
    if form.text_refused and fmt:
        raise InvalidInput(form.refused_text_message(), detail={"field": form.text_refused[0]})
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
                manufacturer or "",
                mpn or "",
                LIFECYCLE_SHORT.get(lifecycle, lifecycle),
                count,
                _sourcing(count),
            ]
            for (
                number,
                revision,
                description,
                category,
                value,
                package,
                manufacturer,
                mpn,
                lifecycle,
                count,
            ) in (
                # visible_*: the roll-ups as this person sees them (parts_visible_to annotates).
                parts.values_list(  # type: ignore[misc]
                    "number",
                    "revision",
                    "description",
                    "category__name",
                    "value",
                    "package",
                    "listed_manufacturer",
                    "listed_mpn",
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
    status = 422 if form.text_refused else 200  # the error shows beside the search field
    return vary_on_htmx(render(request, template, context, status=status))


def _part_context(
    request: HttpRequest, part: Part, source_form: AddSourceForm | None = None
) -> dict[str, Any]:
    user = person(request)
    is_owner = part.owner_id == user.organisation_id
    if is_owner and source_form is None:
        source_form = AddSourceForm(suppliers=_suppliers(user))
    sources = list(sources_visible_to(user, part).order_by("rank", "pk"))
    return {
        "part": part,
        "is_owner": is_owner,
        "source_form": source_form if is_owner else None,
        "parameters": parameters_visible_to(user, part),
        "sources": sources,
        "where_used": where_used_for_user(user, part, path=request.path),
        "notices": notices_visible_to(user, part, sources)[:PART_EVENTS],
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
@require_http_methods(["GET", "POST"])
def part_source_status(request: HttpRequest, pk: int, source_id: int) -> HttpResponse:
    """GET asks to confirm the decision and give its reason; POST approves or rejects."""
    user = person(request)
    part = get_part_for_user(user, pk, write=True)
    source = get_or_404(sources_visible_to(user, part), pk=source_id)
    data = request.POST if request.method == "POST" else None
    form = SourceStatusForm(data, initial={"status": request.GET.get("status", "approved")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                source = set_source_status(
                    actor=user,
                    source=source,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except FORM_ERRORS as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"{source.manufacturer_part} is now {source.get_status_display().lower()}.",
                )
                return redirect(reverse("part_detail", args=[part.pk]) + "#sources")
        status = 422
    decision = form["status"].value() or "approved"
    verb = "Approve" if decision == SourceStatus.APPROVED else "Reject"
    return form_page(
        request,
        title=f"{verb} {source.manufacturer_part} for {part.number}?",
        lede=(
            "Approved sources may be bought and built into this part; the decision and its "
            "reason are kept in the part's history."
            if verb == "Approve"
            else "A rejected source is no longer bought for this part, and its supplier no "
            "longer sees the part; the decision and its reason are kept in the history."
        ),
        form=form,
        action=reverse("part_source_status", args=[part.pk, source.pk]),
        submit=verb,
        danger=verb == "Reject",
        cancel_url=reverse("part_detail", args=[part.pk]) + "#sources",
        breadcrumbs=_part_crumbs(part),
        status=status,
    )


def _part_crumbs(part: Part) -> list[tuple[str, str]]:
    return [("Parts", reverse("part_list")), (part.number, reverse("part_detail", args=[part.pk]))]


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a part of your organisation (every field but the derived ones)."""
    user = person(request)
    part = get_part_for_user(user, pk, write=True)
    initial = {name: getattr(part, name) for name in PART_EDITABLE_FIELDS}
    form = PartEditForm(
        request.POST or None, initial=initial, categories=categories_visible_to(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_part(actor=user, part=part, **form.cleaned_data)
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved {part.number}.")
            return redirect("part_detail", part.pk)
    return form_page(
        request,
        title=f"Edit {part.number}",
        form=form,
        action=reverse("part_edit", args=[part.pk]),
        submit="Save",
        cancel_url=reverse("part_detail", args=[part.pk]),
        breadcrumbs=_part_crumbs(part),
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_lifecycle_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a manufacturer's notice about one of the part's sources (the part's owner)."""
    user = person(request)
    part = get_part_for_user(user, pk, write=True)
    sources = sources_visible_to(user, part).order_by("rank", "pk")
    initial = {"source": request.GET.get("source")} if request.method == "GET" else None
    form = LifecycleNoticeForm(request.POST or None, initial=initial, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_lifecycle_notice(
                actor=user,
                manufacturer_part=data["source"].manufacturer_part,
                lifecycle=data["lifecycle"],
                last_time_buy_date=data["last_time_buy_date"],
                end_of_life_date=data["end_of_life_date"],
                reference=data["reference"],
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Recorded the notice: {data['source'].manufacturer_part} is now "
                f"{Lifecycle(data['lifecycle']).label}.",
            )
            return redirect(reverse("part_detail", args=[part.pk]) + "#notices")
    return form_page(
        request,
        title=f"Record a lifecycle notice for {part.number}",
        lede="The manufacturer part's lifecycle changes for every part that uses it; the "
        "notice is kept in its history.",
        form=form,
        action=reverse("part_lifecycle_notice", args=[part.pk]),
        submit="Record the notice",
        cancel_url=reverse("part_detail", args=[part.pk]),
        breadcrumbs=_part_crumbs(part),
    )
