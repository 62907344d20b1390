"""The stock ledger: receive, issue to a build, adjust, transfer and scrap.

A balance moves only by a ledger entry, and by one conditional UPDATE ... SET on_hand =
on_hand + change WHERE on_hand + change >= 0: the database applies concurrent changes one after
the other to the current value (PostgreSQL re-reads a row another transaction changed before
it updates it; SQLite runs one writer at a time), so no unit is lost or counted twice, and a
decrease that would go below zero changes nothing and is refused. A transfer changes its two
balances in primary-key order, so that two opposite transfers cannot deadlock. A CHECK
constraint keeps on_hand >= 0 whatever writes it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.numbers import plain_number
from accord.orgs.models import Organisation, Person, ProgramPartner
from accord.parts.models import Part
from accord.supply.access import can_move_stock_at
from accord.supply.choices import MoveKind
from accord.supply.models import Build, Delivery, Site, StockItem, StockMove
from accord.supply.services.replan import replan_after
from accord.supply.services.values import quantity, signed_quantity, text


class InsufficientStock(Conflict):
    code = "insufficient_stock"


def _require_mover(actor: Person, site: Site) -> None:
    if not can_move_stock_at(actor, site):
        if site.retired_at is not None:
            raise Conflict(f"Site {site.code} is retired: no stock moves there.")
        raise Forbidden("Only people of the organisation that holds the stock may move it.")


def _check_owner(site: Site, owner: Organisation) -> None:
    """Goods at a site are the site's organisation's own, or consigned by a customer: the
    owner of a program in which the site's organisation takes part."""
    if owner.pk == site.organisation_id:
        return
    customer = ProgramPartner.objects.filter(
        organisation_id=site.organisation_id, program__owner_id=owner.pk
    ).exists()
    if not customer:
        raise InvalidInput(
            f"{owner} is not a customer of {site.organisation} on any program: stock at "
            f"{site.code} can be owned by {site.organisation} or consigned by a customer.",
            detail={"field": "owner"},
        )


def stock_item(site: Site, part: Part, owner: Organisation) -> StockItem:
    """The balance row of a part at a site for an owner, created at zero the first time
    (get_or_create takes the row another writer created at the same moment)."""
    item, _ = StockItem.objects.get_or_create(site=site, part=part, owner=owner)
    return item


def _change(
    item_id: int,
    change: Decimal,
    *,
    kind: str,
    actor: Person,
    reference: str = "",
    transfer_group: uuid.UUID | None = None,
    delivery: Delivery | None = None,
    build: Build | None = None,
) -> StockMove:
    """Apply one signed change and write its ledger entry; inside the caller's transaction."""
    rows = StockItem.objects.filter(pk=item_id)
    if change < 0:
        rows = rows.filter(on_hand__gte=-change)
    if not rows.update(on_hand=F("on_hand") + change, updated_at=timezone.now()):
        have = StockItem.objects.filter(pk=item_id).values_list("on_hand", flat=True).first()
        raise InsufficientStock(
            f"Only {plain_number(have)} on hand: {plain_number(-change)} cannot be taken out.",
            detail={"on_hand": plain_number(have), "requested": plain_number(-change)},
        )
    balance = StockItem.objects.filter(pk=item_id).values_list("on_hand", flat=True).get()
    return StockMove.objects.create(
        item_id=item_id,
        kind=kind,
        quantity=change,
        balance_after=balance,
        reference=reference,
        transfer_group=transfer_group,
        delivery=delivery,
        build=build,
        actor=actor,
    )


def _record(actor: Person, verb: str, move: StockMove, item: StockItem, **changes: object) -> None:
    replan_after(part_ids=[item.part_id])
    record_event(
        actor=actor,
        verb=verb,
        obj=move,
        classification=Classification.RESTRICTED,
        changes={
            "part": item.part.number,
            "site": item.site.code,
            "owner": str(item.owner),
            "quantity": plain_number(move.quantity),
            "balance": plain_number(move.balance_after),
            **changes,
        },
    )


def receive_stock(
    *,
    actor: Person,
    site: Site,
    part: Part,
    quantity_received: object,
    owner: Organisation | None = None,
    reference: str = "",
    delivery: Delivery | None = None,
) -> StockMove:
    """Goods into stock at a site: the site organisation's own, or consigned by `owner`."""
    _require_mover(actor, site)
    amount = quantity(quantity_received, field="quantity")
    owner = owner or site.organisation
    _check_owner(site, owner)
    reference = text(reference, field="reference", limit=200)
    with transaction.atomic():
        item = stock_item(site, part, owner)
        move = _change(
            item.pk,
            amount,
            kind=MoveKind.RECEIVE,
            actor=actor,
            reference=reference,
            delivery=delivery,
        )
        _record(actor, "received stock", move, item)
    return move


def issue_stock(
    *,
    actor: Person,
    item: StockItem,
    quantity_issued: object,
    build: Build | None = None,
    reference: str = "",
) -> StockMove:
    """Goods out of stock to a build (or a work order named in the reference)."""
    _require_mover(actor, item.site)
    amount = quantity(quantity_issued, field="quantity")
    reference = text(reference, field="reference", limit=200)
    consigned = item.owner_id != item.site.organisation_id
    if build is not None and consigned and build.program.owner_id != item.owner_id:
        raise InvalidInput(
            f"These goods are consigned by {item.owner}: they go only to {item.owner}'s builds.",
            detail={"field": "build"},
        )
    with transaction.atomic():
        move = _change(
            item.pk, -amount, kind=MoveKind.ISSUE, actor=actor, reference=reference, build=build
        )
        _record(actor, "issued stock", move, item, build=str(build) if build else "")
    return move


def adjust_stock(*, actor: Person, item: StockItem, change: object, reason: str) -> StockMove:
    """A counted correction, up or down, with its reason (a cycle count, a found reel)."""
    _require_mover(actor, item.site)
    amount = signed_quantity(change, field="change")
    reason = text(reason, field="reason", limit=200, required=True)
    with transaction.atomic():
        move = _change(item.pk, amount, kind=MoveKind.ADJUST, actor=actor, reference=reason)
        _record(actor, "adjusted stock", move, item, reason=reason)
    return move


def scrap_stock(
    *, actor: Person, item: StockItem, quantity_scrapped: object, reason: str
) -> StockMove:
    _require_mover(actor, item.site)
    amount = quantity(quantity_scrapped, field="quantity")
    reason = text(reason, field="reason", limit=200, required=True)
    with transaction.atomic():
        move = _change(item.pk, -amount, kind=MoveKind.SCRAP, actor=actor, reference=reason)
        _record(actor, "scrapped stock", move, item, reason=reason)
    return move


def transfer_stock(
    *, actor: Person, item: StockItem, to_site: Site, quantity_moved: object, reference: str = ""
) -> tuple[StockMove, StockMove]:
    """Goods from one site of an organisation to another; they keep their owner."""
    _require_mover(actor, item.site)
    _require_mover(actor, to_site)
    if to_site.pk == item.site_id:
        raise InvalidInput("Choose another site to transfer to.", detail={"field": "to_site"})
    amount = quantity(quantity_moved, field="quantity")
    reference = text(reference, field="reference", limit=200)
    group = uuid.uuid4()
    with transaction.atomic():
        target = stock_item(to_site, item.part, item.owner)
        # Both balances change in primary-key order: opposite transfers cannot deadlock.
        changes = sorted(
            [(item.pk, -amount, MoveKind.TRANSFER_OUT), (target.pk, amount, MoveKind.TRANSFER_IN)]
        )
        moves = {
            kind: _change(
                pk, change, kind=kind, actor=actor, reference=reference, transfer_group=group
            )
            for pk, change, kind in changes
        }
        out, into = moves[MoveKind.TRANSFER_OUT], moves[MoveKind.TRANSFER_IN]
        _record(actor, "transferred stock", out, item, to_site=to_site.code)
    return out, into
