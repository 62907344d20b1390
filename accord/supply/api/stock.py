"""API: the stock a caller may see, its ledger, and the moves its holder's people make: receive,
issue, adjust, scrap, transfer. Every move creates a ledger entry, so each accepts an
Idempotency-Key: a retried issue never takes the goods out twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import F
from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, OrgRef, Quantity, Text
from accord.core.access import get_or_404
from accord.core.errors import InvalidInput
from accord.orgs.models import Person
from accord.supply import services
from accord.supply.access import (
    builds_visible_to,
    get_site_for_stock_moves,
    get_stock_item_for_user,
    log_stock_item_read,
    log_stock_read,
    moves_of_item,
    stock_visible_to,
    with_stock_levels,
)
from accord.supply.api.common import (
    PartRef,
    QuantityIn,
    Row,
    SiteRef,
    supply_part,
    username,
    visible_organisation,
)
from accord.supply.choices import BuildStatus
from accord.supply.models import StockItem, StockMove

router = Router(tags=["supply"])
ITEM_RELATED = ("site__organisation", "part", "owner")


class StockItemOut(Row):
    id: int
    site: SiteRef
    holder: OrgRef = Field(description="The organisation whose site holds the goods.")
    part: PartRef
    owner: OrgRef = Field(description="The holder, or the customer that consigned the goods.")
    holding: Literal["own", "consigned"]
    on_hand: Quantity
    min_level: Quantity | None = Field(description="Set per part and site; null when not set.")
    safety_stock: Quantity | None
    updated_at: dt.datetime


class StockQuery(PageParams):
    site: Id | None = None
    part: Id | None = None
    owner: Id | None = None
    holding: Literal["own", "consigned"] | None = None


class MoveOut(Row):
    id: int
    item_id: int
    kind: str
    quantity: Quantity = Field(description="Signed: negative for what left the stock.")
    balance_after: Quantity
    reference: str
    build_id: int | None = Field(description="Null unless the caller may see the build.")
    actor: str | None = Field(description="The username of who moved it.")
    created_at: dt.datetime


class TransferOut(Row):
    out: MoveOut
    into: MoveOut


class ReceiveIn(InputSchema):
    site_id: Id = Field(description="A site of the caller's organisation.")
    part_id: Id
    owner_id: Id | None = Field(
        None, description="A customer that consigns the goods; the site's organisation if null."
    )
    quantity: QuantityIn
    reference: Text = Field("", max_length=200)


class IssueIn(InputSchema):
    quantity: QuantityIn
    build_id: Id | None = Field(None, description="The build the goods are kitted to.")
    reference: Text = Field("", max_length=200, description="e.g. a work order.")


class AdjustIn(InputSchema):
    change: QuantityIn = Field(description='Signed, not zero: "-2" after a cycle count.')
    reason: Text = Field(min_length=1, max_length=200)


class ScrapIn(InputSchema):
    quantity: QuantityIn
    reason: Text = Field(min_length=1, max_length=200)


class TransferIn(InputSchema):
    to_site_id: Id = Field(description="Another site of the caller's organisation.")
    quantity: QuantityIn
    reference: Text = Field("", max_length=200)


def _stock_rows(items: Sequence[Any]) -> list[StockItemOut]:
    return [
        StockItemOut.model_validate(
            {
                "id": item.pk,
                "site": item.site,
                "holder": item.site.organisation,
                "part": item.part,
                "owner": item.owner,
                "holding": "consigned" if item.consigned else "own",
                "on_hand": item.on_hand,
                "min_level": getattr(item, "min_level", None),
                "safety_stock": getattr(item, "safety_stock", None),
                "updated_at": item.updated_at,
            }
        )
        for item in items
    ]


def _move_rows(user: Person, moves: Sequence[Any]) -> list[MoveOut]:
    """The moves, naming a build only where the caller may see it (another customer's build
    that goods were issued to is not theirs to know)."""
    builds = {m.build_id for m in moves if m.build_id}
    shown = (
        set(builds_visible_to(user).filter(pk__in=builds).values_list("pk", flat=True))
        if builds
        else set()
    )
    return [
        MoveOut(
            id=m.pk,
            item_id=m.item_id,
            kind=m.kind,
            quantity=m.quantity,
            balance_after=m.balance_after,
            reference=m.reference,
            build_id=m.build_id if m.build_id in shown else None,
            actor=username(m.actor),
            created_at=m.created_at,
        )
        for m in moves
    ]


def _describe(params: StockQuery) -> str:
    """What the access log says was asked for, as the stock page says it."""
    said = [
        f"{name} {value}" for name in ("site", "part", "owner") if (value := getattr(params, name))
    ]
    if params.holding:
        said.append(params.holding)
    if params.page > 1:
        said.append(f"page {params.page}")
    return ", ".join(said)


@router.get("/stock", response=Page[StockItemOut])
def list_stock(request: HttpRequest, params: Query[StockQuery]) -> dict[str, Any]:
    """The stock the caller may see: everything their organisation holds, goods it consigned
    elsewhere, and a partner's own stock of their programs' BOM parts under an NDA.

    Listing a partner's own stock is recorded in its access log: one entry per holder and
    request, with the number of its rows on the page."""
    user = person(request)
    items = with_stock_levels(stock_visible_to(user).select_related(*ITEM_RELATED)).order_by(
        "part__number", "site__code", "pk"
    )
    if params.site:
        items = items.filter(site_id=params.site)
    if params.part:
        items = items.filter(part_id=params.part)
    if params.owner:
        items = items.filter(owner_id=params.owner)
    if params.holding == "own":
        items = items.filter(owner_id=F("site__organisation_id"))
    elif params.holding == "consigned":
        items = items.exclude(owner_id=F("site__organisation_id"))
    page = paginate(request, items, params, rows=_stock_rows)
    log_stock_read(
        user,
        [row.id for row in page["results"]],
        description=_describe(params),
        channel="api",
        path=request.path,
    )
    return page


# Before "/stock/{item_id}": the URL patterns are tried in order, and "receive" would be
# read as an item id.
@router.post("/stock/receive", response={201: MoveOut})
@idempotent
def receive_stock(request: HttpRequest, payload: ReceiveIn) -> Status[MoveOut]:
    """Goods into stock at one of the caller's sites: their own, or consigned by a customer.
    (Goods ordered on a purchase order are received against its line, with inspection.)"""
    user = person(request)
    site = get_site_for_stock_moves(user, payload.site_id)
    move = services.receive_stock(
        actor=user,
        site=site,
        part=supply_part(user, payload.part_id),
        quantity_received=payload.quantity,
        owner=None if payload.owner_id is None else visible_organisation(user, payload.owner_id),
        reference=payload.reference,
    )
    return Status(201, _move_out(user, move))


def _item(request: HttpRequest, item_id: int) -> StockItem:
    """A stock item the caller may see, its read logged when it is a partner's own stock."""
    user = person(request)
    item = get_stock_item_for_user(user, item_id)
    log_stock_item_read(user, item, channel="api", path=request.path)
    return item


@router.get("/stock/{item_id}", response=StockItemOut)
def get_stock_item(request: HttpRequest, item_id: Id) -> StockItemOut:
    item = _item(request, item_id)
    levelled = with_stock_levels(stock_visible_to(person(request)).select_related(*ITEM_RELATED))
    return _stock_rows([levelled.get(pk=item.pk)])[0]


@router.get("/stock/{item_id}/moves", response=Page[MoveOut])
def list_stock_moves(
    request: HttpRequest, item_id: Id, paging: Query[PageParams]
) -> dict[str, Any]:
    """The item's ledger, newest first: every receipt, issue, adjustment, scrap and transfer."""
    user = person(request)
    moves = moves_of_item(user, _item(request, item_id)).select_related("actor")
    return paginate(
        request,
        moves.order_by("-created_at", "-pk"),
        paging,
        rows=lambda page: _move_rows(user, page),
    )


def _move_out(user: Person, move: StockMove) -> MoveOut:
    return _move_rows(user, [move])[0]


@router.post("/stock/{item_id}/issue", response={201: MoveOut})
@idempotent
def issue_stock(request: HttpRequest, item_id: Id, payload: IssueIn) -> Status[MoveOut]:
    """Goods out to a build (or a work order named in the reference); never below zero."""
    user = person(request)
    item = get_stock_item_for_user(user, item_id, write=True)
    build = None
    if payload.build_id is not None:
        build = get_or_404(builds_visible_to(user).select_related("program"), pk=payload.build_id)
        if build.status != BuildStatus.SCHEDULED:  # as the page offers only scheduled builds
            raise InvalidInput("build: this build is retired.", detail={"field": "build_id"})
    move = services.issue_stock(
        actor=user,
        item=item,
        quantity_issued=payload.quantity,
        build=build,
        reference=payload.reference,
    )
    return Status(201, _move_out(user, move))


@router.post("/stock/{item_id}/adjust", response={201: MoveOut})
@idempotent
def adjust_stock(request: HttpRequest, item_id: Id, payload: AdjustIn) -> Status[MoveOut]:
    """A counted correction, up or down, with its reason; never below zero."""
    user = person(request)
    item = get_stock_item_for_user(user, item_id, write=True)
    move = services.adjust_stock(
        actor=user, item=item, change=payload.change, reason=payload.reason
    )
    return Status(201, _move_out(user, move))


@router.post("/stock/{item_id}/scrap", response={201: MoveOut})
@idempotent
def scrap_stock(request: HttpRequest, item_id: Id, payload: ScrapIn) -> Status[MoveOut]:
    user = person(request)
    item = get_stock_item_for_user(user, item_id, write=True)
    move = services.scrap_stock(
        actor=user, item=item, quantity_scrapped=payload.quantity, reason=payload.reason
    )
    return Status(201, _move_out(user, move))


@router.post("/stock/{item_id}/transfer", response={201: TransferOut})
@idempotent
def transfer_stock(request: HttpRequest, item_id: Id, payload: TransferIn) -> Status[TransferOut]:
    """Goods from one of the organisation's sites to another; they keep their owner."""
    user = person(request)
    item = get_stock_item_for_user(user, item_id, write=True)
    out, into = services.transfer_stock(
        actor=user,
        item=item,
        to_site=get_site_for_stock_moves(user, payload.to_site_id),
        quantity_moved=payload.quantity,
        reference=payload.reference,
    )
    return Status(201, TransferOut(out=_move_out(user, out), into=_move_out(user, into)))
