"""`accord orders ACTION --as USERNAME ...`: purchase orders from the command line.

accord orders list --as aisha [--status issued]
accord orders create EBX2 arrowpoint MER-PO-1 --as aisha [--currency USD] [--ship-to PEN1]
accord orders add-line ORDER_ID PART QTY 2027-01-15 --as aisha [--price 6.85]
accord orders issue ORDER_ID --as aisha
accord orders acknowledge ORDER_ID --as sam
accord orders confirm LINE_ID 2027-01-22 --as sam
accord orders cancel LINE_ID --reason "design change" --as aisha
accord orders receive LINE_ID PEN1 QTY --as aisha [--rejected 3 --reason "bent leads"]
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import CommandParser

from accord.core.access import get_or_404
from accord.core.commands import WorkspaceCommand, listing, parse_date
from accord.core.numbers import plain_number
from accord.orgs.models import Person
from accord.supply import services
from accord.supply.access import get_order_for_user, order_lines_visible_to, orders_visible_to
from accord.supply.choices import OrderStatus
from accord.supply.management.lookups import (
    organisation_by_slug,
    part_ref,
    program_by_code,
    site_by_code,
)


def _list(parser: CommandParser) -> None:
    parser.add_argument("--status", choices=OrderStatus.values)


def _create(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM_CODE")
    parser.add_argument("supplier", metavar="SUPPLIER")
    parser.add_argument("number")
    parser.add_argument("--currency", default="USD")
    parser.add_argument("--ship-to", dest="ship_to", metavar="SITE_CODE")


def _add_line(parser: CommandParser) -> None:
    parser.add_argument("order", type=int, metavar="ORDER_ID")
    parser.add_argument("part", metavar="PART")
    parser.add_argument("quantity")
    parser.add_argument("requested", type=parse_date, metavar="REQUESTED_DATE")
    parser.add_argument("--price", default=None)


def _order(parser: CommandParser) -> None:
    parser.add_argument("order", type=int, metavar="ORDER_ID")


def _confirm(parser: CommandParser) -> None:
    parser.add_argument("line", type=int, metavar="LINE_ID")
    parser.add_argument("date", type=parse_date, metavar="CONFIRMED_DATE")


def _cancel(parser: CommandParser) -> None:
    parser.add_argument("line", type=int, metavar="LINE_ID")
    parser.add_argument("--reason", required=True)


def _receive(parser: CommandParser) -> None:
    parser.add_argument("line", type=int, metavar="LINE_ID")
    parser.add_argument("site", metavar="SITE_CODE")
    parser.add_argument("quantity")
    parser.add_argument("--rejected", default="0")
    parser.add_argument("--reason", default="")
    parser.add_argument("--on", type=parse_date, default=None, metavar="DATE")


class Command(WorkspaceCommand):
    help = "Purchase orders: create, add lines, issue; acknowledge and confirm; receive."
    subcommands = (
        ("list", "orders you may see", _list, "list_orders"),
        ("create", "a draft order to a supplier of the program", _create, "create"),
        ("add-line", "a line on a draft or open order", _add_line, "add_line"),
        ("issue", "send a draft order to the supplier", _order, "issue"),
        ("acknowledge", "the supplier's first answer", _order, "acknowledge"),
        ("confirm", "the supplier's delivery date for a line", _confirm, "confirm"),
        ("cancel", "cancel a line", _cancel, "cancel"),
        ("receive", "a delivery against a line, with inspection", _receive, "receive"),
    )

    def list_orders(self, actor: Person, options: argparse.Namespace) -> Any:
        orders = orders_visible_to(actor).select_related("buyer", "supplier", "program")
        if options.status:
            orders = orders.filter(status=options.status)
        rows = [
            (o.pk, o.number, o.program.code, o.buyer.name, o.supplier.name, o.status)
            for o in orders.order_by("-created_at")[:1000]
        ]
        headers = ["id", "number", "program", "buyer", "supplier", "status"]
        return listing(rows, headers, as_json=options.json)

    def create(self, actor: Person, options: argparse.Namespace) -> Any:
        order = services.create_purchase_order(
            actor=actor,
            program=program_by_code(actor, options.program),
            supplier=organisation_by_slug(actor, options.supplier),
            number=options.number,
            currency_code=options.currency,
            ship_to=site_by_code(actor, options.ship_to) if options.ship_to else None,
        )
        return f"Created {order} (id {order.pk}), a draft."

    def add_line(self, actor: Person, options: argparse.Namespace) -> Any:
        order = get_order_for_user(actor, options.order, write=True)
        line = services.add_order_line(
            actor=actor,
            order=order,
            part=part_ref(actor, options.part),
            quantity_ordered=options.quantity,
            requested_date=options.requested,
            unit_price=options.price,
        )
        amount = plain_number(line.quantity)
        return f"Added line {line.line_number} (id {line.pk}): {amount} of {line.part.number}."

    def issue(self, actor: Person, options: argparse.Namespace) -> Any:
        order = services.issue_order(actor=actor, order=get_order_for_user(actor, options.order))
        return f"Issued {order}."

    def acknowledge(self, actor: Person, options: argparse.Namespace) -> Any:
        order = services.acknowledge_order(
            actor=actor, order=get_order_for_user(actor, options.order)
        )
        return f"Acknowledged {order}."

    def confirm(self, actor: Person, options: argparse.Namespace) -> Any:
        line = get_or_404(order_lines_visible_to(actor).select_related("order"), pk=options.line)
        line = services.confirm_order_line(actor=actor, line=line, confirmed_date=options.date)
        return f"Confirmed {line} for {line.confirmed_date}."

    def cancel(self, actor: Person, options: argparse.Namespace) -> Any:
        line = get_or_404(order_lines_visible_to(actor).select_related("order"), pk=options.line)
        services.cancel_order_line(actor=actor, line=line, reason=options.reason)
        return f"Cancelled {line}."

    def receive(self, actor: Person, options: argparse.Namespace) -> Any:
        line = get_or_404(
            order_lines_visible_to(actor).select_related("order", "part"), pk=options.line
        )
        delivery = services.receive_delivery(
            actor=actor,
            line=line,
            site=site_by_code(actor, options.site),
            quantity_received=options.quantity,
            received_on=options.on or dt.date.today(),
            rejected_quantity=options.rejected,
            reject_reason=options.reason,
        )
        return (
            f"Received {plain_number(delivery.quantity)} of {line.part.number}, "
            f"{plain_number(delivery.rejected_quantity)} rejected (delivery {delivery.pk})."
        )
