"""`accord invoice-paid INVOICE_ID --on YYYY-MM-DD --as USERNAME`: the buyer records the day it
paid an invoice (or corrects it), as that person: a person of the buyer who sees the agreement.
The issuer is refused; a person who may not see the invoice is told it does not exist.

Prints the invoice's number, due date and the day paid (--format json for the same as data).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.agreements.access import get_invoice_for_user
from accord.agreements.invoice_services import record_invoice_payment
from accord.core.commands import _refusal, acting_person, parse_date
from accord.core.errors import DomainError


class Command(BaseCommand):
    help = "Record the day the buyer paid an invoice (or correct it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("invoice", type=int, metavar="INVOICE_ID")
        parser.add_argument(
            "--on", dest="paid_on", type=parse_date, required=True, metavar="YYYY-MM-DD"
        )
        parser.add_argument("--as", dest="acting_as", required=True, metavar="USERNAME")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_person(options["acting_as"])
        try:
            invoice = get_invoice_for_user(actor, options["invoice"], buyer=True)
            invoice = record_invoice_payment(
                actor=actor, invoice=invoice, paid_on=options["paid_on"]
            )
        except DomainError as error:
            raise CommandError(_refusal(error)) from None
        due = invoice.due_date.isoformat() if invoice.due_date else None
        paid = invoice.paid_on.isoformat() if invoice.paid_on else None
        if options["format"] == "json":
            payload = {"id": invoice.pk, "number": invoice.number, "due_date": due, "paid_on": paid}
            self.stdout.write(json.dumps(payload, indent=2))
            return
        verdict = ""
        if invoice.due_date and invoice.paid_on:
            verdict = " (on time)" if invoice.paid_on <= invoice.due_date else " (late)"
        self.stdout.write(
            f"Invoice {invoice.number}: due {due or 'not kept'}, paid on {paid}{verdict}."
        )
