"""`accord stock ACTION --as USERNAME ...`: sites, stock and its ledger from the command line.

accord stock sites --as aisha
accord stock add-site PEN1 "Penang plant" --as aisha [--kind plant] [--country MY]
accord stock retire-site PEN1 --as aisha
accord stock list --as aisha [--site PEN1] [--part NUMBER]
accord stock receive PEN1 PART QTY --as aisha [--owner halcyon] [--reference ...]
accord stock issue ITEM_ID QTY --as aisha [--reference WO-17]
accord stock adjust ITEM_ID CHANGE --reason "cycle count" --as aisha
accord stock scrap ITEM_ID QTY --reason "ESD damage" --as aisha
accord stock transfer ITEM_ID PEN-WH QTY --as aisha
accord stock levels PEN1 PART --min 400 --safety 100 --as aisha
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

from accord.core.commands import WorkspaceCommand, listing, no_arguments
from accord.core.numbers import plain_number
from accord.orgs.models import Person
from accord.supply import services
from accord.supply.access import (
    get_site_for_user,
    get_stock_item_for_user,
    sites_visible_to,
    stock_visible_to,
)
from accord.supply.choices import SiteKind
from accord.supply.management.lookups import organisation_by_slug, part_ref, site_by_code


def _add_site(parser: CommandParser) -> None:
    parser.add_argument("code")
    parser.add_argument("name")
    parser.add_argument("--kind", choices=SiteKind.values, default=SiteKind.PLANT)
    parser.add_argument("--country", default="")


def _site_code(parser: CommandParser) -> None:
    parser.add_argument("code", metavar="SITE_CODE")


def _list(parser: CommandParser) -> None:
    parser.add_argument("--site", metavar="CODE")
    parser.add_argument("--part", metavar="NUMBER")


def _receive(parser: CommandParser) -> None:
    parser.add_argument("site", metavar="SITE_CODE")
    parser.add_argument("part", metavar="PART")
    parser.add_argument("quantity")
    parser.add_argument("--owner", metavar="ORGANISATION", help="the customer who consigned it")
    parser.add_argument("--reference", default="")


def _item_quantity(parser: CommandParser) -> None:
    parser.add_argument("item", type=int, metavar="ITEM_ID")
    parser.add_argument("quantity")
    parser.add_argument("--reference", default="")
    parser.add_argument("--reason", default="")


def _transfer(parser: CommandParser) -> None:
    parser.add_argument("item", type=int, metavar="ITEM_ID")
    parser.add_argument("to_site", metavar="SITE_CODE")
    parser.add_argument("quantity")
    parser.add_argument("--reference", default="")


def _levels(parser: CommandParser) -> None:
    parser.add_argument("site", metavar="SITE_CODE")
    parser.add_argument("part", metavar="PART")
    parser.add_argument("--min", dest="min_level", required=True)
    parser.add_argument("--safety", dest="safety_stock", required=True)


class Command(WorkspaceCommand):
    help = "Sites, stock and its ledger: receive, issue, adjust, scrap, transfer, levels."
    subcommands = (
        ("sites", "the sites you may see", no_arguments, "sites"),
        ("add-site", "add a site of your organisation (administrators)", _add_site, "add_site"),
        ("retire-site", "stop stock moves at a site (administrators)", _site_code, "retire_site"),
        ("list", "stock you may see", _list, "list_stock"),
        ("receive", "goods into stock", _receive, "receive"),
        ("issue", "goods out to a build", _item_quantity, "issue"),
        ("adjust", "a counted correction (signed), with --reason", _item_quantity, "adjust"),
        ("scrap", "goods scrapped, with --reason", _item_quantity, "scrap"),
        ("transfer", "goods to another site of yours", _transfer, "transfer"),
        ("levels", "Min level and safety stock of a part at a site", _levels, "levels"),
    )

    def sites(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = [
            (
                s.code,
                s.name,
                s.get_kind_display(),
                s.organisation.name,
                "retired" if s.retired_at else "",
            )
            for s in sites_visible_to(actor)
            .select_related("organisation")
            .order_by("organisation__name", "code")
        ]
        headers = ["code", "name", "kind", "organisation", "state"]
        return listing(rows, headers, as_json=options.json)

    def add_site(self, actor: Person, options: argparse.Namespace) -> Any:
        site = services.create_site(
            actor=actor,
            code=options.code,
            name=options.name,
            kind=options.kind,
            country=options.country,
        )
        return f"Added site {site}."

    def retire_site(self, actor: Person, options: argparse.Namespace) -> Any:
        site = site_by_code(actor, options.code)
        retired = services.retire_site(
            actor=actor, site=get_site_for_user(actor, site.pk, write=True)
        )
        return f"Retired site {retired}; its ledger stays."

    def list_stock(self, actor: Person, options: argparse.Namespace) -> Any:
        items = (
            stock_visible_to(actor)
            .select_related("site", "part", "owner")
            .order_by("site__code", "part__number")
        )
        if options.site:
            items = items.filter(site__code=options.site)
        if options.part:
            items = items.filter(part__number=options.part)
        rows = [
            (i.pk, i.site.code, i.part.number, i.owner.name, plain_number(i.on_hand))
            for i in items[:5000]
        ]
        headers = ["item", "site", "part", "owner", "on hand"]
        return listing(rows, headers, as_json=options.json)

    def receive(self, actor: Person, options: argparse.Namespace) -> Any:
        move = services.receive_stock(
            actor=actor,
            site=site_by_code(actor, options.site),
            part=part_ref(actor, options.part),
            quantity_received=options.quantity,
            owner=organisation_by_slug(actor, options.owner) if options.owner else None,
            reference=options.reference,
        )
        return _moved(move)

    def issue(self, actor: Person, options: argparse.Namespace) -> Any:
        item = get_stock_item_for_user(actor, options.item, write=True)
        return _moved(
            services.issue_stock(
                actor=actor,
                item=item,
                quantity_issued=options.quantity,
                reference=options.reference,
            )
        )

    def adjust(self, actor: Person, options: argparse.Namespace) -> Any:
        item = get_stock_item_for_user(actor, options.item, write=True)
        return _moved(
            services.adjust_stock(
                actor=actor, item=item, change=options.quantity, reason=options.reason
            )
        )

    def scrap(self, actor: Person, options: argparse.Namespace) -> Any:
        item = get_stock_item_for_user(actor, options.item, write=True)
        return _moved(
            services.scrap_stock(
                actor=actor, item=item, quantity_scrapped=options.quantity, reason=options.reason
            )
        )

    def transfer(self, actor: Person, options: argparse.Namespace) -> Any:
        item = get_stock_item_for_user(actor, options.item, write=True)
        out, into = services.transfer_stock(
            actor=actor,
            item=item,
            to_site=site_by_code(actor, options.to_site),
            quantity_moved=options.quantity,
            reference=options.reference,
        )
        return [_moved(out), _moved(into)]

    def levels(self, actor: Person, options: argparse.Namespace) -> Any:
        level = services.set_stock_level(
            actor=actor,
            site=site_by_code(actor, options.site),
            part=part_ref(actor, options.part),
            min_level=options.min_level,
            safety_stock=options.safety_stock,
        )
        return (
            f"Min level {plain_number(level.min_level)}, safety stock "
            f"{plain_number(level.safety_stock)}."
        )


def _moved(move: Any) -> str:
    item = move.item
    return (
        f"{move.get_kind_display()} {plain_number(move.quantity)} of {item.part.number} at "
        f"{item.site.code} ({item.owner.name}): {plain_number(move.balance_after)} on hand "
        f"(item {item.pk})."
    )
