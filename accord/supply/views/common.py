"""What the supply pages share: the section's navigation, service errors shown beside their
field, and finding a part or a manufacturer part by the number a person typed."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accord.core.errors import DomainError, InvalidInput
from accord.core.numbers import plain_number
from accord.orgs.models import Person
from accord.parts.access import manufacturer_parts_visible_to
from accord.parts.models import ManufacturerPart, Part
from accord.parts.normalise import mpn_key
from accord.supply.access import parts_for_supply

# label, URL name, path prefix
SECTIONS = [
    ("Stock", "stock_list", "/supply/stock/"),
    ("Sites", "site_list", "/supply/sites/"),
    ("Purchase orders", "order_list", "/supply/orders/"),
    ("Builds", "build_list", "/supply/builds/"),
    ("Offers", "offer_list", "/supply/offers/"),
    ("Allocations", "allocation_list", "/supply/allocations/"),
    ("Import", "supply_import", "/supply/import/"),
]
_PRICE_BREAK = re.compile(r"price_breaks\[(\d+)\](?:\.(quantity|unit_price))?")


def supply_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A page of the supply section, with the section's own navigation."""
    nav = [
        (label, reverse(name), request.path.startswith(prefix)) for label, name, prefix in SECTIONS
    ]
    return render(request, template, {**context, "supply_nav": nav}, status=status)


def show_error(form: forms.Form, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """The service's message beside the field it names (detail {"field": ...}), else above
    the form. `fields` renames a service's field to the form's."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("field", ""))
    name = (fields or {}).get(name, name)
    form.add_error(name if name in form.fields else None, error.message)


def price_break_field(field: str, rows: list[int]) -> str:
    """price_breaks[1].unit_price -> the form field of the second row filled in (a row
    without its price: the price's field)."""
    match = _PRICE_BREAK.fullmatch(field)
    if not match or int(match.group(1)) >= len(rows):
        return field
    kind = "quantity" if match.group(2) == "quantity" else "price"
    return f"break_{kind}_{rows[int(match.group(1))]}"


def find_part(
    user: Person, number: str, *, field: str = "part", among: QuerySet[Part] | None = None
) -> Part:
    """The part so numbered that the person may name in a supply form (`among` those given,
    by default parts_for_supply); their own organisation's first when two owners use it."""
    wanted = number.strip()
    candidates = parts_for_supply(user) if among is None else among
    found = list(candidates.filter(number__iexact=wanted).select_related("owner")[:10])
    own = [p for p in found if p.owner_id == user.organisation_id]
    if len(found) == 1 or len(own) == 1:
        return (own or found)[0]
    if not found:
        raise InvalidInput(f"No part numbered {wanted} that you may see.", detail={"field": field})
    owners = ", ".join(sorted(str(p.owner) for p in found))
    raise InvalidInput(
        f"Several parts are numbered {wanted} ({owners}): ask their owner to tell them apart.",
        detail={"field": field},
    )


def find_manufacturer_part(
    user: Person, mpn: str, manufacturer: str = "", *, field: str = "mpn"
) -> ManufacturerPart:
    key = mpn_key(mpn)
    found = manufacturer_parts_visible_to(user).filter(mpn_key=key).select_related("manufacturer")
    if manufacturer.strip():
        found = found.filter(manufacturer__name__iexact=manufacturer.strip())
    matches = list(found[:10])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InvalidInput(f"No manufacturer part {mpn.strip()} is known.", detail={"field": field})
    makers = ", ".join(sorted(m.manufacturer.name for m in matches))
    raise InvalidInput(
        f"{mpn.strip()} is made by {makers}: name the manufacturer.",
        detail={"field": "manufacturer"},
    )


def number_cell(value: Decimal | None) -> Decimal | None:
    """A quantity or price for an export: the number as plain_number writes it (250.5, not
    250.5000), still a number for the spreadsheet."""
    return None if value is None else Decimal(plain_number(value))
