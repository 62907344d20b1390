"""What the workspace commands share (`accord people`, `accord programs`, `accord ndas` ...):
subcommands, the person they act as (`--as USERNAME`, with that person's access exactly as in
the pages and the API), refusals printed as one clear line with a non-zero exit status."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accord.core.errors import DomainError


def no_arguments(parser: CommandParser) -> None:
    """A subcommand that needs nothing beyond --as and --json."""


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not yes or no")


def acting_person(username: str) -> Any:
    """The active person a command acts as; every access rule applies to them."""
    from accord.orgs.models import Person

    person = (
        Person.objects.select_related("organisation")
        .filter(username__iexact=username.strip())
        .first()
    )
    if person is None or not person.is_active or person.organisation_id is None:
        raise CommandError(f"No active person with the username {username!r}.")
    return person


class WorkspaceCommand(BaseCommand):
    """A command with subcommands, each `(name, help, add_arguments, handler)`. Handlers take
    (actor, options) and return what to print: a string, a list of lines, or data for --json."""

    subcommands: Sequence[tuple[str, str, Callable[[CommandParser], None], str]] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for name, help_text, add, _handler in self.subcommands:
            child = sub.add_parser(name, help=help_text, description=help_text)
            child.add_argument(
                "--as",
                dest="acting_as",
                required=True,
                metavar="USERNAME",
                help="the person who acts (their access applies, as in the pages)",
            )
            child.add_argument("--json", action="store_true", help="print JSON")
            add(child)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        handler_name = next(h for n, _help, _add, h in self.subcommands if n == action)
        actor = acting_person(options["acting_as"])
        namespace = argparse.Namespace(**options)
        try:
            result = getattr(self, handler_name)(actor, namespace)
        except DomainError as error:
            raise CommandError(_refusal(error)) from None
        self._print(result, as_json=options["json"])

    def _print(self, result: Any, *, as_json: bool) -> None:
        if result is None:
            return
        if as_json:
            self.stdout.write(json.dumps(result, cls=DjangoJSONEncoder, indent=2))
        elif isinstance(result, str):
            self.stdout.write(result)
        elif isinstance(result, dict):
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
        else:
            for line in result:
                self.stdout.write(str(line))


def _refusal(error: DomainError) -> str:
    field = error.detail.get("field") if isinstance(error.detail, dict) else None
    where = f" [{field}]" if field else ""
    return f"{error.message}{where} ({error.code}, {error.http_status})"


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> list[str]:
    """Rows as aligned text columns for a terminal."""
    text = [[str(h) for h in headers], *[["" if v is None else str(v) for v in r] for r in rows]]
    widths = [max(len(row[i]) for row in text) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in text]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return [line.rstrip() for line in lines]


def listing(rows: Sequence[Sequence[Any]], headers: Sequence[str], *, as_json: bool) -> Any:
    """Rows as --json gives them (one object per row, keyed by the headers) or as a table."""
    if as_json:
        return [dict(zip(headers, row, strict=True)) for row in rows]
    return table(rows, headers)
