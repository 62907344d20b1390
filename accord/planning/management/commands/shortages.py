"""`accord shortages PROGRAM --as USERNAME [--format table|csv|json] [--horizon 26] [--all]`:
the program's plan as that person sees it, made now, and the parts that run short (with
--all, every planned part)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accord.core.commands import acting_person, table
from accord.core.errors import DomainError
from accord.core.numbers import plain_number
from accord.planning.access import get_program_for_planning, log_plan_read
from accord.planning.inputs import DEFAULT_HORIZON_WEEKS
from accord.planning.queries import exact, shortage_rows
from accord.planning.services import refresh_plan

HEADERS = [
    "part",
    "description",
    "first short",
    "week",
    "short by",
    "weeks of cover",
    "on hand",
    "safety stock",
    "supply",
]


class Command(BaseCommand):
    help = "Plan a program now and list the parts that run short, week by week."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", metavar="PROGRAM", help="the program's code or id")
        parser.add_argument("--as", dest="acting_as", required=True, metavar="USERNAME")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--horizon", type=int, default=DEFAULT_HORIZON_WEEKS, metavar="WEEKS")
        parser.add_argument(
            "--all", action="store_true", help="every planned part, not only short ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = acting_person(options["acting_as"])
        try:
            program = get_program_for_planning(person, options["program"])
            run = refresh_plan(
                actor=person, person=person, program=program, horizon=options["horizon"]
            )
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code}, {error.http_status})") from None
        log_plan_read(person, run, channel="cli", path=f"accord shortages {program.code}")
        rows = shortage_rows(run, only_short=not options["all"])
        if options["format"] == "json":
            payload = {
                "program": program.code,
                "week_start": run.week_start,
                "horizon": run.horizon,
                "parts": run.part_count,
                "short": run.short_count,
                "rows": [row.as_dict() for row in rows],
            }
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=2))
            return
        values = [
            [
                r.number,
                r.description,
                r.first_shortage_date.isoformat() if r.first_shortage_date else "",
                "" if r.first_shortage_week is None else r.first_shortage_week,
                plain_number(exact(r.quantity_short)),
                r.weeks_of_cover,
                plain_number(exact(r.on_hand)),
                plain_number(exact(r.safety_stock)),
                "consigned (from the OEM)"
                if r.consigned
                else ("bought" if r.purchased else "built"),
            ]
            for r in rows
        ]
        if options["format"] == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            writer.writerows(values)
            self.stdout.write(out.getvalue(), ending="")
            return
        self.stdout.write(
            f"{program.code}: {run.short_count} of {run.part_count} parts run short within "
            f"{run.horizon} weeks from {run.week_start.isoformat()}"
        )
        for line in table(values, HEADERS):
            self.stdout.write(line)
