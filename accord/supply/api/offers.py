"""API: supplier offers (price breaks, MOQ, order multiple, lead time, stock, as seen on a date)
and allocations (what a supplier commits to a buyer for a period)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status
from pydantic import BaseModel

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, OrgRef, Quantity, Text, WholeNumber
from accord.core.errors import Forbidden
from accord.orgs.access import reach_of
from accord.supply import services
from accord.supply.access import allocations_visible_to, get_offer_for_user, offers_visible_to
from accord.supply.api.common import (
    DateIn,
    ManufacturerPartRef,
    PriceIn,
    QuantityIn,
    Row,
    visible_manufacturer_part,
    visible_organisation,
)

router = Router(tags=["supply"])
OFFER_RELATED = ("organisation", "supplier", "manufacturer_part__manufacturer")


class PriceBreakOut(BaseModel):
    quantity: str
    unit_price: str


class OfferOut(Row):
    id: int
    organisation: OrgRef = Field(description="Who recorded it (the supplier, when published).")
    supplier: OrgRef
    manufacturer_part: ManufacturerPartRef
    supplier_part_number: str
    currency: str
    price_breaks: list[PriceBreakOut]
    moq: Quantity
    order_multiple: Quantity
    lead_time_days: int | None
    stock_quantity: Quantity | None
    seen_on: dt.date
    retired_at: dt.datetime | None
    created_at: dt.datetime


class OfferQuery(PageParams):
    retired: bool = Field(False, description="Retired offers too.")
    supplier: Id | None = None


class PriceBreakIn(InputSchema):
    quantity: QuantityIn
    unit_price: PriceIn


class OfferIn(InputSchema):
    supplier_id: Id = Field(description="A supplier or distributor the caller may see.")
    manufacturer_part_id: Id
    price_breaks: list[PriceBreakIn] = Field(min_length=1, max_length=20)
    seen_on: DateIn
    currency: Text = Field("USD", min_length=3, max_length=3, description="ISO 4217.")
    supplier_part_number: Text = Field("", max_length=80)
    moq: QuantityIn = Field(Decimal(1), description="Minimum order quantity.")
    order_multiple: QuantityIn = Decimal(1)
    lead_time_days: WholeNumber | None = Field(None, ge=0, le=3650)
    stock_quantity: QuantityIn | None = Field(None, description="The supplier's stock, if known.")


class AllocationOut(Row):
    id: int
    supplier: OrgRef
    buyer: OrgRef
    manufacturer_part: ManufacturerPartRef
    period_start: dt.date
    period_end: dt.date
    quantity: Quantity
    created_at: dt.datetime


class AllocationIn(InputSchema):
    buyer_id: Id
    manufacturer_part_id: Id
    period_start: DateIn
    period_end: DateIn
    quantity: QuantityIn = Field(description="Zero or more: a commitment for the period.")


def _offer_rows(offers: Sequence[Any]) -> list[OfferOut]:
    return [
        OfferOut.model_validate(
            {
                "id": o.pk,
                "organisation": OrgRef.model_validate(o.organisation),
                "supplier": OrgRef.model_validate(o.supplier),
                "manufacturer_part": ManufacturerPartRef.of(o.manufacturer_part),
                "supplier_part_number": o.supplier_part_number,
                "currency": o.currency,
                # Stored by the service as [{"quantity", "unit_price"}], ascending.
                "price_breaks": [row for row in o.price_breaks or [] if isinstance(row, dict)],
                "moq": o.moq,
                "order_multiple": o.order_multiple,
                "lead_time_days": o.lead_time_days,
                "stock_quantity": o.stock_quantity,
                "seen_on": o.seen_on,
                "retired_at": o.retired_at,
                "created_at": o.created_at,
            }
        )
        for o in offers
    ]


def _allocation_rows(allocations: Sequence[Any]) -> list[AllocationOut]:
    return [
        AllocationOut.model_validate(
            {
                "id": a.pk,
                "supplier": OrgRef.model_validate(a.supplier),
                "buyer": OrgRef.model_validate(a.buyer),
                "manufacturer_part": ManufacturerPartRef.of(a.manufacturer_part),
                "period_start": a.period_start,
                "period_end": a.period_end,
                "quantity": a.quantity,
                "created_at": a.created_at,
            }
        )
        for a in allocations
    ]


@router.get("/offers", response=Page[OfferOut])
def list_offers(request: HttpRequest, params: Query[OfferQuery]) -> dict[str, Any]:
    """Offers the caller's organisation recorded or was named in, and those a supplier of their
    programs published."""
    offers = offers_visible_to(person(request)).select_related(*OFFER_RELATED)
    if not params.retired:
        offers = offers.filter(retired_at__isnull=True)
    if params.supplier:
        offers = offers.filter(supplier_id=params.supplier)
    ordered = offers.order_by("manufacturer_part__mpn", "-seen_on", "pk")
    return paginate(request, ordered, params, rows=_offer_rows)


@router.post("/offers", response={201: OfferOut})
@idempotent
def record_offer(request: HttpRequest, payload: OfferIn) -> Status[OfferOut]:
    """An offer as the caller's organisation saw it (a supplier records its own)."""
    user = person(request)
    offer = services.record_offer(
        actor=user,
        supplier=visible_organisation(user, payload.supplier_id),
        manufacturer_part=visible_manufacturer_part(user, payload.manufacturer_part_id),
        price_breaks=[(row.quantity, row.unit_price) for row in payload.price_breaks],
        seen_on=payload.seen_on,
        currency_code=payload.currency,
        supplier_part_number=payload.supplier_part_number,
        moq=payload.moq,
        order_multiple=payload.order_multiple,
        lead_time_days=payload.lead_time_days,
        stock_quantity=payload.stock_quantity,
    )
    created = offers_visible_to(user).select_related(*OFFER_RELATED).get(pk=offer.pk)
    return Status(201, _offer_rows([created])[0])


@router.get("/offers/{offer_id}", response=OfferOut)
def get_offer(request: HttpRequest, offer_id: Id) -> OfferOut:
    user = person(request)
    offer = get_offer_for_user(user, offer_id)
    return _offer_rows([offers_visible_to(user).select_related(*OFFER_RELATED).get(pk=offer.pk)])[0]


@router.post("/offers/{offer_id}/retire", response=OfferOut)
def retire_offer(request: HttpRequest, offer_id: Id) -> OfferOut:
    """No longer current (the organisation that recorded it)."""
    user = person(request)
    offer = services.retire_offer(actor=user, offer=get_offer_for_user(user, offer_id, write=True))
    return _offer_rows([offer])[0]


@router.get("/allocations", response=Page[AllocationOut])
def list_allocations(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """What suppliers committed to the caller's organisation, or what it committed as one."""
    allocations = allocations_visible_to(person(request)).select_related(
        "supplier", "buyer", "manufacturer_part__manufacturer"
    )
    ordered = allocations.order_by("period_start", "pk")
    return paginate(request, ordered, paging, rows=_allocation_rows)


@router.post("/allocations", response={201: AllocationOut})
@idempotent
def record_allocation(request: HttpRequest, payload: AllocationIn) -> Status[AllocationOut]:
    """What the caller's organisation, a supplier, commits to a buyer for a period (a second
    commitment for the same period start replaces the first)."""
    user = person(request)
    if not reach_of(user).seller:
        raise Forbidden("Only a supplier or distributor commits allocations.")
    allocation = services.record_allocation(
        actor=user,
        buyer=visible_organisation(user, payload.buyer_id),
        manufacturer_part=visible_manufacturer_part(user, payload.manufacturer_part_id),
        period_start=payload.period_start,
        period_end=payload.period_end,
        quantity_allocated=payload.quantity,
    )
    created = allocations_visible_to(user).select_related(
        "supplier", "buyer", "manufacturer_part__manufacturer"
    )
    return Status(201, _allocation_rows([created.get(pk=allocation.pk)])[0])
