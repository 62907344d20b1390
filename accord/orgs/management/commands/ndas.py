"""`accord ndas ACTION --as ADMIN ...`: NDAs of your organisation.

    accord ndas list --as maya
    accord ndas register NDA-HAL-MER-26 meridian-ems --as maya --effective 2026-01-01 \\
        [--expiry 2028-01-01] [--program EBX2 ...] [--all-programs] [--document signed.pdf]
    accord ndas amend NDA-HAL-MER-26 --as maya [--expiry 2029-01-01 | --no-expiry] \\
        [--program EBX2 ...] [--document amendment.pdf]
    accord ndas terminate NDA-HAL-MER-26 --as maya
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from accord.core.access import today
from accord.core.commands import WorkspaceCommand, listing, no_arguments, parse_date
from accord.orgs import access, services
from accord.orgs.models import Nda, Person, Program
from accord.orgs.services import SignedDocument


def _programs(parser: CommandParser) -> None:
    parser.add_argument(
        "--program", action="append", default=None, metavar="CODE", help="repeat for each"
    )
    parser.add_argument("--document", metavar="PDF", help="the signed document")


def _register(parser: CommandParser) -> None:
    parser.add_argument("reference")
    parser.add_argument("counterparty", help="the other party's Accord ID")
    parser.add_argument("--title", default="")
    parser.add_argument("--effective", type=parse_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--expiry", type=parse_date, metavar="YYYY-MM-DD")
    parser.add_argument("--all-programs", action="store_true")
    _programs(parser)


def _amend(parser: CommandParser) -> None:
    parser.add_argument("reference")
    expiry = parser.add_mutually_exclusive_group()
    expiry.add_argument("--expiry", type=parse_date, metavar="YYYY-MM-DD")
    expiry.add_argument("--no-expiry", action="store_true", help="no fixed end")
    _programs(parser)


def _reference(parser: CommandParser) -> None:
    parser.add_argument("reference")


def _document(path: str | None) -> SignedDocument | None:
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file {path}.")
    limit = settings.MAX_NDA_DOCUMENT_MB * 1024 * 1024
    with file.open("rb") as handle:
        return SignedDocument.checked(handle.read(limit + 1), file.name)


class Command(WorkspaceCommand):
    help = "Register, amend and terminate the NDAs of your organisation."
    subcommands = (
        ("list", "NDAs your organisation is a party to", no_arguments, "list_ndas"),
        ("register", "register an NDA with its signed PDF", _register, "register"),
        ("amend", "a new expiry, other programs, the signed amendment", _amend, "amend"),
        ("terminate", "end an NDA today", _reference, "terminate"),
    )

    def _nda(self, actor: Person, reference: str, *, write: bool = False) -> Nda:
        found = access.ndas_visible_to(actor).filter(reference=reference).order_by("-pk").first()
        return access.get_nda_for_user(actor, found.pk if found else 0, write=write)

    def _covered(self, actor: Person, codes: list[str] | None) -> list[Program] | None:
        if codes is None:
            return None
        programs = list(access.programs_for_nda(actor).filter(code__in=codes))
        missing = sorted(set(codes) - {p.code for p in programs})
        if missing:
            raise CommandError(f"No program you can see has the code(s) {', '.join(missing)}.")
        return programs

    def list_ndas(self, actor: Person, options: argparse.Namespace) -> Any:
        day = today()
        rows = [
            (
                n.reference,
                n.party_a.name,
                n.party_b.name,
                n.effective_date,
                n.expiry_date or "",
                "in force" if n.in_force_on(day) else n.status,
                "yes" if n.document else "",
            )
            for n in access.ndas_visible_to(actor).select_related("party_a", "party_b")
        ]
        headers = ["reference", "party a", "party b", "effective", "expiry", "state", "document"]
        return listing(rows, headers, as_json=options.json)

    def register(self, actor: Person, options: argparse.Namespace) -> Any:
        if not actor.is_org_admin:
            raise CommandError("Only an organisation administrator can register NDAs.")
        counterparty = (
            access.organisations_visible_to(actor)
            .filter(slug=options.counterparty.strip().lower())
            .exclude(pk=actor.organisation_id or 0)
            .first()
        )
        if counterparty is None:
            raise CommandError(
                f"No organisation you work with has the ID {options.counterparty!r}."
            )
        assert actor.organisation is not None
        nda = services.register_nda(
            actor=actor,
            reference=options.reference,
            title=options.title,
            party_a=actor.organisation,
            party_b=counterparty,
            effective_date=options.effective,
            expiry_date=options.expiry,
            programs=self._covered(actor, options.program) or [],
            covers_all_programs=options.all_programs,
            document=_document(options.document),
        )
        return f"Registered {nda.reference} between {nda.party_a.name} and {nda.party_b.name}."

    def amend(self, actor: Person, options: argparse.Namespace) -> Any:
        nda = self._nda(actor, options.reference, write=True)
        expiry: Any = ...
        if options.no_expiry:
            expiry = None
        elif options.expiry is not None:
            expiry = options.expiry
        covered = self._covered(actor, options.program)
        if covered is not None:
            hidden = nda.programs.exclude(pk__in=access.programs_for_nda(actor).values("pk"))
            covered = [*covered, *hidden]
        services.amend_nda(
            actor=actor,
            nda=nda,
            expiry_date=expiry,
            programs=covered,
            document=_document(options.document),
        )
        return f"Amended {nda.reference}."

    def terminate(self, actor: Person, options: argparse.Namespace) -> Any:
        nda = self._nda(actor, options.reference, write=True)
        services.terminate_nda(actor=actor, nda=nda)
        return f"Terminated {nda.reference} as of today."
