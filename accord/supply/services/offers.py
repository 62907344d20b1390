"""Supplier offers (price breaks, MOQ, order multiple, lead time, stock, date seen) and the
allocations a supplier committed to a buyer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.numbers import plain_number
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Organisation, Person
from accord.parts.models import ManufacturerPart
from accord.supply.models import Allocation, SupplierOffer
from accord.supply.services.values import currency, money, own_organisation, quantity, text


def _breaks(price_breaks: Sequence[tuple[object, object]]) -> list[dict[str, str]]:
    """[(quantity, unit price), ...] as stored: ascending quantities, each once."""
    out: list[tuple[object, object]] = []
    for index, (amount, price) in enumerate(price_breaks):
        field = f"price_breaks[{index}]"
        number = quantity(amount, field=f"{field}.quantity")
        unit = money(price, field=f"{field}.unit_price")
        if unit is None:
            raise InvalidInput(f"{field}: give a unit price.", detail={"field": field})
        out.append((number, unit))
    out.sort(key=lambda pair: pair[0])  # type: ignore[arg-type, return-value]
    quantities = [pair[0] for pair in out]
    if len(set(quantities)) != len(quantities):
        raise InvalidInput("price_breaks: each quantity once.", detail={"field": "price_breaks"})
    return [
        {"quantity": plain_number(q), "unit_price": plain_number(p)}  # type: ignore[arg-type]
        for q, p in out
    ]


def record_offer(
    *,
    actor: Person,
    supplier: Organisation,
    manufacturer_part: ManufacturerPart,
    price_breaks: Sequence[tuple[object, object]],
    seen_on: dt.date,
    currency_code: str = "USD",
    supplier_part_number: str = "",
    moq: object = 1,
    order_multiple: object = 1,
    lead_time_days: int | None = None,
    stock_quantity: object = None,
) -> SupplierOffer:
    """An offer as the actor's organisation saw it (a supplier records its own)."""
    if supplier.kind not in OrganisationKind.sellers():
        raise InvalidInput(f"{supplier} is not a supplier or distributor.")
    if lead_time_days is not None and not 0 <= lead_time_days <= 3650:
        raise InvalidInput("lead_time_days: 0 to 3650.", detail={"field": "lead_time_days"})
    with transaction.atomic():
        offer = SupplierOffer.objects.create(
            organisation=own_organisation(actor),
            supplier=supplier,
            manufacturer_part=manufacturer_part,
            supplier_part_number=text(supplier_part_number, field="supplier_part_number", limit=80),
            currency=currency(currency_code),
            price_breaks=_breaks(price_breaks),
            moq=quantity(moq, field="moq"),
            order_multiple=quantity(order_multiple, field="order_multiple"),
            lead_time_days=lead_time_days,
            stock_quantity=None
            if stock_quantity is None
            else quantity(stock_quantity, field="stock_quantity", allow_zero=True),
            seen_on=seen_on,
        )
        record_event(
            actor=actor,
            verb="recorded offer",
            obj=offer,
            classification=Classification.RESTRICTED,
            subject_organisation=supplier,
            changes={"mpn": manufacturer_part.mpn, "supplier": supplier.name},
        )
    return offer


def retire_offer(*, actor: Person, offer: SupplierOffer) -> SupplierOffer:
    if actor.organisation_id != offer.organisation_id:
        raise Forbidden("Only the organisation that recorded this offer may retire it.")
    if offer.retired_at is not None:
        raise Conflict("This offer is retired already.")
    with transaction.atomic():
        offer.retired_at = timezone.now()
        offer.save(update_fields=["retired_at"])
        record_event(
            actor=actor, verb="retired offer", obj=offer, classification=Classification.RESTRICTED
        )
    return offer


def record_allocation(
    *,
    actor: Person,
    buyer: Organisation,
    manufacturer_part: ManufacturerPart,
    period_start: dt.date,
    period_end: dt.date,
    quantity_allocated: object,
) -> Allocation:
    """What the actor's organisation (the supplier) commits to a buyer for a period; a second
    commitment for the same period replaces the first."""
    supplier = actor.organisation
    if supplier is None or supplier.kind not in OrganisationKind.sellers():
        raise Forbidden("Only a supplier or distributor commits allocations.")
    if period_end < period_start:
        raise InvalidInput("period_end: on or after period_start.", detail={"field": "period_end"})
    amount = quantity(quantity_allocated, field="quantity", allow_zero=True)
    with transaction.atomic():
        allocation, _ = Allocation.objects.update_or_create(
            supplier=supplier,
            buyer=buyer,
            manufacturer_part=manufacturer_part,
            period_start=period_start,
            defaults={"period_end": period_end, "quantity": amount, "created_by": actor},
        )
        record_event(
            actor=actor,
            verb="committed allocation",
            obj=allocation,
            classification=Classification.RESTRICTED,
            subject_organisation=buyer,
            changes={
                "mpn": manufacturer_part.mpn,
                "quantity": plain_number(amount),
                "period": f"{period_start.isoformat()}..{period_end.isoformat()}",
            },
        )
    return allocation
