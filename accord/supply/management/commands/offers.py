"""`accord offers ACTION --as USERNAME ...`: supplier offers and allocations from the command
line, with that person's access.

accord offers list --as maya [--mpn GRM155R61A104KA01D] [--retired]
accord offers record arrowpoint GRM155R61A104KA01D 2026-12-01 --as maya \\
    --break 1:0.012 --break 1000:0.009 [--manufacturer Murata] [--currency USD] [--moq 1000]
    [--multiple 1000] [--lead-days 56] [--stock 250000] [--supplier-part 490-1318-1-ND]
accord offers retire OFFER_ID --as maya
accord offers allocations --as sam
accord offers allocate halcyon SA-BA-3110 2027-01-04 2027-01-31 5000 --as sam
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

from accord.core.commands import WorkspaceCommand, listing, no_arguments, parse_date
from accord.core.errors import Forbidden, NotFound
from accord.core.numbers import plain_number
from accord.orgs.access import reach_of
from accord.orgs.models import Person
from accord.parts.normalise import mpn_key
from accord.supply import services
from accord.supply.access import (
    allocation_buyer_choices,
    allocations_visible_to,
    get_offer_for_user,
    offers_visible_to,
    seller_choices,
)
from accord.supply.views.common import find_manufacturer_part


def _price_break(text: str) -> tuple[str, str]:
    quantity, sep, price = text.partition(":")
    if not sep or not quantity.strip() or not price.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not QUANTITY:UNIT_PRICE (e.g. 1000:0.009)")
    return quantity.strip(), price.strip()


def _list(parser: CommandParser) -> None:
    parser.add_argument("--mpn")
    parser.add_argument("--retired", action="store_true", help="retired offers too")


def _record(parser: CommandParser) -> None:
    parser.add_argument("supplier", metavar="SUPPLIER", help="the supplier's slug (its start)")
    parser.add_argument("mpn", metavar="MPN")
    parser.add_argument("seen_on", type=parse_date, metavar="SEEN_ON")
    parser.add_argument(
        "--break",
        dest="breaks",
        type=_price_break,
        action="append",
        required=True,
        metavar="QUANTITY:UNIT_PRICE",
        help="a price break; repeat for each",
    )
    parser.add_argument("--manufacturer", default="")
    parser.add_argument("--currency", default="USD")
    parser.add_argument("--supplier-part", dest="supplier_part", default="")
    parser.add_argument("--moq", default="1")
    parser.add_argument("--multiple", default="1", help="the order multiple")
    parser.add_argument("--lead-days", dest="lead_days", type=int)
    parser.add_argument("--stock", help="the supplier's stock as seen")


def _offer(parser: CommandParser) -> None:
    parser.add_argument("offer", type=int, metavar="OFFER_ID")


def _allocate(parser: CommandParser) -> None:
    parser.add_argument("buyer", metavar="BUYER", help="the buyer's slug (its start)")
    parser.add_argument("mpn", metavar="MPN")
    parser.add_argument("period_start", type=parse_date, metavar="FROM")
    parser.add_argument("period_end", type=parse_date, metavar="TO")
    parser.add_argument("quantity")
    parser.add_argument("--manufacturer", default="")


def _one_of(choices: Any, slug: str) -> Any:
    """An organisation among the choices, by the start of its slug; one the person may not
    choose is answered as one that does not exist."""
    found = list(choices.filter(slug__startswith=slug.strip().lower()).order_by("slug")[:2])
    if len(found) != 1:
        raise NotFound(f"No single organisation {slug!r} you may choose here.")
    return found[0]


class Command(WorkspaceCommand):
    help = "Supplier offers (price breaks, MOQ, lead time, stock) and committed allocations."
    subcommands = (
        ("list", "the offers you may see", _list, "list_offers"),
        ("record", "an offer as your organisation saw it", _record, "record"),
        ("retire", "an offer your organisation recorded", _offer, "retire"),
        ("allocations", "the allocations you may see", no_arguments, "list_allocations"),
        ("allocate", "commit to a buyer for a period (suppliers)", _allocate, "allocate"),
    )

    def list_offers(self, actor: Person, options: argparse.Namespace) -> Any:
        offers = offers_visible_to(actor).select_related(
            "supplier", "manufacturer_part__manufacturer"
        )
        if not options.retired:
            offers = offers.filter(retired_at__isnull=True)
        if options.mpn:
            offers = offers.filter(manufacturer_part__mpn_key=mpn_key(options.mpn))
        rows = [
            (
                o.pk,
                o.supplier.name,
                o.manufacturer_part.mpn,
                o.manufacturer_part.manufacturer.name,
                " ".join(f"{b['quantity']}+:{b['unit_price']}" for b in o.price_breaks or []),
                o.currency,
                plain_number(o.moq),
                o.lead_time_days,
                None if o.stock_quantity is None else plain_number(o.stock_quantity),
                o.seen_on.isoformat(),
                "retired" if o.retired_at else "",
            )
            for o in offers.order_by("manufacturer_part__mpn", "-seen_on", "pk")
        ]
        headers = [
            "id",
            "supplier",
            "mpn",
            "manufacturer",
            "breaks",
            "currency",
            "moq",
            "lead days",
            "stock",
            "seen",
            "state",
        ]
        return listing(rows, headers, as_json=options.json)

    def record(self, actor: Person, options: argparse.Namespace) -> Any:
        offer = services.record_offer(
            actor=actor,
            supplier=_one_of(seller_choices(actor), options.supplier),
            manufacturer_part=find_manufacturer_part(actor, options.mpn, options.manufacturer),
            price_breaks=options.breaks,
            seen_on=options.seen_on,
            currency_code=options.currency,
            supplier_part_number=options.supplier_part,
            moq=options.moq,
            order_multiple=options.multiple,
            lead_time_days=options.lead_days,
            stock_quantity=options.stock,
        )
        return f"Recorded offer {offer.pk}: {offer.supplier} for {offer.manufacturer_part}."

    def retire(self, actor: Person, options: argparse.Namespace) -> Any:
        offer = services.retire_offer(
            actor=actor, offer=get_offer_for_user(actor, options.offer, write=True)
        )
        return f"Retired offer {offer.pk}."

    def list_allocations(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = [
            (
                a.pk,
                a.supplier.name,
                a.buyer.name,
                a.manufacturer_part.mpn,
                a.period_start.isoformat(),
                a.period_end.isoformat(),
                plain_number(a.quantity),
            )
            for a in allocations_visible_to(actor)
            .select_related("supplier", "buyer", "manufacturer_part")
            .order_by("period_start", "pk")
        ]
        headers = ["id", "supplier", "buyer", "mpn", "from", "to", "quantity"]
        return listing(rows, headers, as_json=options.json)

    def allocate(self, actor: Person, options: argparse.Namespace) -> Any:
        if not reach_of(actor).seller:  # as the page: a buyer sees allocations, commits none
            raise Forbidden("Only a supplier or distributor commits allocations.")
        allocation = services.record_allocation(
            actor=actor,
            buyer=_one_of(allocation_buyer_choices(actor), options.buyer),
            manufacturer_part=find_manufacturer_part(actor, options.mpn, options.manufacturer),
            period_start=options.period_start,
            period_end=options.period_end,
            quantity_allocated=options.quantity,
        )
        return (
            f"Committed {plain_number(allocation.quantity)} of {allocation.manufacturer_part} to "
            f"{allocation.buyer} for {allocation.period_start}..{allocation.period_end}."
        )
