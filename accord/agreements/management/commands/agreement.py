"""`accord agreement ACTION --as USERNAME ...`: agreements from the command line, as that
person sees them (their access exactly as in the pages; terms read are access-logged).

accord agreement list --as maya [--retired yes|no]
accord agreement show ID --as maya [--version N]
accord agreement check ID --as maya
accord agreement diff ID --from 2 --to 3 --as maya
accord agreement set-terms ID FILE --as maya          (a JSON file of the terms)
accord agreement sign ID HASH --as maya
accord agreement retire ID --reason "Program ended" --as maya     (the buyer's people)
accord agreement reinstate ID --as maya
accord agreement match ID FILE --as maya              (an exported CSV/XLSX of the terms)
accord agreement change-check ID --term 'price_tiers[5000].unit_price' --value 9.60 --as maya
accord agreement flex-check ID --build 12 --quantity 2300 [--due 2027-05-03] --as maya
accord agreement flex-exceptions ID [--status pending] --as maya
accord agreement flex-accept EXCEPTION_ID [--note TEXT] --as priya   (the EMS)
accord agreement flex-decline EXCEPTION_ID [--note TEXT] --as priya  (the EMS)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from accord.agreements.access import (
    agreements_visible_to,
    flex_exceptions_of,
    get_agreement_for_user,
    get_flex_exception_for_user,
    get_version_for_user,
    log_terms_read,
)
from accord.agreements.change_check import parse_value
from accord.agreements.choices import FlexStatus
from accord.agreements.copies import match_copy
from accord.agreements.diff import diff_terms
from accord.agreements.display import HEADERS, terms_rows
from accord.agreements.flex_queries import (
    EXCEPTION_HEADERS,
    ProposedChange,
    change_request,
    dry_run,
    exception_cells,
    exception_dict,
    verdict_row,
)
from accord.agreements.flex_services import decide_flex_exception
from accord.agreements.queries import agreement_detail
from accord.agreements.services import (
    reinstate_agreement,
    retire_agreement,
    save_terms,
    sign_agreement_version,
)
from accord.agreements.terms import parse_terms
from accord.core.commands import WorkspaceCommand, listing, parse_bool
from accord.orgs.models import Person
from accord.parts.bom_import.tables import DEFAULT_MAX_BYTES


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


def _list(parser: CommandParser) -> None:
    parser.add_argument(
        "--retired", type=parse_bool, metavar="yes|no", help="only retired (yes) or in use (no)"
    )


def _retire(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("--reason", required=True, help="why the agreement ends")


def _sign(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("hash", metavar="HASH", help="the SHA-256 of the version you read")


def _match(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("file", type=Path, metavar="FILE", help="an exported CSV or XLSX")


def _change_check(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("--term", required=True, help="e.g. price_tiers[5000].unit_price")
    parser.add_argument("--value", required=True, help="the new value (JSON or text)")


def _flex_check(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("--build", type=int, required=True, metavar="BUILD_ID")
    parser.add_argument("--quantity", type=Decimal, metavar="N", help="default: unchanged")
    parser.add_argument(
        "--due", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="default: unchanged"
    )


def _flex_exceptions(parser: CommandParser) -> None:
    _agreement(parser)
    parser.add_argument("--status", choices=FlexStatus.values)


def _decide(parser: CommandParser) -> None:
    parser.add_argument("exception", type=int, metavar="EXCEPTION_ID")
    parser.add_argument("--note", default="")


class Command(WorkspaceCommand):
    help = (
        "Agreements (statements of work): list, show, check, diff, edit, sign, retire, "
        "reinstate and match a copy."
    )
    subcommands = (
        ("list", "the agreements you may see", _list, "list"),
        ("show", "a version's terms and hash", _show, "show"),
        ("check", "the check before signing of the current draft", _agreement, "check_draft"),
        ("diff", "the clauses that differ between two versions", _diff, "diff"),
        ("set-terms", "edit the draft's terms from a JSON file", _set_terms, "set_terms"),
        ("sign", "sign the current draft's hash for your side", _sign, "sign"),
        ("retire", "end the agreement (the buyer's people)", _retire, "retire"),
        ("reinstate", "undo a retirement (the buyer's people)", _agreement, "reinstate"),
        ("match", "which version an exported copy is, and what changed in it", _match, "match"),
        (
            "change-check",
            "a change request against the SOW: in it, an amendment, or not in it",
            _change_check,
            "change_check",
        ),
        ("flex-check", "what a build change would answer today", _flex_check, "flex_check"),
        (
            "flex-exceptions",
            "schedule changes beyond a flex band",
            _flex_exceptions,
            "flex_exceptions",
        ),
        ("flex-accept", "the EMS accepts a flex exception", _decide, "flex_accept"),
        ("flex-decline", "the EMS declines a flex exception", _decide, "flex_decline"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        found = agreements_visible_to(actor).select_related("program", "buyer", "partner")
        if options.retired is not None:
            found = found.filter(retired_at__isnull=not options.retired)
        rows = [
            (
                a.pk,
                a.title,
                a.program.code,
                a.buyer.name,
                a.partner.name,
                timezone.localdate(a.retired_at).isoformat() if a.retired_at else "",
            )
            for a in found
        ]
        headers = ["id", "title", "program", "buyer", "partner", "retired"]
        return listing(rows, headers, as_json=options.json)

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

    def retire(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement, buyer=True)
        retired = retire_agreement(actor=actor, agreement=agreement, reason=options.reason)
        assert retired.retired_at is not None
        return f"Retired {retired.title} on {timezone.localdate(retired.retired_at).isoformat()}."

    def reinstate(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement, buyer=True)
        reinstate_agreement(actor=actor, agreement=agreement)
        return f"Reinstated {agreement.title}: in force again."

    def match(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        path: Path = options.file
        try:
            with path.open("rb") as handle:
                data = handle.read(DEFAULT_MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Could not read {path}: {error}") from None
        result = match_copy(agreement, data, path.name)
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        if options.json:
            return result.as_dict()
        lines = [result.summary, f"printed SHA-256: {result.printed_hash}"]
        lines.append(f"file's SHA-256:  {result.file_hash}")
        return lines + [f"  {line}" for line in result.differences]

    def change_check(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        version, answer = change_request(agreement, options.term, parse_value(options.value))
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        if options.json:
            return {"version": version.number, **answer.as_dict()}
        return f"{answer.answer} (version {version.number}): {answer.message}"

    def flex_check(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        change = ProposedChange(options.build, options.quantity, options.due)
        verdict = dry_run(actor, agreement, [change])[0]
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        if options.json:
            return verdict_row(options.build, verdict)
        return f"{verdict.outcome}: {verdict.message}"

    def flex_exceptions(self, actor: Person, options: argparse.Namespace) -> Any:
        agreement = get_agreement_for_user(actor, options.agreement)
        found = flex_exceptions_of(actor, agreement)
        if options.status:
            found = found.filter(status=options.status)
        log_terms_read(actor, agreement, channel="cli", path=self._path(options))
        if options.json:
            return [exception_dict(e) for e in found]
        return listing([exception_cells(e) for e in found], EXCEPTION_HEADERS, as_json=False)

    def _decide(self, actor: Person, options: argparse.Namespace, accept: bool) -> str:
        exception = get_flex_exception_for_user(actor, options.exception, decide=True)
        decided = decide_flex_exception(
            actor=actor, exception=exception, accept=accept, note=options.note
        )
        return f"Flex exception {decided.pk} (build {decided.build_id}): {decided.status}."

    def flex_accept(self, actor: Person, options: argparse.Namespace) -> Any:
        return self._decide(actor, options, True)

    def flex_decline(self, actor: Person, options: argparse.Namespace) -> Any:
        return self._decide(actor, options, False)
