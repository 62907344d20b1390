"""`accord invoice-check FILE --agreement ID --po PO --as USERNAME`: check an invoice file (CSV,
TSV, XLSX, XLS) line by line against the agreement version in force at the PO's date and its
receipts, as that person (a party of the agreement). Nothing is written unless --save: the
invoice is entered, checked and rolled back.

Options: --number (default: the file's name), --date (default today), --due (default: the date
plus the payment terms of the version in force at the PO's date; required when it has none),
--currency (default: the currency of the agreement's signed tiers), --format table|csv|json,
--save.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from accord.agreements.access import get_agreement_for_user, log_terms_read
from accord.agreements.choices import VersionStatus
from accord.agreements.invoice_import import import_invoice_file
from accord.agreements.invoice_queries import HEADERS, invoice_report
from accord.core.access import today
from accord.core.commands import _refusal, acting_person, parse_date, table
from accord.core.errors import DomainError
from accord.core.exports import to_csv_bytes


class _RolledBack(Exception):
    pass


class Command(BaseCommand):
    help = "Check an invoice file against an agreement: each line's verdict and the totals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--agreement", type=int, required=True, metavar="ID")
        parser.add_argument("--as", dest="acting_as", required=True, metavar="USERNAME")
        parser.add_argument("--po", required=True, metavar="PO", help="the PO number invoiced")
        parser.add_argument("--number", metavar="NUMBER", help="default: the file's name")
        parser.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--due",
            type=parse_date,
            metavar="YYYY-MM-DD",
            help="the due date (default: the date plus the agreement's payment terms)",
        )
        parser.add_argument("--currency", metavar="CUR")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--save", action="store_true", help="enter the invoice as well")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_person(options["acting_as"])
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Could not read {path}: {error}") from None
        try:
            agreement = get_agreement_for_user(actor, options["agreement"])
            head = {
                "number": options["number"] or path.stem,
                "date": options["date"] or today(),
                "currency": options["currency"] or _currency(agreement),
                "po_reference": options["po"],
                "due_date": options["due"],
            }
            report = self._check(actor, agreement, head, data, path.name, options["save"])
        except DomainError as error:
            raise CommandError(_refusal(error)) from None
        log_terms_read(actor, agreement, channel="cli", path=f"accord invoice-check {path.name}")
        self._print(report, options["format"])

    def _check(
        self, actor: Any, agreement: Any, head: dict[str, Any], data: bytes, name: str, save: bool
    ) -> Any:
        found: list[Any] = []
        try:
            with transaction.atomic():
                invoice = import_invoice_file(
                    actor=actor, agreement=agreement, header=head, data=data, filename=name
                )
                found.append(invoice_report(invoice))
                if not save:
                    raise _RolledBack
        except _RolledBack:
            pass
        return found[0]

    def _print(self, report: Any, fmt: str) -> None:
        rows = [line.cells() for line in report.lines]
        if fmt == "json":
            payload = {
                "invoice": report.invoice.number,
                "po_date": report.po_date,
                **report.totals(),
                "lines": [line.as_dict() for line in report.lines],
            }
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=2))
            return
        if fmt == "csv":
            self.stdout.write(to_csv_bytes(HEADERS, rows).decode("utf-8-sig"), ending="")
            return
        for line in table(rows, HEADERS):
            self.stdout.write(line)
        totals = report.totals()
        self.stdout.write(
            f"invoiced {totals['invoiced']}  agreed {totals['agreed']}  "
            f"disputed {totals['disputed']} {report.invoice.currency}"
        )


def _currency(agreement: Any) -> str:
    version = (
        agreement.versions.filter(status=VersionStatus.SIGNED).first()
        or agreement.versions.order_by("-number").first()
    )
    tiers = version.terms.get("price_tiers") if version else None
    if not tiers:
        raise CommandError("Give --currency: the agreement has no price tiers.")
    return str(tiers[0]["currency"])
