"""What the supply API's modules share: quantities as they travel, the small references its rows
carry, and finding the part, organisation, site or manufacturer part an id in a body names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from accord.core.access import get_or_404
from accord.orgs.access import organisations_visible_to
from accord.orgs.models import Organisation, Person
from accord.parts.access import manufacturer_parts_visible_to
from accord.parts.models import ManufacturerPart, Part
from accord.supply.access import parts_for_supply, sites_visible_to
from accord.supply.models import Site

# A quantity sent by a client: a decimal string ("250.5") or a number, at most 14 digits with 4
# decimals as stored; the services check the sign (zero is allowed only where it means
# something, e.g. a safety stock), so the document says only what no service would accept.
QuantityIn = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=4, description='A decimal string, e.g. "250.5".'),
]
# A price: 6 decimals, as order lines and offers store it.
PriceIn = Annotated[
    Decimal, Field(ge=0, max_digits=18, decimal_places=6, description='A decimal string, "1.85".')
]


# Dates the services store in a DateField: ISO 8601, within years a database can hold.
def _not_a_number(value: object) -> object:
    """A date is written YYYY-MM-DD: a number is refused, not read as seconds since 1970."""
    if isinstance(value, int | float):
        raise ValueError("a date as YYYY-MM-DD")
    return value


DateIn = Annotated[
    dt.date,
    BeforeValidator(_not_a_number),
    Field(ge=dt.date(1900, 1, 1), le=dt.date(9999, 12, 31)),
]


class Row(BaseModel):
    """A plain pydantic model read from attributes: rows come by the page, and pydantic's
    compiled core reads them without a Python getter per field (CONTRIBUTING, Style)."""

    model_config = ConfigDict(from_attributes=True)


class ProgramRow(Row):
    id: int
    code: str
    name: str


class SiteRef(Row):
    id: int
    code: str
    name: str


class PartRef(Row):
    id: int
    number: str
    description: str


class ManufacturerPartRef(Row):
    id: int
    mpn: str
    manufacturer: str

    @classmethod
    def of(cls, manufacturer_part: ManufacturerPart) -> ManufacturerPartRef:
        return cls(
            id=manufacturer_part.pk,
            mpn=manufacturer_part.mpn,
            manufacturer=manufacturer_part.manufacturer.name,
        )


def username(person: Any) -> str | None:
    """Who made a change, by username; None once the person is deleted (SET_NULL)."""
    return None if person is None else str(person.username)


def supply_part(user: Person, part_id: int) -> Part:
    """A part the person may name in a supply request (as find_part for the pages): NotFound
    for one they may not see, as for one that does not exist."""
    return get_or_404(parts_for_supply(user), pk=part_id)


def visible_organisation(user: Person, organisation_id: int) -> Organisation:
    return get_or_404(organisations_visible_to(user), pk=organisation_id)


def visible_site(user: Person, site_id: int) -> Site:
    return get_or_404(sites_visible_to(user).select_related("organisation"), pk=site_id)


def visible_manufacturer_part(user: Person, manufacturer_part_id: int) -> ManufacturerPart:
    return get_or_404(
        manufacturer_parts_visible_to(user).select_related("manufacturer"),
        pk=manufacturer_part_id,
    )
