"""`accord rfq ACTION --as USERNAME ...`: requests for quotes from the command line, as that
person sees them (an EMS its own quote only; the buyer's reads of quotes are access-logged).

accord rfq list --as maya
accord rfq compare RFQ --as maya [--format table|csv|json]
accord rfq close RFQ --as maya [--reason "Program cancelled"]     (without award)
accord rfq withdraw-quote RFQ QUOTE --reason "Wrong currency" --as priya   (the quote's EMS)
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accord.agreements.access import (
    get_quote_for_user,
    get_rfq_for_user,
    log_quote_reads,
    quotes_visible_to,
    rfqs_visible_to,
)
from accord.agreements.rfq_queries import HEADERS, comparison_rows
from accord.agreements.rfq_services import close_rfq, withdraw_quote
from accord.core.access import today
from accord.core.commands import WorkspaceCommand, listing, no_arguments, table
from accord.core.exports import to_csv_bytes
from accord.orgs.models import Person


def _compare(parser: CommandParser) -> None:
    parser.add_argument("rfq", type=int, metavar="RFQ", help="the RFQ's id")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")


def _close(parser: CommandParser) -> None:
    parser.add_argument("rfq", type=int, metavar="RFQ", help="the RFQ's id")
    parser.add_argument("--reason", default="", help="why, for the record")


def _withdraw_quote(parser: CommandParser) -> None:
    parser.add_argument("rfq", type=int, metavar="RFQ", help="the RFQ's id")
    parser.add_argument("quote", type=int, metavar="QUOTE", help="the quote's id")
    parser.add_argument("--reason", required=True, help="why, told to the buyer")


class Command(WorkspaceCommand):
    help = (
        "Requests for quotes: list them, compare the quotes at landed cost, close one, "
        "withdraw your quote."
    )
    subcommands = (
        ("list", "the RFQs you may see", no_arguments, "list"),
        ("compare", "every quote you may see at every volume, at landed cost", _compare, "compare"),
        ("close", "close an open RFQ without award (the buyer's people)", _close, "close"),
        (
            "withdraw-quote",
            "withdraw your quote while the RFQ is open (the quote's EMS)",
            _withdraw_quote,
            "withdraw_quote",
        ),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = [
            (r.pk, r.title, r.program.code, r.bom.assembly.number, r.bom.revision, r.status)
            for r in rfqs_visible_to(actor).select_related("program", "bom__assembly")
        ]
        return listing(
            rows, ["id", "title", "program", "assembly", "revision", "status"], as_json=options.json
        )

    def compare(self, actor: Person, options: argparse.Namespace) -> Any:
        rfq = get_rfq_for_user(actor, options.rfq)
        quotes = quotes_visible_to(actor)
        rows = comparison_rows(rfq, quotes, today())
        log_quote_reads(
            actor,
            rfq,
            list(quotes.filter(rfq=rfq).only("pk", "supplier_id", "rfq_id")),
            channel="cli",
            path=f"accord rfq compare {rfq.pk}",
        )
        if options.json or options.format == "json":
            payload = {"rfq": rfq.pk, "title": rfq.title, "volumes": rfq.volumes}
            payload["rows"] = [r.as_dict() for r in rows]
            return json.dumps(payload, cls=DjangoJSONEncoder, indent=2)
        if options.format == "csv":
            return (
                to_csv_bytes(HEADERS, [r.cells() for r in rows]).decode("utf-8-sig").rstrip("\r\n")
            )
        return [
            f"{rfq.title}: volumes {', '.join(f'{v:,}' for v in rfq.volumes)}",
            *table([r.cells() for r in rows], HEADERS),
        ]

    def close(self, actor: Person, options: argparse.Namespace) -> Any:
        rfq = get_rfq_for_user(actor, options.rfq, buyer=True)
        close_rfq(actor=actor, rfq=rfq, reason=options.reason)
        return f"Closed {rfq.title} without award."

    def withdraw_quote(self, actor: Person, options: argparse.Namespace) -> Any:
        rfq = get_rfq_for_user(actor, options.rfq)
        quote = get_quote_for_user(actor, rfq, options.quote, supplier=True)
        withdraw_quote(actor=actor, rfq=rfq, quote=quote, reason=options.reason)
        if options.json:
            return {"rfq": rfq.pk, "quote": quote.pk, "withdrawn_at": quote.withdrawn_at}
        return f"Withdrew your quote {quote.pk} for {rfq.title}: it is in no comparison."
