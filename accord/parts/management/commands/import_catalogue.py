"""`accord import-catalogue FILE --as USERNAME [--dry-run] [--json]`: load a parts list
(manufacturer, MPN, category, lifecycle, parameters) into the catalogue, idempotently."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.parts.management.commands.import_bom import active_person, read_file
from accord.parts.services.catalogue_staging import (
    dry_run_catalogue,
    result_dict,
    run_catalogue_import,
)

PROBLEMS_SHOWN = 20
COUNTS = (
    ("manufacturers_created", "manufacturers added"),
    ("manufacturer_parts_created", "manufacturer parts added"),
    ("manufacturer_parts_updated", "manufacturer parts updated"),
    ("parts_created", "parts created"),
    ("sources_created", "approved sources created"),
    ("parameters_created", "parameters added"),
)


class Command(BaseCommand):
    help = "Import a parts list (Digi-Key, Octopart CPL, Horizon pool or any MPN sheet)."
    requires_system_checks: list[str] = []  # as import-bom: the checks would load the whole API

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
        parser.add_argument("--dry-run", action="store_true", help="count, write nothing")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = active_person(options["as_user"])
        data, filename = read_file(options["file"])
        run = dry_run_catalogue if options["dry_run"] else run_catalogue_import
        try:
            result = run(actor=actor, data=data, filename=filename)
        except DomainError as error:
            if options["json"]:
                self.stdout.write(json.dumps(error.as_dict(), default=str))
            raise CommandError(error.message) from None
        payload = {**result_dict(result), "dry_run": options["dry_run"]}
        if options["json"]:
            self.stdout.write(json.dumps(payload, default=str))
            return
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {filename} ({result.kind} layout, {result.rows} parts):")
        for key, label in COUNTS:
            self.stdout.write(f"  {payload[key]} {label}")
        if not result.changed:
            self.stdout.write("  The catalogue already held everything: nothing changed.")
        problems = payload["problems"]
        if problems:
            self.stdout.write(f"Rows skipped or with problems: {len(problems)}")
            for p in problems[:PROBLEMS_SHOWN]:
                where = ", ".join(
                    x for x in (f"row {p['row']}" if p.get("row") else "", p.get("column")) if x
                )
                self.stdout.write(f"  {p['message']} ({filename}{', ' + where if where else ''})")
            if len(problems) > PROBLEMS_SHOWN:
                self.stdout.write(f"  ... and {len(problems) - PROBLEMS_SHOWN} more")
        if options["dry_run"]:
            self.stderr.write("Dry run: nothing was written.")
