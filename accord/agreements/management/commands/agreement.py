"""`accord agreement ACTION --as USERNAME ...`: agreements from the command line, as that
person sees them (their access exactly as in the pages; terms read are access-logged).

accord agreement list --as maya
accord agreement show ID --as maya [--version N]
accord agreement check ID --as maya
accord agreement diff ID --from 2 --to 3 --as maya
accord agreement set-terms ID FILE --as maya          (a JSON file of the terms)
accord agreement sign ID HASH --as maya
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accord.agreements.access import (
    agreements_visible_to,
    get_agreement_for_user,
    get_version_for_user,
    log_terms_read,
)
from accord.agreements.diff import diff_terms
from accord.agreements.display import HEADERS, terms_rows
from accord.agreements.queries import agreement_detail
from accord.agreements.services import save_terms, sign_agreement_version
from accord.agreements.terms import parse_terms
from accord.core.commands import WorkspaceCommand, listing, no_arguments
from accord.orgs.models import Person


def _agreement(parser: CommandParser) -> None:
    parser.add_argument("agreement", type=int, metavar="ID")


def _show(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("--version", type=int, metavar="N", help="default: the current one")


def _diff(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("--from", dest="older", type=int, required=True, metavar="N")
    parser.add_argument("--to", dest="newer", type=int, required=True, metavar="N")


def _set_terms(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("file", type=Path, metavar="FILE", help="the terms as JSON")


def _sign(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("hash", metavar="HASH", help="the SHA-256 of the version you read")


class Command(WorkspaceCommand):
    help = "Agreements (statements of work): list, show, check, diff, edit and sign."
    subcommands = (
        ("list", "the agreements you may see", no_arguments, "list"),
        ("show", "a version's terms and hash", _show, "show"),
        ("check", "the check before signing of the current draft", _agreement, "check_draft"),
        ("diff", "the clauses that differ between two versions", _diff, "diff"),
        ("set-terms", "edit the draft's terms from a JSON file", _set_terms, "set_terms"),
        ("sign", "sign the current draft's hash for your side", _sign, "sign"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = [
            (a.pk, a.title, a.program.code, a.buyer.name, a.partner.name)
            for a in agreements_visible_to(actor).select_related("program", "buyer", "partner")
        ]
        return listing(rows, ["id", "title", "program", "buyer", "partner"], as_json=options.json)

    def _path(self, options: argparse.Namespace) -> str:
        return f"accord agreement {options.action} {options.agreement}"

    def show(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        if options.version is None:
            version = agreement_detail(agreement).current
            if version is None:
                raise CommandError("This agreement has no version.")
        else:
            version = get_version_for_user(actor, agreement, options.version)
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        if options.json:
            return {
                "version": version.number,
                "status": version.status,
                "terms_hash": version.terms_hash,
                "terms": version.terms,
            }
        head = f"{agreement.title} version {version.number} ({version.status}) {version.terms_hash}"
        return [head, *listing(terms_rows(parse_terms(version.terms)), HEADERS, as_json=False)]

    def check_draft(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        detail = agreement_detail(agreement)
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        if options.json:
            return [{"clause": p.clause, "message": p.message} for p in detail.problems] + [
                {"clause": p.clause, "message": p.message, "note": True} for p in detail.notes
            ]
        notes = [f"note (does not block signing): {p}" for p in detail.notes]
        return ([str(p) for p in detail.problems] or ["No problem found."]) + notes

    def diff(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        older = get_version_for_user(actor, agreement, options.older)
        newer = get_version_for_user(actor, agreement, options.newer)
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        lines = diff_terms(parse_terms(older.terms), parse_terms(newer.terms))
        return lines or ["No clause differs."]

    def set_terms(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        try:
            data = json.loads(options.file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {options.file}: {error}") from None
        version = save_terms(actor=actor, agreement=agreement, terms=data)
        return f"Saved draft version {version.number}: {version.terms_hash}"

    def sign(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement, sign=True)
        version = sign_agreement_version(actor=actor, agreement=agreement, terms_hash=options.hash)
        return f"Signed version {version.number} ({version.status})."
