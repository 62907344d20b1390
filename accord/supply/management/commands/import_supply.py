"""`accord import-supply KIND FILE --as USERNAME [--commit] [--json]`: preview (or import)
stock on hand, purchase-order lines, supplier offers, builds or allocations from a file.

Prints the columns recognised, the counts and every problem with file, sheet, row and column.
Without --commit nothing is written. Exit status 0 when the file is (or would be) imported
whole, 1 when it has problems (nothing written)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.parts.management.commands.import_bom import active_person, read_file, where
from accord.supply.import_api import result_out
from accord.supply.imports.vocabulary import KINDS
from accord.supply.services.imports import import_supply

PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = "Import stock, purchase-order lines, offers, builds or allocations from a file."
    requires_system_checks: list[str] = []  # as import-bom: the checks would load the whole API

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="import (default: preview)")
        parser.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = active_person(options["as_user"])
        data, filename = read_file(options["file"])
        try:
            result = import_supply(
                actor=actor,
                kind=options["kind"],
                data=data,
                filename=filename,
                commit=options["commit"],
            )
        except DomainError as error:
            if options["json"]:
                self.stdout.write(json.dumps(error.as_dict(), default=str))
            raise CommandError(error.message) from None
        payload = result_out(result)
        if options["json"]:
            self.stdout.write(json.dumps(payload, default=str))
        else:
            self._print(payload)
        if not result.ok:
            raise CommandError(
                f"{result.errors} problem(s) in {result.file}: nothing was imported.",
                returncode=1,
            )
        if not options["commit"]:
            self.stderr.write("Preview: nothing was written (add --commit to import).")

    def _print(self, payload: dict[str, Any]) -> None:
        verb = "Imported" if payload["committed"] else "Read"
        sheet = f", sheet {payload['sheet']}" if payload["sheet"] else ""
        self.stdout.write(
            f"{verb} {payload['file']}{sheet} ({payload['kind']}): {payload['rows']} rows"
        )
        for field, column in payload["columns"].items():
            self.stdout.write(f"  {field}: {column}")
        for key, value in payload["counts"].items():
            self.stdout.write(f"  {value} {key.replace('_', ' ')}")
        problems = payload["problems"]
        if problems:
            self.stdout.write(f"Problems: {payload['problem_count']}")
            for p in problems[:PROBLEMS_SHOWN]:
                self.stdout.write(f"  {p['severity']}: {p['message']} ({where(p)})")
            if payload["problem_count"] > PROBLEMS_SHOWN:
                self.stdout.write(f"  ... and {payload['problem_count'] - PROBLEMS_SHOWN} more")
