"""`accord scorecards --as USERNAME [--month 2026-10] [--direction suppliers|customers|about-me]
[--format table|csv|json]`: the cards one may see, each with the month's score and grade and
its score over the last twelve months.

`--show-template DIRECTION` prints the organisation's rules as JSON; `--set-template DIRECTION
--rules FILE` saves them from such a JSON file (administrators; every month is computed again).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accord.core.commands import acting_person, table
from accord.core.errors import DomainError
from accord.scorecards.access import card_months_visible_to
from accord.scorecards.cards import CardSummary, cards_about_me, cards_as_rater
from accord.scorecards.choices import Direction
from accord.scorecards.months import parse_month
from accord.scorecards.services import rules_of, save_template, template_of

HEADERS = ["kept by", "of", "as", "month", "month score", "month grade", "12-month score", "grade"]


def _month(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise CommandError(f"{text!r} is not a month (YYYY-MM).")
    return month


class Command(BaseCommand):
    help = "Scorecards: the cards you may see, a month's scores, and your organisation's rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="acting_as", required=True, metavar="USERNAME")
        parser.add_argument("--month", metavar="YYYY-MM", help="default: the last month")
        parser.add_argument(
            "--direction", choices=["suppliers", "customers", "about-me"], default=None
        )
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--show-template", choices=Direction.values, metavar="DIRECTION")
        parser.add_argument("--set-template", choices=Direction.values, metavar="DIRECTION")
        parser.add_argument("--rules", type=Path, help="a JSON file of rules (--set-template)")

    def handle(self, *args: Any, **options: Any) -> None:
        person = acting_person(options["acting_as"])
        try:
            if options["show_template"]:
                template = template_of(person.organisation, options["show_template"])
                self.stdout.write(json.dumps(rules_of(template), indent=2))
                return
            if options["set_template"]:
                self._set_template(person, options["set_template"], options["rules"])
                return
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code}, {error.http_status})") from None
        today = dt.date.today()
        month = (
            _month(options["month"])
            if options["month"]
            else (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        )
        direction = options["direction"]
        cards: list[CardSummary] = []
        if direction in (None, "suppliers"):
            cards += cards_as_rater(person, Direction.SUPPLIERS)
        if direction in (None, "customers"):
            cards += cards_as_rater(person, Direction.CUSTOMERS)
        if direction in (None, "about-me"):
            cards += cards_about_me(person)
        months = {
            (template_id, rated_id): (score, grade)
            for template_id, rated_id, score, grade in card_months_visible_to(person)
            .filter(month=month, template__in=[c.template for c in cards])
            .values_list("template_id", "rated_id", "score", "grade")
        }
        rows = []
        for card in cards:
            score, grade = months.get((card.template.pk, card.rated_id), (None, ""))
            rows.append(
                [
                    card.template.organisation.name,
                    card.rated_name,
                    "supplier" if card.template.direction == Direction.SUPPLIERS else "customer",
                    month.strftime("%Y-%m"),
                    "no data" if score is None else f"{score:.1f}",
                    grade,
                    "no data" if card.score is None else f"{card.score:.1f}",
                    card.grade,
                ]
            )
        if options["format"] == "json":
            payload = [dict(zip(HEADERS, row, strict=True)) for row in rows]
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=2))
        elif options["format"] == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            writer.writerows(rows)
            self.stdout.write(out.getvalue().rstrip("\n"))
        else:
            for line in table(rows, HEADERS) if rows else ["No card that you may see."]:
                self.stdout.write(line)

    def _set_template(self, person: Any, direction: str, rules: Path | None) -> None:
        if rules is None:
            raise CommandError("--set-template needs --rules FILE (as --show-template prints).")
        try:
            given = json.loads(rules.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {rules}: {error}") from None
        if not isinstance(given, dict):
            raise CommandError(f"{rules}: a JSON object of rules, as --show-template prints.")
        current = template_of(person.organisation, direction)
        merged = {**rules_of(current), **given}
        unknown = set(given) - set(rules_of(current))
        if unknown:
            raise CommandError(f"{rules}: unknown rules {', '.join(sorted(unknown))}.")
        saved = save_template(actor=person, template=current, **merged)
        self.stdout.write(
            f"Saved version {saved.version} of the {direction} template; every month is "
            "being computed again."
        )
