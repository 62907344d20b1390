"""Capability pages: a site's capability profile (processes with their limits, volume band,
country, ITAR), adding, changing and retiring a capability and setting the profile (the site's
own organisation), and the search of sites by capability and certificate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import today
from accord.core.errors import FORM_ERRORS, DomainError
from accord.partners.access import can_record
from accord.partners.capabilities import (
    add_capability,
    change_capability,
    retire_capability,
    set_profile,
)
from accord.partners.capability_access import (
    capabilities_visible_to,
    get_capability_for_user,
    get_site_for_capabilities,
    sites_with_capabilities_visible,
)
from accord.partners.capability_forms import (
    CapabilityForm,
    CapabilityLimitsForm,
    CapabilitySearchForm,
    ProfileForm,
)
from accord.partners.capability_queries import (
    SEARCH_HEADERS,
    SearchCriteria,
    search_sites,
    site_capabilities,
    site_matches,
    with_profile,
)
from accord.partners.choices import VolumeBand
from accord.web.pages import form_page
from accord.web.tables import EXPORT_CAP, export_table, paginate, person, requested_export

CAPABILITY_HEADERS = [
    "Process",
    "Longest board side (mm)",
    "Finest pitch (mm)",
    "Most layers",
    "Other limits",
]


def show_error(form: Any, error: DomainError) -> None:
    """The service's refusal on the field it names (or on the whole form)."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("field", ""))
    form.add_error(name if name in form.fields else None, error.message)


def _pitch(value: Any) -> str:
    return "" if value is None else str(value.normalize())


def _capability_rows(rows: QuerySet[Any]) -> Iterator[list[Any]]:
    for c in rows:
        yield [
            c.get_process_display(),
            c.max_board_mm,
            _pitch(c.min_pitch_mm),
            c.max_layers,
            c.limits,
        ]


@login_required
@require_GET
def site_capabilities_page(request: HttpRequest, site_id: int) -> HttpResponse:
    user = person(request)
    site = get_site_for_capabilities(user, site_id)
    rows = site_capabilities(capabilities_visible_to(user).filter(site=site)).filter(
        retired_at__isnull=True
    )
    fmt = requested_export(request)
    if fmt:
        return export_table(
            fmt, f"capabilities-{site.code}", CAPABILITY_HEADERS, _capability_rows(rows)
        )
    match = site_matches(
        [with_profile(sites_with_capabilities_visible(user)).get(pk=site.pk)], today()
    )[0]
    return render(
        request,
        "partners/site_capabilities.html",
        {
            "site": site,
            "capabilities": [(c, _pitch(c.min_pitch_mm)) for c in rows],
            "profile": match,
            "volume_label": dict(VolumeBand.choices).get(match.volume_band, "not stated"),
            "can_edit": can_record(user, site.organisation_id) and site.retired_at is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def capability_create(request: HttpRequest, site_id: int) -> HttpResponse:
    user = person(request)
    site = get_site_for_capabilities(user, site_id, write=True)
    form = CapabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            capability = add_capability(actor=user, site=site, **form.values())
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Added {capability.get_process_display()} to {site.code}.")
            return redirect("site_capabilities", site.pk)
    back = reverse("site_capabilities", args=[site.pk])
    return form_page(
        request,
        form=form,
        title=f"Add a capability of {site.name}",
        action=reverse("capability_create", args=[site.pk]),
        submit="Add the capability",
        cancel_url=back,
        breadcrumbs=[(f"Capabilities of {site.name}", back)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def capability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    capability = get_capability_for_user(user, pk, write=True)
    form = CapabilityLimitsForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            change_capability(actor=user, capability=capability, **form.values())
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Saved {capability.get_process_display()}.")
            return redirect("site_capabilities", capability.site_id)
    back = reverse("site_capabilities", args=[capability.site_id])
    return form_page(
        request,
        form=form or CapabilityLimitsForm.of(capability),
        title=f"Change {capability.get_process_display()} at {capability.site.name}",
        action=reverse("capability_edit", args=[capability.pk]),
        submit="Save",
        cancel_url=back,
        breadcrumbs=[(f"Capabilities of {capability.site.name}", back)],
    )


@login_required
@require_POST
def capability_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    capability = get_capability_for_user(user, pk, write=True)
    retire_capability(actor=user, capability=capability)
    messages.success(request, f"Retired {capability.get_process_display()}.")
    return redirect("site_capabilities", capability.site_id)


@login_required
@require_http_methods(["GET", "POST"])
def capability_profile_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    user = person(request)
    site = get_site_for_capabilities(user, site_id, write=True)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                set_profile(actor=user, site=site, **form.cleaned_data)
            except FORM_ERRORS as error:
                show_error(form, error)
            else:
                messages.success(request, f"Saved the profile of {site.code}.")
                return redirect("site_capabilities", site.pk)
    else:
        current: Any = with_profile(sites_with_capabilities_visible(user)).get(pk=site.pk)
        form = ProfileForm(initial={"volume_band": current.volume, "itar_registered": current.itar})
    back = reverse("site_capabilities", args=[site.pk])
    return form_page(
        request,
        form=form,
        title=f"Volume band and ITAR of {site.name}",
        action=reverse("capability_profile_edit", args=[site.pk]),
        submit="Save",
        cancel_url=back,
        breadcrumbs=[(f"Capabilities of {site.name}", back)],
    )


def _criteria(form: CapabilitySearchForm) -> SearchCriteria:
    form.is_valid()
    wanted = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    itar = {"yes": True, "no": False}.get(wanted.get("itar") or "")
    return SearchCriteria(
        processes=tuple(wanted.get("process") or ()),
        standard=wanted.get("standard") or "",
        min_ipc_class=int(wanted["ipc_class"]) if wanted.get("ipc_class") else None,
        country=(wanted.get("country") or "").strip().upper(),
        itar=itar,
        volume_band=wanted.get("volume") or "",
    )


@login_required
@require_GET
def capability_search(request: HttpRequest) -> HttpResponse:
    """Sites the person may see that meet every criterion given."""
    user = person(request)
    form = CapabilitySearchForm(request.GET or None)
    criteria = _criteria(form) if form.is_bound else SearchCriteria()
    sites = search_sites(sites_with_capabilities_visible(user), criteria, today())
    fmt = requested_export(request)
    if fmt:
        matches = site_matches(list(sites[:EXPORT_CAP]), today())
        return export_table(fmt, "capability-search", SEARCH_HEADERS, (m.cells() for m in matches))
    page_obj = paginate(request, sites)
    return render(
        request,
        "partners/capability_search.html",
        {
            "form": form,
            "page_obj": page_obj,
            "matches": site_matches(list(page_obj.object_list), today()),
            "volume_labels": dict(VolumeBand.choices),
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
        },
    )
