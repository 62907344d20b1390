"""The writes only the demo loader makes. Like every service: atomic, with an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import insert_rows
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.orgs.models import Organisation, Person, Program, ProgramPartner
from accord.parts.models import ManufacturerPart, Part
from accord.scorecards.models import CardComment
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.models import Delivery, PurchaseOrder, PurchaseOrderLine, Site
from accord.supply.services.values import own_organisation


def set_demo_passwords(*, actor: Person | None, usernames: Iterable[str], password: str) -> int:
    """Give these people the published demo password; one event per organisation."""
    if not password:
        raise InvalidInput("The demo password is empty.")
    changed = 0
    by_organisation: dict[int | None, list[Person]] = {}
    with transaction.atomic():
        for person in Person.objects.filter(username__in=list(usernames)).select_related(
            "organisation"
        ):
            person.set_password(password)
            person.save(update_fields=["password"])
            by_organisation.setdefault(person.organisation_id, []).append(person)
            changed += 1
        for people in by_organisation.values():
            organisation = people[0].organisation
            if organisation is None:
                continue
            record_event(
                actor=actor,
                verb="set demo passwords",
                obj=organisation,
                organisation=organisation,
                classification=Classification.INTERNAL,
                changes={"people": sorted(p.username for p in people)},
            )
    return changed


# Order history ------------------------------------------------------------------------------
#
# The supply services stamp what they write with the present (issued_at, acknowledged_at,
# created_at) and refuse receipts in the future, as they should. Two years of past orders for
# the scorecards need those moments in the past, and a few hundred orders written one service
# call at a time (each with its events, replanning and card refresh) would cost seconds of the
# demo's load: the demo writes them here, set-based, checked as a whole.


@dataclass(frozen=True)
class PastDelivery:
    received_on: dt.date
    quantity: Decimal
    rejected: Decimal = Decimal(0)
    reason: str = ""


@dataclass(frozen=True)
class PastLine:
    part: Part
    manufacturer_part: ManufacturerPart
    quantity: Decimal
    unit_price: Decimal
    requested_date: dt.date
    confirmed: bool  # the supplier confirmed the requested date when it acknowledged
    deliveries: tuple[PastDelivery, ...] = ()


@dataclass(frozen=True)
class PastOrder:
    number: str
    program: Program
    supplier: Organisation
    ship_to: Site
    issued_at: dt.datetime
    acknowledged_at: dt.datetime | None
    lines: tuple[PastLine, ...]


def _checked_history(actor: Person, orders: Sequence[PastOrder], received_by: Person) -> None:
    """What the services would refuse one order at a time, refused here for all of them."""
    now = timezone.now()
    buyer_id = actor.organisation_id
    numbers = [o.number for o in orders]
    if (
        len(set(numbers)) != len(numbers)
        or PurchaseOrder.objects.filter(buyer_id=buyer_id, number__in=numbers).exists()
    ):
        raise Conflict("The history repeats an order number, or one exists already.")
    partners = set(
        ProgramPartner.objects.filter(program__owner_id=buyer_id).values_list(
            "program_id", "organisation_id"
        )
    )
    for order in orders:
        if (order.program.pk, order.supplier.pk) not in partners:
            raise InvalidInput(f"{order.number}: {order.supplier} is no partner of the program.")
        if order.ship_to.organisation_id != received_by.organisation_id:
            raise InvalidInput(f"{order.number}: received at a site of another organisation.")
        if order.issued_at > now or (
            order.acknowledged_at is not None
            and not order.issued_at <= order.acknowledged_at <= now
        ):
            raise InvalidInput(f"{order.number}: issued or acknowledged out of order.")
        for line in order.lines:
            accepted = sum((d.quantity - d.rejected for d in line.deliveries), Decimal(0))
            if line.quantity <= 0 or accepted > line.quantity:
                raise InvalidInput(f"{order.number}: more accepted than ordered.")
            for d in line.deliveries:
                if not 0 <= d.rejected <= d.quantity or d.quantity <= 0:
                    raise InvalidInput(f"{order.number}: a delivery's quantities do not add up.")
                if not order.issued_at.date() <= d.received_on <= timezone.localdate():
                    raise InvalidInput(f"{order.number}: received before issued, or in future.")
                if d.rejected and not d.reason:
                    raise InvalidInput(f"{order.number}: a rejection without its reason.")


ORDER_COLUMNS = [
    "buyer",
    "supplier",
    "program",
    "number",
    "ship_to",
    "currency",
    "status",
    "issued_at",
    "acknowledged_at",
    "created_by",
    "created_at",
]
LINE_COLUMNS = [
    "order",
    "line_number",
    "part",
    "manufacturer_part",
    "quantity",
    "unit_price",
    "currency",
    "requested_date",
    "confirmed_date",
    "status",
    "received_quantity",
    "rejected_quantity",
]
DELIVERY_COLUMNS = [
    "line",
    "site",
    "quantity",
    "received_on",
    "rejected_quantity",
    "reject_reason",
    "received_by",
    "created_at",
]


def record_order_history(
    *, actor: Person, orders: Sequence[PastOrder], received_by: Person
) -> dict[str, int]:
    """The actor's organisation's past purchase orders, as they happened: issued, acknowledged
    (or not yet), lines confirmed, deliveries received and inspected by `received_by` at the
    order's ship-to site. The goods went into builds long ago, so the deliveries move no stock:
    the demo's ledger starts with its opening balances. One event per supplier and program."""
    buyer = own_organisation(actor)
    _checked_history(actor, orders, received_by)
    with transaction.atomic():
        insert_rows(PurchaseOrder, ORDER_COLUMNS, (_order_row(actor, o) for o in orders))
        order_ids = dict(
            PurchaseOrder.objects.filter(
                buyer=buyer, number__in=[o.number for o in orders]
            ).values_list("number", "pk")
        )
        numbered = [
            (order_ids[o.number], number, o, line)
            for o in orders
            for number, line in enumerate(o.lines, start=1)
        ]
        insert_rows(
            PurchaseOrderLine,
            LINE_COLUMNS,
            (_line_row(order_id, number, line) for order_id, number, _o, line in numbered),
        )
        line_ids = {
            (order_id, number): pk
            for order_id, number, pk in PurchaseOrderLine.objects.filter(
                order_id__in=order_ids.values()
            ).values_list("order_id", "line_number", "pk")
        }
        deliveries = insert_rows(
            Delivery,
            DELIVERY_COLUMNS,
            (
                (
                    line_ids[(order_id, number)],
                    o.ship_to.pk,
                    d.quantity,
                    d.received_on,
                    d.rejected,
                    d.reason,
                    received_by.pk,
                    dt.datetime.combine(d.received_on, dt.time(10), tzinfo=dt.UTC),
                )
                for order_id, number, o, line in numbered
                for d in line.deliveries
            ),
        )
        by_party: dict[tuple[int, int], list[PastOrder]] = {}
        for o in orders:
            by_party.setdefault((o.supplier.pk, o.program.pk), []).append(o)
        for party_orders in by_party.values():
            issued = sorted(o.issued_at.date().isoformat() for o in party_orders)
            record_event(
                actor=actor,
                verb="recorded order history",
                obj=PurchaseOrder,
                program=party_orders[0].program,
                classification=Classification.RESTRICTED,
                subject_organisation=party_orders[0].supplier,
                changes={"orders": len(party_orders), "issued": [issued[0], issued[-1]]},
            )
    return {"orders": len(orders), "lines": len(numbered), "deliveries": deliveries}


def _order_row(actor: Person, o: PastOrder) -> tuple[object, ...]:
    status = OrderStatus.ACKNOWLEDGED if o.acknowledged_at else OrderStatus.ISSUED
    drafted = o.issued_at - dt.timedelta(hours=2)  # the buyer drafted it that morning
    return (
        actor.organisation_id,
        o.supplier.pk,
        o.program.pk,
        o.number,
        o.ship_to.pk,
        "USD",
        status,
        o.issued_at,
        o.acknowledged_at,
        actor.pk,
        drafted,
    )


def _line_row(order_id: int, number: int, line: PastLine) -> tuple[object, ...]:
    received = sum((d.quantity for d in line.deliveries), Decimal(0))
    rejected = sum((d.rejected for d in line.deliveries), Decimal(0))
    if received - rejected >= line.quantity:
        status = LineStatus.RECEIVED
    elif line.deliveries:
        status = LineStatus.PARTLY_RECEIVED
    else:
        status = LineStatus.CONFIRMED if line.confirmed else LineStatus.OPEN
    return (
        order_id,
        number,
        line.part.pk,
        line.manufacturer_part.pk,
        line.quantity,
        line.unit_price,
        "USD",
        line.requested_date,
        line.requested_date if line.confirmed else None,
        status,
        received,
        rejected,
    )


def date_comment(*, actor: Person, comment: CardComment, written_at: dt.datetime) -> None:
    """A comment of the demo's history, dated when its author wrote it: in the month it is
    about or after, never later than now (comment_on_month stamps the present)."""
    if comment.author_id != actor.pk:
        raise Forbidden("Only its author dates a comment.")
    if written_at > timezone.now() or written_at.date() < comment.month:
        raise InvalidInput(
            "written_at: within or after the month the comment is about, not later than now."
        )
    with transaction.atomic():
        CardComment.objects.filter(pk=comment.pk).update(created_at=written_at)
        record_event(
            actor=actor,
            verb="dated demo comment",
            obj=comment,
            organisation=comment.organisation,
            classification=Classification.INTERNAL,
            changes={"created_at": written_at.isoformat()},
        )
