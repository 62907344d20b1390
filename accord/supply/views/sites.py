"""Site pages: the organisation's sites (administrators add them), a site with its stock and
the Min level and safety stock kept per part, retiring a site."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, Forbidden
from accord.orgs.models import Person
from accord.supply.access import (
    can_manage_sites,
    get_site_for_stock_moves,
    get_site_for_user,
    log_stock_read,
    sites_visible_to,
    stock_visible_to,
)
from accord.supply.forms import SiteForm, StockLevelForm
from accord.supply.models import Site, StockLevel
from accord.supply.services import create_site, retire_site, set_stock_level
from accord.supply.views.common import find_part, show_error, supply_page
from accord.web.pages import form_page
from accord.web.tables import person


def _list_context(user: Person, form: SiteForm | None = None) -> dict[str, Any]:
    sites = sites_visible_to(user).select_related("organisation").order_by("code", "pk")
    own = [s for s in sites if s.organisation_id == user.organisation_id]
    is_admin = user.organisation_id is not None and can_manage_sites(user, user.organisation_id)
    return {
        "own_sites": own,
        "other_sites": [s for s in sites if s.organisation_id != user.organisation_id],
        "form": (form or SiteForm()) if is_admin else None,
    }


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    return supply_page(request, "supply/site_list.html", _list_context(person(request)))


@login_required
@require_POST
def site_create(request: HttpRequest) -> HttpResponse:
    """A new site of the person's organisation (its administrators)."""
    user = person(request)
    if user.organisation_id is None or not can_manage_sites(user, user.organisation_id):
        raise Forbidden("Only your organisation's administrators may add its sites.")
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            site = create_site(actor=user, **form.cleaned_data)
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Added the site {site}.")
            return redirect("site_detail", site.pk)
    return supply_page(request, "supply/site_list.html", _list_context(user, form), status=422)


def levelled_stock(user: Person, site: Site) -> Any:
    """The stock at the site that the person may see, with the site's levels for each part."""
    levels = StockLevel.objects.filter(site_id=site.pk, part_id=OuterRef("part_id"))
    return (
        stock_visible_to(user)
        .filter(site_id=site.pk)
        .select_related("part", "owner")
        .annotate(
            min_level=Subquery(levels.values("min_level")[:1]),
            safety_stock=Subquery(levels.values("safety_stock")[:1]),
        )
        .order_by("part__number", "owner__name", "pk")
    )


def _detail(
    request: HttpRequest, site: Site, level_form: StockLevelForm | None = None, status: int = 200
) -> HttpResponse:
    user = person(request)
    stock = list(levelled_stock(user, site))
    log_stock_read(
        user,
        [item.pk for item in stock],
        description=f"stock at {site.code}",
        channel="web",
        path=request.path,
    )
    own = site.organisation_id == user.organisation_id
    levels = []
    if own:  # the levels of parts not in stock (any more) too, for the site's own people
        in_stock = {item.part_id for item in stock}
        levels = [
            level
            for level in StockLevel.objects.filter(site=site)
            .select_related("part")
            .order_by("part__number")
            if level.part_id not in in_stock
        ]
    context = {
        "site": site,
        "stock": stock,
        "levels_without_stock": levels,
        "level_form": (level_form or StockLevelForm()) if own and site.retired_at is None else None,
        "can_retire": site.retired_at is None and can_manage_sites(user, site.organisation_id),
    }
    return supply_page(request, "supply/site_detail.html", context, status=status)


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_site_for_user(person(request), pk))


@login_required
@require_POST
def site_level(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the Min level and safety stock of a part at the site (its organisation's people)."""
    user = person(request)
    site = get_site_for_stock_moves(user, pk)
    form = StockLevelForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            part = find_part(user, data["part"])
            set_stock_level(
                actor=user,
                site=site,
                part=part,
                min_level=data["min_level"],
                safety_stock=data["safety_stock"],
            )
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Set the levels of {part.number} at {site.code}.")
            return redirect(reverse("site_detail", args=[site.pk]) + "#levels")
    return _detail(request, site, level_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def site_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST retires: no more stock moves there, the ledger stays."""
    user = person(request)
    site = get_site_for_user(user, pk, write=True)
    if request.method == "POST":
        try:
            retire_site(actor=user, site=site)
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Retired the site {site}.")
        return redirect("site_detail", site.pk)
    return form_page(
        request,
        form=None,
        title=f"Retire {site}?",
        lede="No stock moves at a retired site any more; its stock and ledger stay for the record.",
        action=reverse("site_retire", args=[site.pk]),
        submit="Retire the site",
        danger=True,
        cancel_url=reverse("site_detail", args=[site.pk]),
        breadcrumbs=[
            ("Sites", reverse("site_list")),
            (str(site), reverse("site_detail", args=[site.pk])),
        ],
    )
