"""`accord checkin PROGRAM --week 2026-W48 --as USERNAME [--partner ORG] [--open] [--close]
[--format table|csv|json]`: a program's check-in of one week with a partner, as the person
may see it: its agenda, decisions and action items (the minutes once closed).

--open opens it (its agenda computed now) when it is not open yet; --close closes it (frozen;
the minutes are mailed by `accord sweep`). The partner is named by id, slug or name; left
out, it is the person's own organisation when it is a partner, else the only check-in of that
week they may see. Everything goes through the same access rules and services as the pages.

accord checkin EBX2 --week 2026-W48 --as maya --partner meridian --open
accord checkin EBX2 --week 2026-W48 --as aisha --format csv > minutes.csv
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accord.core.commands import acting_person, table
from accord.core.errors import DomainError, NotFound
from accord.core.exports import to_csv_bytes
from accord.orgs.models import Program
from accord.threads.checkin_access import (
    checkins_of_program,
    chosen_partner,
    get_program_for_checkins,
)
from accord.threads.checkin_minutes import (
    MINUTES_HEADERS,
    log_restricted_reads,
    minutes_of,
    minutes_rows,
)
from accord.threads.checkins import close_checkin, open_checkin, parse_week
from accord.threads.models import CheckIn


class Command(BaseCommand):
    help = "A program's weekly check-in with a partner: its agenda and minutes; open, close."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", metavar="PROGRAM", help="the program's code, e.g. EBX2")
        parser.add_argument("--week", required=True, help="the ISO week, e.g. 2026-W48")
        parser.add_argument("--as", dest="acting_as", required=True, metavar="USERNAME")
        parser.add_argument("--partner", default="", help="the partner's id, slug or name")
        parser.add_argument("--open", action="store_true", help="open it (agenda computed now)")
        parser.add_argument("--close", action="store_true", help="close it (frozen, mailed)")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_person(options["acting_as"])
        try:
            checkin = self._checkin(actor, options)
            if options["close"]:
                checkin = close_checkin(actor=actor, checkin=checkin)
            minutes = minutes_of(actor, checkin)
            log_restricted_reads(actor, minutes, channel="cli", path="accord checkin")
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code}, {error.http_status})") from None
        rows = list(minutes_rows(minutes))
        if options["format"] == "csv":
            self.stdout.write(to_csv_bytes(MINUTES_HEADERS, rows).decode("utf-8-sig").rstrip())
            return
        if options["format"] == "json":
            payload = {
                "id": checkin.pk,
                "program": checkin.program.code,
                "partner": checkin.partner.name,
                "week": checkin.week,
                "status": checkin.status,
                "carried_from": checkin.carried_from.week if checkin.carried_from else None,
                "rows": [dict(zip(MINUTES_HEADERS, row, strict=True)) for row in rows],
            }
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=2))
            return
        state = "closed" if checkin.is_closed else "open"
        self.stdout.write(
            f"{checkin.program.name} check-in with {checkin.partner.name}, {checkin.week} ({state})"
        )
        for line in table(rows, MINUTES_HEADERS):
            self.stdout.write(line)

    def _checkin(self, actor: Any, options: dict[str, Any]) -> CheckIn:
        program: Program = get_program_for_checkins(actor, options["program"])
        week = parse_week(options["week"])
        found = checkins_of_program(actor, program).filter(week=week)
        partner = None
        if options["partner"]:
            partner = chosen_partner(actor, program, options["partner"])
        elif actor.organisation_id != program.owner_id:
            partner = chosen_partner(actor, program, str(actor.organisation_id))
        if partner is not None:
            found = found.filter(partner_id=partner.pk)
        existing = list(found.select_related("program", "partner", "carried_from")[:2])
        if options["open"]:
            if partner is None:
                raise CommandError("Name the partner to open a check-in with (--partner).")
            if existing:
                return existing[0]
            return open_checkin(actor=actor, program=program, partner=partner, week=week)
        if len(existing) != 1:
            if not existing:
                raise NotFound(f"No check-in of {program.code} in {week} is visible to you.")
            raise CommandError("Several check-ins that week: name the partner (--partner).")
        return existing[0]
