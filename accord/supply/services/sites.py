"""Sites and the stock levels (Min level, safety stock) kept at them."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.numbers import plain_number
from accord.orgs.models import Person
from accord.parts.models import Part
from accord.supply.access import can_manage_sites, can_move_stock_at
from accord.supply.choices import SiteKind
from accord.supply.models import Site, StockLevel
from accord.supply.services.replan import replan_after
from accord.supply.services.values import quantity, text

SITE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


def create_site(
    *, actor: Person, code: str, name: str, kind: str = SiteKind.PLANT, country: str = ""
) -> Site:
    """A plant or warehouse of the actor's own organisation (its administrators)."""
    organisation = actor.organisation
    if organisation is None or not can_manage_sites(actor, organisation.pk):
        raise Forbidden("Only your organisation's administrators may add its sites.")
    name = text(name, field="name", limit=200, required=True)
    code = text(code, field="code", limit=40) or slugify(name)[:40].upper()
    if not SITE_CODE.fullmatch(code):
        raise InvalidInput(
            "code: a short code of letters, digits, '-' and '_', e.g. PEN1.",
            detail={"field": "code"},
        )
    if Site.objects.filter(organisation=organisation, code__iexact=code).exists():
        raise Conflict(f"Your organisation has a site with code {code} already.")
    if kind not in SiteKind.values:
        raise InvalidInput(f"kind: one of {', '.join(SiteKind.values)}.", detail={"field": "kind"})
    country = text(country, field="country", limit=2).upper()
    try:
        with transaction.atomic():
            site = Site.objects.create(
                organisation=organisation, code=code, name=name, kind=kind, country=country
            )
            record_event(
                actor=actor,
                verb="created site",
                obj=site,
                classification=Classification.INTERNAL,
                changes={"code": code, "name": name, "kind": kind},
            )
    except IntegrityError:
        raise Conflict(f"Your organisation has a site with code {code} already.") from None
    return site


def retire_site(*, actor: Person, site: Site) -> Site:
    """No more stock moves at the site; its ledger stays for the record."""
    if not can_manage_sites(actor, site.organisation_id):
        raise Forbidden("Only administrators of the site's organisation may retire it.")
    if site.retired_at is not None:
        raise Conflict(f"Site {site.code} is retired already.")
    with transaction.atomic():
        site.retired_at = timezone.now()
        site.save(update_fields=["retired_at"])
        record_event(
            actor=actor, verb="retired site", obj=site, classification=Classification.INTERNAL
        )
    return site


def set_stock_level(
    *, actor: Person, site: Site, part: Part, min_level: object, safety_stock: object
) -> StockLevel:
    """The Min level and safety stock kept for a part at a site (its organisation's people)."""
    if not can_move_stock_at(actor, site):
        raise Forbidden("Only people of the site's organisation may set its stock levels.")
    minimum = quantity(min_level, field="min_level", allow_zero=True)
    safety = quantity(safety_stock, field="safety_stock", allow_zero=True)
    with transaction.atomic():
        level, created = StockLevel.objects.select_for_update().get_or_create(
            site=site, part=part, defaults={"min_level": minimum, "safety_stock": safety}
        )
        before = {"min_level": level.min_level, "safety_stock": level.safety_stock}
        if not created:
            level.min_level, level.safety_stock = minimum, safety
            level.save(update_fields=["min_level", "safety_stock", "updated_at"])
        replan_after(part_ids=[part.pk])
        record_event(
            actor=actor,
            verb="set stock level",
            obj=site,
            classification=Classification.RESTRICTED,
            changes={
                "part": part.number,
                "min_level": [plain_number(before["min_level"]), plain_number(minimum)],
                "safety_stock": [plain_number(before["safety_stock"]), plain_number(safety)],
            },
        )
    return level
