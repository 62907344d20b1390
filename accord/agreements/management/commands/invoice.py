"""`accord invoice ACTION --as USERNAME ...`: invoices already entered, as that person sees them
(enter and check one with `accord invoice-check`, record its payment with `accord invoice-paid`).

accord invoice list AGREEMENT --as maya [--withdrawn yes|no]
accord invoice withdraw INVOICE_ID --reason "Entered twice" --as priya   (the party that entered it)
accord invoice fee-requests AGREEMENT --as maya
accord invoice cancel-fee-request REQUEST_ID --reason "Recorded by mistake" --as maya  (the buyer)
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

from accord.agreements.access import (
    fee_requests_of,
    get_agreement_for_user,
    get_fee_request_for_user,
    get_invoice_for_user,
    invoices_visible_to,
)
from accord.agreements.invoice_services import cancel_fee_request, withdraw_invoice
from accord.core.commands import WorkspaceCommand, listing, parse_bool
from accord.orgs.models import Person


def _agreement(parser: CommandParser) -> None:
    parser.add_argument("agreement", type=int, metavar="AGREEMENT", help="the agreement's id")


def _list(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument(
        "--withdrawn", type=parse_bool, metavar="yes|no", help="only withdrawn (yes) or not (no)"
    )


def _withdraw(parser: CommandParser) -> None:
    parser.add_argument("invoice", type=int, metavar="INVOICE_ID")
    parser.add_argument("--reason", required=True, help="why, for the record")


def _cancel(parser: CommandParser) -> None:
    parser.add_argument("fee_request", type=int, metavar="REQUEST_ID")
    parser.add_argument("--reason", required=True, help="why, for the record")


class Command(WorkspaceCommand):
    help = "Invoices entered: list them, withdraw one; written fee requests: list, cancel."
    subcommands = (
        ("list", "the agreement's invoices (heads only)", _list, "list"),
        (
            "withdraw",
            "withdraw an invoice entered by mistake (the party that entered it; not once paid)",
            _withdraw,
            "withdraw",
        ),
        ("fee-requests", "the agreement's written fee requests", _agreement, "fee_requests"),
        (
            "cancel-fee-request",
            "cancel a written fee request recorded by mistake (the buyer's people)",
            _cancel,
            "cancel_fee_request",
        ),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        invoices = invoices_visible_to(actor).filter(agreement=agreement)
        if options.withdrawn is not None:
            invoices = invoices.filter(withdrawn_at__isnull=not options.withdrawn)
        rows = [
            (
                i.pk,
                i.number,
                i.date.isoformat(),
                i.po_reference,
                i.currency,
                i.due_date.isoformat() if i.due_date else "",
                i.paid_on.isoformat() if i.paid_on else "",
                "withdrawn" if i.is_withdrawn else "in force",
            )
            for i in invoices
        ]
        return listing(
            rows,
            ["id", "number", "date", "po", "currency", "due", "paid_on", "status"],
            as_json=options.json,
        )

    def withdraw(self, actor: Person, options: argparse.Namespace) -> Any:
        invoice = get_invoice_for_user(actor, options.invoice)
        withdraw_invoice(actor=actor, invoice=invoice, reason=options.reason)
        if options.json:
            return {
                "id": invoice.pk,
                "number": invoice.number,
                "withdrawn_at": invoice.withdrawn_at,
            }
        return f"Withdrew invoice {invoice.number}: it stays readable, and is no billing any more."

    def fee_requests(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        rows = [
            (
                f.pk,
                f.code,
                f.requested_on.isoformat(),
                f.reference,
                f"cancelled: {f.cancel_reason}" if f.cancelled_at else "standing",
            )
            for f in fee_requests_of(actor, agreement)
        ]
        return listing(
            rows, ["id", "code", "requested_on", "reference", "status"], as_json=options.json
        )

    def cancel_fee_request(self, actor: Person, options: argparse.Namespace) -> Any:
        fee_request = get_fee_request_for_user(actor, options.fee_request, buyer=True)
        cancel_fee_request(actor=actor, fee_request=fee_request, reason=options.reason)
        if options.json:
            return {"id": fee_request.pk, "code": fee_request.code}
        return f"Cancelled the written request for {fee_request.code}."
