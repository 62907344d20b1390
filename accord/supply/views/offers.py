"""Offers and allocations: what suppliers offer (price breaks, MOQ, order multiple, lead time,
their stock, as seen on a date) and what a supplier commits to a buyer for a period."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accord.core.errors import FORM_ERRORS, Forbidden
from accord.core.numbers import plain_number
from accord.orgs.access import get_organisation_for_user, reach_of
from accord.orgs.models import Person
from accord.supply.access import (
    allocation_buyer_choices,
    allocations_visible_to,
    get_offer_for_user,
    offers_visible_to,
    seller_choices,
)
from accord.supply.forms import AllocationForm, OfferForm
from accord.supply.models import SupplierOffer
from accord.supply.services import record_allocation, record_offer, retire_offer
from accord.supply.views.common import (
    find_manufacturer_part,
    price_break_field,
    show_error,
    supply_page,
)
from accord.web.tables import paginate, parse_sort, person

OFFER_SORTS = {
    "mpn": "manufacturer_part__mpn",
    "supplier": "supplier__name",
    "seen": "seen_on",
    "lead_time": "lead_time_days",
    "moq": "moq",
}
ALLOCATION_SORTS = {
    "mpn": "manufacturer_part__mpn",
    "supplier": "supplier__name",
    "buyer": "buyer__name",
    "start": "period_start",
    "quantity": "quantity",
}


def breaks_text(offer: SupplierOffer) -> list[str]:
    """["1+ 0.12 USD", "1000+ 0.09 USD"]: each break as people read it."""
    out = []
    for row in offer.price_breaks or []:
        if isinstance(row, dict):
            out.append(f"{row.get('quantity', '')}+ {row.get('unit_price', '')} {offer.currency}")
    return out


def _offer_page(
    request: HttpRequest, form: OfferForm | None = None, status: int = 200
) -> HttpResponse:
    user = person(request)
    sort, order = parse_sort(request, OFFER_SORTS, "mpn")
    offers = (
        offers_visible_to(user)
        .select_related("organisation", "supplier", "manufacturer_part__manufacturer")
        .order_by(order, "-seen_on", "pk")
    )
    show_retired = request.GET.get("retired") == "1"
    if not show_retired:
        offers = offers.filter(retired_at__isnull=True)
    page_obj = paginate(request, offers)
    org = user.organisation_id
    context = {
        "sort": sort,
        "page_obj": page_obj,
        "rows": [(o, breaks_text(o), o.organisation_id == org) for o in page_obj.object_list],
        "show_retired": show_retired,
        "form": form or (OfferForm(suppliers=_sellers(user)) if org else None),
    }
    return supply_page(request, "supply/offer_list.html", context, status=status)


def _sellers(user: Person) -> Any:
    return seller_choices(user).order_by("name")


@login_required
@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    return _offer_page(request)


@login_required
@require_POST
def offer_create(request: HttpRequest) -> HttpResponse:
    """An offer as the person's organisation saw it (a supplier records its own)."""
    user = person(request)
    if request.POST.get("supplier"):  # a supplier they may not see is 404
        get_organisation_for_user(user, request.POST["supplier"])
    form = OfferForm(request.POST, suppliers=_sellers(user))
    if form.is_valid():
        data = form.cleaned_data
        rows = form.price_breaks()
        try:
            offer = record_offer(
                actor=user,
                supplier=data["supplier"],
                manufacturer_part=find_manufacturer_part(user, data["mpn"], data["manufacturer"]),
                price_breaks=[(quantity, price) for _row, quantity, price in rows],
                seen_on=data["seen_on"],
                currency_code=data["currency"],
                supplier_part_number=data["supplier_part_number"],
                moq=data["moq"],
                order_multiple=data["order_multiple"],
                lead_time_days=data["lead_time_days"],
                stock_quantity=data["stock_quantity"] or None,
            )
        except FORM_ERRORS as error:
            detail = error.detail if isinstance(error.detail, dict) else {}
            field = price_break_field(str(detail.get("field", "")), [row for row, _q, _p in rows])
            show_error(
                form,
                error,
                {str(detail.get("field", "")): field, "price_breaks": "break_quantity_1"},
            )
        else:
            messages.success(
                request, f"Recorded the offer of {offer.supplier} for {offer.manufacturer_part}."
            )
            return redirect(reverse("offer_list"))
    return _offer_page(request, form, status=422)


@login_required
@require_POST
def offer_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    offer = get_offer_for_user(user, pk, write=True)
    try:
        retire_offer(actor=user, offer=offer)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Retired the offer of {offer.supplier} for {offer.manufacturer_part}."
        )
    return redirect("offer_list")


def _allocation_page(
    request: HttpRequest, form: AllocationForm | None = None, status: int = 200
) -> HttpResponse:
    user = person(request)
    sort, order = parse_sort(request, ALLOCATION_SORTS, "start")
    allocations = (
        allocations_visible_to(user)
        .select_related("supplier", "buyer", "manufacturer_part__manufacturer", "created_by")
        .order_by(order, "pk")
    )
    seller = reach_of(user).seller
    context = {
        "sort": sort,
        "page_obj": paginate(request, allocations),
        "form": form or (AllocationForm(buyers=_buyers(user)) if seller else None),
    }
    return supply_page(request, "supply/allocation_list.html", context, status=status)


def _buyers(user: Person) -> Any:
    return allocation_buyer_choices(user).order_by("name")


@login_required
@require_GET
def allocation_list(request: HttpRequest) -> HttpResponse:
    return _allocation_page(request)


@login_required
@require_POST
def allocation_create(request: HttpRequest) -> HttpResponse:
    """What the person's organisation, a supplier, commits to a buyer for a period."""
    user = person(request)
    if not reach_of(user).seller:
        raise Forbidden("Only a supplier or distributor commits allocations.")
    if request.POST.get("buyer"):  # a buyer they may not see is 404
        get_organisation_for_user(user, request.POST["buyer"])
    form = AllocationForm(request.POST, buyers=_buyers(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            allocation = record_allocation(
                actor=user,
                buyer=data["buyer"],
                manufacturer_part=find_manufacturer_part(user, data["mpn"], data["manufacturer"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                quantity_allocated=data["quantity"],
            )
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"Committed {plain_number(allocation.quantity)} of "
                f"{allocation.manufacturer_part} to {allocation.buyer}.",
            )
            return redirect("allocation_list")
    return _allocation_page(request, form, status=422)
