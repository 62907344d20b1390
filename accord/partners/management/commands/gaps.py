"""`accord gaps PROGRAM --as USERNAME [--format table|csv] [--sort verdict]`: the program's gap
view, each partner site against each requirement (the owner's members see every partner's
sites, a partner's members their own only; anyone else: not found).

accord gaps PHRM --as maya
accord gaps PHRM --as maya --format csv > gaps.csv
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accord.core.access import today
from accord.core.commands import acting_person, table
from accord.core.errors import DomainError
from accord.core.exports import to_csv_bytes
from accord.partners.choices import GapVerdict
from accord.partners.gaps import HEADERS, SORTS, gap_report, sorted_rows
from accord.partners.requirement_access import (
    gap_organisations,
    get_program_by_code_for_requirements,
)


class Command(BaseCommand):
    help = "A program's gaps: each partner site against each requirement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", metavar="PROGRAM", help="the program's code, e.g. PHRM")
        parser.add_argument("--as", dest="acting_as", required=True, metavar="USERNAME")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--sort", default="organisation", help=", ".join(SORTS))

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_person(options["acting_as"])
        try:
            program = get_program_by_code_for_requirements(actor, options["program"])
            report = gap_report(
                program, organisations=gap_organisations(actor, program), day=today()
            )
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code}, {error.http_status})") from None
        rows = sorted_rows(report.rows, options["sort"])
        data = [r.cells() for r in rows]
        if options["format"] == "csv":
            self.stdout.write(to_csv_bytes(HEADERS, data).decode("utf-8-sig").rstrip("\r\n"))
            return
        summary = report.summary
        if options["format"] == "json":
            payload = {
                "program": program.code,
                "day": report.day,
                "last_build": report.last_build,
                "summary": summary,
                "rows": [dict(zip(HEADERS, row, strict=True)) for row in data],
            }
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=2))
            return
        last = report.last_build.isoformat() if report.last_build else "none scheduled"
        self.stdout.write(f"Gaps of {program.name} on {report.day} (last build: {last})")
        for line in table(data, HEADERS):
            self.stdout.write(line)
        counts = ", ".join(f"{v.label.lower()} {summary[v.value]}" for v in GapVerdict)
        self.stdout.write(f"{summary['total']} rows: {counts}")
