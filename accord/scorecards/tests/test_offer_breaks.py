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


def test_a_line_without_a_day_of_issue_has_no_reference(orgs, parts):
    import polars as pl

    from accord.scorecards.queries import PRICED_SCHEMA, held_against_quotes

    mpn = ManufacturerPart.objects.get(mpn="SA-BA-3110")
    halcyon, sunridge = orgs["halcyon"], orgs["sunridge"]
    SupplierOffer.objects.create(
        organisation=halcyon,
        supplier=sunridge,
        manufacturer_part=mpn,
        currency="EUR",
        price_breaks=[{"quantity": "1", "unit_price": "2.00"}],
        seen_on=dt.date(2026, 9, 1),
    )
    priced = pl.DataFrame(
        [
            (1, sunridge.pk, mpn.pk, "EUR", dt.date(2026, 9, 2), 10.0, 2.1),
            (2, sunridge.pk, mpn.pk, "EUR", None, 10.0, 2.1),
            (3, sunridge.pk, mpn.pk, "EUR", dt.date(2026, 8, 31), 10.0, 2.1),  # before it
        ],
        schema=PRICED_SCHEMA,
        orient="row",
    )
    held = held_against_quotes(halcyon.pk, priced)
    assert held["reference_price"].to_list() == [2.0, None, None]
    assert held["line_id"].to_list() == [1, 2, 3]


def test_an_offer_recorded_after_a_computation_is_in_the_next(orgs, parts, people):
    from accord.supply.services import record_offer

    mpn = ManufacturerPart.objects.get(mpn="SA-BA-3110")
    halcyon, sunridge = orgs["halcyon"], orgs["sunridge"]

    def quoted() -> list[float]:
        breaks = _offer_breaks(halcyon.pk, [sunridge.pk])
        return sorted(breaks["reference_price"].to_list())

    before = quoted()
    record_offer(
        actor=people.oem_buyer,
        supplier=sunridge,
        manufacturer_part=mpn,
        price_breaks=[("1", "3.25")],
        seen_on=dt.date(2026, 11, 1),
        currency_code="EUR",
    )
    assert quoted() == sorted([*before, 3.25])
