"""Purchase orders: created and issued by the buyer, acknowledged and confirmed line by line
by the supplier, received (with incoming inspection) into the buyer's or its EMS's stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.numbers import plain_number
from accord.orgs.access import reach_of
from accord.orgs.models import Organisation, Person, Program, ProgramPartner
from accord.orgs.services import require_not_archived
from accord.parts.models import ManufacturerPart, Part
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.models import Delivery, PurchaseOrder, PurchaseOrderLine, Site
from accord.supply.services.replan import replan_after
from accord.supply.services.stock import receive_stock
from accord.supply.services.values import currency, money, own_organisation, quantity, text


def _event(
    actor: Person,
    verb: str,
    order: PurchaseOrder,
    *,
    parts: list[int],
    lines: list[int] | None = None,
    **changes: object,
) -> None:
    """`lines`: the order lines the change touches, when not all of them (a delivery, a
    cancelled line); the scorecards' columnar copy reads only those again."""
    replan_after(part_ids=parts)
    if order.status != OrderStatus.DRAFT:  # a draft is nobody's business yet
        from accord.scorecards.facts import facts_changed
        from accord.scorecards.services import refresh_cards_after

        facts_changed(
            order.buyer_id, lines if lines is not None else order.lines.values_list("pk", flat=True)
        )
        # The buyer's card of the supplier, and the supplier's card of its customer (what
        # was ordered against what was forecast).
        refresh_cards_after([order.buyer_id, order.supplier_id])
    record_event(
        actor=actor,
        verb=verb,
        obj=order,
        program=order.program,
        classification=Classification.RESTRICTED,
        subject_organisation=order.supplier,
        changes=changes,
    )


def create_purchase_order(
    *,
    actor: Person,
    program: Program,
    supplier: Organisation,
    number: str,
    currency_code: str = "USD",
    ship_to: Site | None = None,
    notes: str = "",
) -> PurchaseOrder:
    """An order of the actor's organisation to a supplier taking part in the program."""
    reach = reach_of(actor)
    if program.pk not in reach.programs or reach.seller:
        raise Forbidden("Only members of the program (not its suppliers) may order for it.")
    require_not_archived(program)
    if supplier.pk == actor.organisation_id:
        raise InvalidInput("An order goes to another organisation.", detail={"field": "supplier"})
    if not ProgramPartner.objects.filter(program=program, organisation=supplier).exists():
        raise InvalidInput(
            f"{supplier} does not take part in {program}: add it as a partner first.",
            detail={"field": "supplier"},
        )
    if ship_to is not None and ship_to.organisation_id != actor.organisation_id:
        partner = ProgramPartner.objects.filter(
            program=program, organisation_id=ship_to.organisation_id
        ).exists()
        if not partner:
            raise InvalidInput(
                "Ship to a site of yours or of a partner on this program.",
                detail={"field": "ship_to"},
            )
    number = text(number, field="number", limit=40, required=True)
    _require_not_blocked(actor, supplier.pk)
    try:
        with transaction.atomic():
            order = PurchaseOrder.objects.create(
                buyer=own_organisation(actor),
                supplier=supplier,
                program=program,
                number=number,
                currency=currency(currency_code),
                ship_to=ship_to,
                notes=text(notes, field="notes", limit=2000),
                created_by=actor,
            )
            _event(
                actor,
                "created purchase order",
                order,
                parts=[],
                number=number,
                supplier=supplier.name,
            )
    except IntegrityError:
        raise Conflict(f"Your organisation has a purchase order {number} already.") from None
    return order


def _require_buyer(actor: Person, order: PurchaseOrder) -> None:
    order.refresh_from_db(fields=["status"])  # as it is now, not as the caller loaded it
    if actor.organisation_id != order.buyer_id:
        raise Forbidden("Only the buyer's people may change this order.")
    if order.status not in OrderStatus.open():
        raise Conflict(f"{order} is {order.get_status_display().lower()}: it cannot change.")


def add_order_line(
    *,
    actor: Person,
    order: PurchaseOrder,
    part: Part,
    quantity_ordered: object,
    requested_date: dt.date,
    unit_price: object = None,
    currency_code: str = "",
    manufacturer_part: ManufacturerPart | None = None,
) -> PurchaseOrderLine:
    _require_buyer(actor, order)
    amount = quantity(quantity_ordered, field="quantity")
    price = money(unit_price, field="unit_price")
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status not in OrderStatus.open():
            raise Conflict(f"{locked} is {locked.get_status_display().lower()}: it cannot change.")
        last = locked.lines.aggregate(last=Max("line_number"))["last"] or 0
        line = PurchaseOrderLine.objects.create(
            order=locked,
            line_number=last + 1,
            part=part,
            manufacturer_part=manufacturer_part,
            quantity=amount,
            unit_price=price,
            currency=currency(currency_code or locked.currency),
            requested_date=requested_date,
        )
        _event(
            actor,
            "added order line",
            order,
            parts=[part.pk],
            line=line.line_number,
            part=part.number,
            quantity=plain_number(amount),
            requested_date=requested_date.isoformat(),
        )
    return line


def _require_not_blocked(actor: Person, supplier_id: int) -> None:
    """The buyer's scorecard may block new orders to a supplier whose grade falls in a band
    that says so (scorecards/services.py)."""
    from accord.scorecards.services import require_purchase_allowed

    if actor.organisation_id is not None:
        require_purchase_allowed(actor.organisation_id, supplier_id)


def issue_order(*, actor: Person, order: PurchaseOrder) -> PurchaseOrder:
    _require_buyer(actor, order)
    if order.status != OrderStatus.DRAFT:
        raise Conflict(f"{order} is issued already.")
    if not order.lines.exists():
        raise InvalidInput(f"{order} has no lines to order.")
    _require_not_blocked(actor, order.supplier_id)
    with transaction.atomic():
        order.status, order.issued_at = OrderStatus.ISSUED, timezone.now()
        order.save(update_fields=["status", "issued_at"])
        _event(
            actor,
            "issued purchase order",
            order,
            parts=list(order.lines.values_list("part_id", flat=True)),
        )
    return order


def _require_supplier(actor: Person, order: PurchaseOrder) -> None:
    order.refresh_from_db(fields=["status", "acknowledged_at"])
    if actor.organisation_id != order.supplier_id:
        raise Forbidden("Only the supplier's people may answer this order.")
    if order.status not in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED):
        raise Conflict(f"{order} is {order.get_status_display().lower()}: nothing to answer.")


def acknowledge_order(*, actor: Person, order: PurchaseOrder) -> PurchaseOrder:
    """The supplier's first answer to an issued order (its responsiveness is measured by it)."""
    _require_supplier(actor, order)
    if order.acknowledged_at is not None:
        raise Conflict(f"{order} is acknowledged already.")
    with transaction.atomic():
        order.status, order.acknowledged_at = OrderStatus.ACKNOWLEDGED, timezone.now()
        order.save(update_fields=["status", "acknowledged_at"])
        _event(actor, "acknowledged purchase order", order, parts=[])
    return order


def confirm_order_line(
    *, actor: Person, line: PurchaseOrderLine, confirmed_date: dt.date
) -> PurchaseOrderLine:
    """The supplier's delivery date for a line; a later date pushes the line's receipt (and
    planning sees it at once)."""
    order = line.order
    _require_supplier(actor, order)
    if line.status not in LineStatus.expecting():
        raise Conflict(f"{line} is {line.get_status_display().lower()}.")
    with transaction.atomic():
        before = line.confirmed_date
        line.confirmed_date = confirmed_date
        if line.status == LineStatus.OPEN:
            line.status = LineStatus.CONFIRMED
        line.save(update_fields=["confirmed_date", "status"])
        if order.acknowledged_at is None:
            order.status, order.acknowledged_at = OrderStatus.ACKNOWLEDGED, timezone.now()
            order.save(update_fields=["status", "acknowledged_at"])
        _event(
            actor,
            "confirmed order line",
            order,
            parts=[line.part_id],
            line=line.line_number,
            confirmed_date=[before.isoformat() if before else None, confirmed_date.isoformat()],
        )
    return line


def cancel_order_line(*, actor: Person, line: PurchaseOrderLine, reason: str) -> PurchaseOrderLine:
    _require_buyer(actor, line.order)
    if line.status not in LineStatus.expecting():
        raise Conflict(f"{line} is {line.get_status_display().lower()}.")
    reason = text(reason, field="reason", limit=200, required=True)
    with transaction.atomic():
        line.status = LineStatus.CANCELLED
        line.save(update_fields=["status"])
        _event(
            actor,
            "cancelled order line",
            line.order,
            parts=[line.part_id],
            lines=[line.pk],
            line=line.line_number,
            reason=reason,
        )
    return line


def receive_delivery(
    *,
    actor: Person,
    line: PurchaseOrderLine,
    site: Site,
    quantity_received: object,
    received_on: dt.date,
    rejected_quantity: object = 0,
    reject_reason: str = "",
) -> Delivery:
    """Goods received against a line, inspected: the accepted part goes into stock at the site,
    owned by the buyer (consigned, when the site is its EMS's)."""
    order = line.order
    if actor.organisation_id != site.organisation_id:
        raise Forbidden("Receive at a site of your own organisation.")
    if site.organisation_id != order.buyer_id and (
        order.ship_to_id is None or order.ship_to_id != site.pk
    ):
        raise Forbidden("Only the buyer, or the site the order ships to, may receive it.")
    amount = quantity(quantity_received, field="quantity")
    rejected = quantity(rejected_quantity, field="rejected_quantity", allow_zero=True)
    if rejected > amount:
        raise InvalidInput(
            "rejected_quantity: more rejected than received.",
            detail={"field": "rejected_quantity"},
        )
    reason = text(reject_reason, field="reject_reason", limit=300, required=rejected > 0)
    if received_on > timezone.localdate():
        raise InvalidInput("received_on: not in the future.", detail={"field": "received_on"})
    with transaction.atomic():
        locked = PurchaseOrderLine.objects.select_for_update().get(pk=line.pk)
        if locked.status not in LineStatus.expecting():
            raise Conflict(f"{locked} is {locked.get_status_display().lower()}.")
        order = PurchaseOrder.objects.get(pk=locked.order_id)  # as it is now
        if order.status not in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED):
            status = order.get_status_display().lower()
            raise Conflict(f"{order} is {status}: nothing can be received against it.")
        if amount - rejected > locked.open_quantity:
            raise Conflict(
                f"Only {plain_number(locked.open_quantity)} of {locked} are still to come: "
                f"{plain_number(amount - rejected)} accepted would be more than ordered.",
                code="over_delivery",
            )
        delivery = Delivery.objects.create(
            line=locked,
            site=site,
            quantity=amount,
            received_on=received_on,
            rejected_quantity=rejected,
            reject_reason=reason,
            received_by=actor,
        )
        PurchaseOrderLine.objects.filter(pk=locked.pk).update(
            received_quantity=F("received_quantity") + amount,
            rejected_quantity=F("rejected_quantity") + rejected,
        )
        locked.refresh_from_db(fields=["received_quantity", "rejected_quantity"])
        locked.status = (
            LineStatus.RECEIVED
            if locked.open_quantity == Decimal(0)
            else LineStatus.PARTLY_RECEIVED
        )
        locked.save(update_fields=["status"])
        if amount > rejected:
            receive_stock(
                actor=actor,
                site=site,
                part=locked.part,
                quantity_received=amount - rejected,
                owner=order.buyer,
                reference=f"{order} line {locked.line_number}",
                delivery=delivery,
            )
        _event(
            actor,
            "received delivery",
            order,
            parts=[locked.part_id],
            lines=[locked.pk],
            line=locked.line_number,
            quantity=plain_number(amount),
            rejected=plain_number(rejected),
            received_on=received_on.isoformat(),
        )
    return delivery
