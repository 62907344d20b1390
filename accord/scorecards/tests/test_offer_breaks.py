"""The price breaks of the offers a buyer knows, expanded row by row by the database: well
formed breaks become rows, anything else stored in the JSON is left out (both databases)."""

from __future__ import annotations

import datetime as dt

from accord.parts.models import ManufacturerPart
from accord.scorecards.queries import _offer_breaks
from accord.supply.models import SupplierOffer


def test_each_well_formed_break_is_a_row(orgs, parts):
    mpn = ManufacturerPart.objects.get(mpn="SA-BA-3110")
    halcyon, sunridge = orgs["halcyon"], orgs["sunridge"]

    def offer(price_breaks, organisation=halcyon, supplier=sunridge):
        return SupplierOffer.objects.create(
            organisation=organisation,
            supplier=supplier,
            manufacturer_part=mpn,
            currency="EUR",
            price_breaks=price_breaks,
            seen_on=dt.date(2026, 9, 1),
        ).pk

    tiered = offer(
        [
            {"quantity": "1", "unit_price": "1.5000"},
            {"quantity": "1000", "unit_price": "1.35"},
            {"quantity": "5000"},  # no price: not a break
            "junk",
        ]
    )
    offer({"quantity": "1", "unit_price": "9"})  # not a list
    offer([{"quantity": "1", "unit_price": "2"}], organisation=orgs["arrowpoint"])  # not known
    published = offer(
        [{"quantity": "10", "unit_price": "0.25"}], organisation=sunridge
    )  # the supplier's own, published to every buyer
    rows = _offer_breaks(halcyon.pk, [sunridge.pk]).sort("offer_id", "break_quantity").rows()
    assert rows == [
        (tiered, sunridge.pk, mpn.pk, "EUR", dt.date(2026, 9, 1), 1.0, 1.5),
        (tiered, sunridge.pk, mpn.pk, "EUR", dt.date(2026, 9, 1), 1000.0, 1.35),
        (published, sunridge.pk, mpn.pk, "EUR", dt.date(2026, 9, 1), 10.0, 0.25),
    ]
    assert _offer_breaks(halcyon.pk, []).is_empty()
