"""API: sites (plants, warehouses, hubs) and the Min level and safety stock kept per part."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, OrgRef, Quantity, Text
from accord.supply import services
from accord.supply.access import get_site_for_stock_moves, get_site_for_user, sites_visible_to
from accord.supply.api.common import QuantityIn, Row, supply_part
from accord.supply.choices import SiteKind
from accord.supply.models import Site

router = Router(tags=["supply"])


class SiteOut(Row):
    id: int
    code: str
    name: str
    kind: str
    country: str
    organisation: OrgRef
    retired_at: dt.datetime | None
    created_at: dt.datetime


class SiteIn(InputSchema):
    name: Text = Field(min_length=1, max_length=200)
    code: Text = Field(
        "", max_length=40, description="Letters, digits, '-' and '_'; made from the name if empty."
    )
    kind: SiteKind = SiteKind.PLANT
    country: Text = Field("", max_length=2, description="ISO 3166 alpha-2, e.g. MY.")


class SiteQuery(PageParams):
    retired: bool = Field(False, description="Retired sites too.")


class StockLevelIn(InputSchema):
    min_level: QuantityIn = Field(description="Zero or more, a decimal string.")
    safety_stock: QuantityIn = Field(description="Zero or more, a decimal string.")


class StockLevelOut(Row):
    site_id: int
    part_id: int
    min_level: Quantity
    safety_stock: Quantity
    updated_at: dt.datetime


def _site_out(site: Site) -> SiteOut:
    return SiteOut.model_validate(site)


@router.get("/sites", response=Page[SiteOut])
def list_sites(request: HttpRequest, params: Query[SiteQuery]) -> dict[str, Any]:
    """The caller's organisation's sites, and the sites holding stock they may see."""
    sites = sites_visible_to(person(request)).select_related("organisation").order_by("code")
    if not params.retired:
        sites = sites.filter(retired_at__isnull=True)
    return paginate(request, sites, params)


@router.post("/sites", response={201: SiteOut})
@idempotent
def create_site(request: HttpRequest, payload: SiteIn) -> Status[SiteOut]:
    """A site of the caller's organisation (its administrators)."""
    user = person(request)
    site = services.create_site(
        actor=user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        country=payload.country,
    )
    return Status(201, _site_out(get_site_for_user(user, site.pk)))


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: HttpRequest, site_id: Id) -> SiteOut:
    """A site; the stock it holds is GET /stock?site=<id>."""
    return _site_out(get_site_for_user(person(request), site_id))


@router.post("/sites/{site_id}/retire", response=SiteOut)
def retire_site(request: HttpRequest, site_id: Id) -> SiteOut:
    """No more stock moves at the site; its stock and ledger stay (its administrators)."""
    user = person(request)
    site = services.retire_site(actor=user, site=get_site_for_user(user, site_id, write=True))
    return _site_out(site)


@router.put("/sites/{site_id}/stock-levels/{part_id}", response=StockLevelOut)
def set_stock_level(
    request: HttpRequest, site_id: Id, part_id: Id, payload: StockLevelIn
) -> StockLevelOut:
    """The Min level and safety stock kept for a part at a site (the site's organisation)."""
    user = person(request)
    site = get_site_for_stock_moves(user, site_id)
    level = services.set_stock_level(
        actor=user,
        site=site,
        part=supply_part(user, part_id),
        min_level=payload.min_level,
        safety_stock=payload.safety_stock,
    )
    return StockLevelOut.model_validate(level)
