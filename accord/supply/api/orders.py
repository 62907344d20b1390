"""API: purchase orders. The buyer creates a draft, adds lines and issues it; the supplier
acknowledges it and confirms each line's date; the buyer cancels a line; the buyer (or the site
the order ships to) receives deliveries with their incoming inspection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id
from accord.core.errors import Forbidden, InvalidInput
from accord.orgs.access import get_program_for_user
from accord.orgs.models import Person
from accord.parts.access import sources_visible_to
from accord.parts.models import ManufacturerPart, Part
from accord.supply import services
from accord.supply.access import (
    can_order,
    can_receive_order,
    deliveries_of_order,
    get_order_for_user,
    get_order_line_for_user,
    lines_of_order,
    log_order_read,
    orders_visible_to,
)
from accord.supply.api.common import (
    PartRef,
    SiteRef,
    supply_part,
    username,
    visible_organisation,
    visible_site,
)
from accord.supply.api.order_schemas import (
    CancelIn,
    ConfirmIn,
    DeliveryIn,
    DeliveryOut,
    LineIn,
    LineOut,
    OrderDetail,
    OrderIn,
    OrderOut,
    OrderQuery,
)
from accord.supply.models import PurchaseOrder

router = Router(tags=["supply"])
ORDER_RELATED = ("buyer", "supplier", "program", "ship_to")


def _detail(user: Person, order: PurchaseOrder) -> OrderDetail:
    lines = (
        lines_of_order(user, order)
        .select_related("part", "manufacturer_part__manufacturer")
        .order_by("line_number")
    )
    out = OrderOut.model_validate(order)
    return OrderDetail(**dict(out), lines=[LineOut.of(line) for line in lines])


def _read(request: HttpRequest, order_id: int) -> PurchaseOrder:
    """An order the caller may see; the supplier's reading the buyer's prices is logged."""
    user = person(request)
    order = get_order_for_user(user, order_id)
    log_order_read(user, order, channel="api", path=request.path)
    return order


def _approved_source(user: Person, part: Part, source_id: int | None) -> ManufacturerPart | None:
    """The manufacturer part of one of the part's approved sources the caller may see."""
    if source_id is None:
        return None
    for source in sources_visible_to(user, part):
        if source.manufacturer_part_id == source_id:
            return source.manufacturer_part
    raise InvalidInput(
        f"This manufacturer part is not an approved source of {part.number}.",
        detail={"field": "manufacturer_part_id"},
    )


def _delivery_rows(deliveries: Sequence[Any]) -> list[DeliveryOut]:
    return [
        DeliveryOut.model_validate(
            {
                "id": d.pk,
                "line_id": d.line_id,
                "line_number": d.line.line_number,
                "part": PartRef.model_validate(d.line.part),
                "site": SiteRef.model_validate(d.site),
                "quantity": d.quantity,
                "rejected_quantity": d.rejected_quantity,
                "accepted_quantity": d.accepted_quantity,
                "reject_reason": d.reject_reason,
                "received_on": d.received_on,
                "received_by": username(d.received_by),
                "created_at": d.created_at,
            }
        )
        for d in deliveries
    ]


@router.get("/purchase-orders", response=Page[OrderOut])
def list_purchase_orders(request: HttpRequest, params: Query[OrderQuery]) -> dict[str, Any]:
    """The orders of the caller's programs that their organisation placed, and those it was
    sent (never a buyer's draft). Prices are on the order's lines: GET /purchase-orders/{id}."""
    orders = orders_visible_to(person(request)).select_related(*ORDER_RELATED)
    if params.status:
        orders = orders.filter(status=params.status)
    if params.supplier:
        orders = orders.filter(supplier_id=params.supplier)
    if params.program:
        orders = orders.filter(program_id=params.program)
    return paginate(request, orders.order_by("-created_at", "-pk"), params)


@router.post("/purchase-orders", response={201: OrderDetail})
@idempotent
def create_purchase_order(request: HttpRequest, payload: OrderIn) -> Status[OrderDetail]:
    """A draft order of the caller's organisation to a supplier of one of their programs."""
    user = person(request)
    if not can_order(user):
        raise Forbidden("Suppliers and distributors receive orders; they do not place them here.")
    order = services.create_purchase_order(
        actor=user,
        program=get_program_for_user(user, payload.program_id),
        supplier=visible_organisation(user, payload.supplier_id),
        number=payload.number,
        currency_code=payload.currency,
        ship_to=None if payload.ship_to_id is None else visible_site(user, payload.ship_to_id),
        notes=payload.notes,
    )
    return Status(201, _detail(user, get_order_for_user(user, order.pk)))


@router.get("/purchase-orders/{order_id}", response=OrderDetail)
def get_purchase_order(request: HttpRequest, order_id: Id) -> OrderDetail:
    """The order with its lines and their prices."""
    return _detail(person(request), _read(request, order_id))


@router.post("/purchase-orders/{order_id}/lines", response={201: LineOut})
@idempotent
def add_purchase_order_line(request: HttpRequest, order_id: Id, payload: LineIn) -> Status[LineOut]:
    """A line of an open order (the buyer)."""
    user = person(request)
    order = get_order_for_user(user, order_id, write=True)
    part = supply_part(user, payload.part_id)
    line = services.add_order_line(
        actor=user,
        order=order,
        part=part,
        manufacturer_part=_approved_source(user, part, payload.manufacturer_part_id),
        quantity_ordered=payload.quantity,
        unit_price=payload.unit_price,
        currency_code=payload.currency,
        requested_date=payload.requested_date,
    )
    created = lines_of_order(user, order).select_related("part", "manufacturer_part__manufacturer")
    return Status(201, LineOut.of(created.get(pk=line.pk)))


@router.post("/purchase-orders/{order_id}/issue", response=OrderDetail)
def issue_purchase_order(request: HttpRequest, order_id: Id) -> OrderDetail:
    """Send the draft to the supplier (the buyer); from now on the supplier sees it."""
    user = person(request)
    order = services.issue_order(actor=user, order=get_order_for_user(user, order_id, write=True))
    return _detail(user, order)


@router.post("/purchase-orders/{order_id}/acknowledge", response=OrderDetail)
def acknowledge_purchase_order(request: HttpRequest, order_id: Id) -> OrderDetail:
    """The supplier's first answer to an issued order."""
    user = person(request)
    order = services.acknowledge_order(actor=user, order=get_order_for_user(user, order_id))
    return _detail(user, order)


@router.post("/purchase-order-lines/{line_id}/confirm", response=LineOut)
def confirm_purchase_order_line(request: HttpRequest, line_id: Id, payload: ConfirmIn) -> LineOut:
    """The supplier's delivery date for a line."""
    user = person(request)
    line = get_order_line_for_user(user, line_id)
    if user.organisation_id != line.order.supplier_id:
        raise Forbidden("Only the supplier's people may answer this order.")
    line = services.confirm_order_line(actor=user, line=line, confirmed_date=payload.confirmed_date)
    return LineOut.of(line)


@router.post("/purchase-order-lines/{line_id}/cancel", response=LineOut)
def cancel_purchase_order_line(request: HttpRequest, line_id: Id, payload: CancelIn) -> LineOut:
    """Its open quantity is no longer expected; what was received stays (the buyer)."""
    user = person(request)
    line = get_order_line_for_user(user, line_id, write=True)
    return LineOut.of(services.cancel_order_line(actor=user, line=line, reason=payload.reason))


@router.get("/purchase-orders/{order_id}/deliveries", response=Page[DeliveryOut])
def list_deliveries(request: HttpRequest, order_id: Id, paging: Query[PageParams]) -> Any:
    """What was received against the order's lines, with the inspection's result."""
    user = person(request)
    deliveries = deliveries_of_order(user, get_order_for_user(user, order_id)).select_related(
        "line__part", "site", "received_by"
    )
    return paginate(
        request, deliveries.order_by("-received_on", "-pk"), paging, rows=_delivery_rows
    )


@router.post("/purchase-order-lines/{line_id}/deliveries", response={201: DeliveryOut})
@idempotent
def receive_delivery(request: HttpRequest, line_id: Id, payload: DeliveryIn) -> Status[DeliveryOut]:
    """Goods received against a line, inspected: the accepted part goes into stock at the site
    (the buyer's people, or those of the site the order ships to)."""
    user = person(request)
    line = get_order_line_for_user(user, line_id)
    if not can_receive_order(user, line.order):
        raise Forbidden("Only the buyer, or the site the order ships to, receives its goods.")
    delivery = services.receive_delivery(
        actor=user,
        line=line,
        site=visible_site(user, payload.site_id),
        quantity_received=payload.quantity,
        received_on=payload.received_on,
        rejected_quantity=payload.rejected_quantity,
        reject_reason=payload.reject_reason,
    )
    received = deliveries_of_order(user, line.order).select_related(
        "line__part", "site", "received_by"
    )
    return Status(201, _delivery_rows([received.get(pk=delivery.pk)])[0])
