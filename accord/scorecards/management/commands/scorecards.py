"""`accord scorecards --as USERNAME [--month 2026-10] [--direction suppliers|customers|about-me]
[--format table|csv|json]`: the cards one may see, each with the month's score and grade and
its score over the last twelve months.

`--show-template DIRECTION` prints the organisation's rules as JSON; `--set-template DIRECTION
--rules FILE` saves them from such a JSON file (administrators; every month is computed again).
`--retire-template DIRECTION` retires the template (its cards stay as history, nothing is
computed, nothing blocked) and `--reinstate-template DIRECTION` brings it back (administrators).

A card is named by the other party (`--card NAME`: its name or the start of it, with
`--direction` when it has two cards with you): `--comments` lists its comments and their files;
`--comment TEXT --month YYYY-MM [--corrective-action] [--attach FILE ...]` comments on a month
with files (a corrective-action plan); `--attach FILE --to-comment ID` adds files to a comment
of your own organisation. `--download ATTACHMENT_ID [--output PATH]` saves a file of a comment
on a card you may see (the other side's download is in its access log).
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
from django.db.models import Prefetch

from accord.core.commands import acting_person, table
from accord.core.errors import DomainError
from accord.scorecards.access import (
    attachments_visible_to,
    card_months_visible_to,
    comments_visible_to,
    get_attachment_for_user,
    get_card_template,
    get_comment_for_user,
)
from accord.scorecards.attachments import read_path
from accord.scorecards.cards import CardSummary, cards_about_me, cards_as_rater
from accord.scorecards.choices import Direction
from accord.scorecards.months import parse_month
from accord.scorecards.services import (
    attach_files,
    comment_with_files,
    reinstate_template,
    retire_template,
    rules_of,
    save_template,
    template_of,
)

HEADERS = [
    "kept by",
    "of",
    "as",
    "month",
    "month score",
    "month grade",
    "12-month score",
    "grade",
    "template",
]


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
        parser.add_argument("--retire-template", choices=Direction.values, metavar="DIRECTION")
        parser.add_argument("--reinstate-template", choices=Direction.values, metavar="DIRECTION")
        parser.add_argument("--card", metavar="NAME", help="the other party of the card")
        parser.add_argument("--comments", action="store_true", help="the card's comments")
        parser.add_argument("--comment", metavar="TEXT", help="comment on --month of --card")
        parser.add_argument("--corrective-action", action="store_true")
        parser.add_argument(
            "--attach", type=Path, action="append", default=[], metavar="FILE", help="repeatable"
        )
        parser.add_argument("--to-comment", type=int, metavar="ID", help="attach to this comment")
        parser.add_argument("--download", type=int, metavar="ATTACHMENT_ID")
        parser.add_argument("--output", type=Path, metavar="PATH", help="where --download saves")

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
            if options["retire_template"] or options["reinstate_template"]:
                self._retire_or_reinstate(person, options)
                return
            if options["download"] is not None:
                self._download(person, options["download"], options["output"])
                return
            if options["card"] or options["comment"] or options["attach"] or options["comments"]:
                self._card_action(person, options)
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
                    "retired" if card.retired else "in use",
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

    def _retire_or_reinstate(self, person: Any, options: dict[str, Any]) -> None:
        if options["retire_template"] and options["reinstate_template"]:
            raise CommandError("Retire or reinstate: one at a time.")
        if options["retire_template"]:
            template = retire_template(actor=person, direction=options["retire_template"])
            self.stdout.write(
                f"Retired the {template.direction} template: its cards stay as history; "
                "nothing is computed and no grade blocks an order any more."
            )
        else:
            template = reinstate_template(actor=person, direction=options["reinstate_template"])
            self.stdout.write(
                f"Reinstated the {template.direction} template; every month is being "
                "computed again."
            )

    def _find_card(self, person: Any, name: str, direction: str | None) -> CardSummary:
        """The card whose other party is named (its name, or the start of it, any case)."""
        cards: list[CardSummary] = []
        if direction in (None, "suppliers"):
            cards += cards_as_rater(person, Direction.SUPPLIERS)
        if direction in (None, "customers"):
            cards += cards_as_rater(person, Direction.CUSTOMERS)
        if direction in (None, "about-me"):
            cards += cards_about_me(person)
        wanted = name.strip().casefold()

        def other(card: CardSummary) -> str:
            if card.rated_id == person.organisation_id:
                return str(card.template.organisation.name)
            return card.rated_name

        found = [c for c in cards if wanted and other(c).casefold().startswith(wanted)]
        if not found:
            raise CommandError(f"No card of {name!r} that you may see.")
        if len(found) > 1:
            mine = person.organisation_id
            names = ", ".join(
                f"{other(c)} ({'about you' if c.rated_id == mine else c.template.direction})"
                for c in found
            )
            raise CommandError(f"{name!r} names several cards: {names}. Add --direction.")
        # Through access.py once more: the card's template as the person may reach it.
        get_card_template(person, found[0].template.pk, found[0].rated_id)
        return found[0]

    def _card_action(self, person: Any, options: dict[str, Any]) -> None:
        if not options["card"]:
            raise CommandError("Name the card: --card NAME (the other party).")
        card = self._find_card(person, options["card"], options["direction"])
        if options["comment"] is not None:
            if not options["month"]:
                raise CommandError("--comment needs --month YYYY-MM.")
            files = [read_path(path) for path in options["attach"]]
            comment = comment_with_files(
                actor=person,
                template=card.template,
                rated_id=card.rated_id,
                month=_month(options["month"]),
                text=options["comment"],
                corrective_action=options["corrective_action"],
                files=files,
            )
            attached = f" with {len(files)} file(s)" if files else ""
            self.stdout.write(f"Comment {comment.pk} is on the card{attached}.")
            return
        if options["attach"]:
            if options["to_comment"] is None:
                raise CommandError("--attach needs --comment TEXT or --to-comment ID.")
            comment = get_comment_for_user(
                person, card.template, card.rated_id, options["to_comment"], write=True
            )
            made = attach_files(
                actor=person, comment=comment, files=[read_path(p) for p in options["attach"]]
            )
            self.stdout.write(
                f"Attached {', '.join(f'{a.filename} (#{a.pk})' for a in made)} "
                f"to comment {comment.pk}."
            )
            return
        self._print_comments(person, card, as_json=options["format"] == "json")

    def _print_comments(self, person: Any, card: CardSummary, *, as_json: bool) -> None:
        comments = (
            comments_visible_to(person)
            .filter(template=card.template, rated_id=card.rated_id)
            .select_related("author", "organisation")
            .prefetch_related(Prefetch("attachments", queryset=attachments_visible_to(person)))
            .order_by("month", "created_at", "id")
        )
        rows: list[dict[str, Any]] = [
            {
                "id": c.pk,
                "month": c.month.strftime("%Y-%m"),
                "organisation": c.organisation.name,
                "author": str(c.author or ""),
                "corrective_action": c.corrective_action,
                "text": c.text,
                "attachments": [
                    {"id": a.pk, "filename": a.filename, "size": a.size}
                    for a in c.attachments.all()
                ],
            }
            for c in comments
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, cls=DjangoJSONEncoder, indent=2))
            return
        if not rows:
            self.stdout.write("No comment on this card yet.")
        for row in rows:
            plan = " [corrective-action plan]" if row["corrective_action"] else ""
            self.stdout.write(
                f"#{row['id']} {row['month']} {row['author']} ({row['organisation']}){plan}"
            )
            for line in str(row["text"]).splitlines():
                self.stdout.write(f"    {line}")
            for a in row["attachments"]:
                self.stdout.write(f"    file #{a['id']}: {a['filename']} ({a['size']} bytes)")

    def _download(self, person: Any, attachment_id: int, output: Path | None) -> None:
        attachment = get_attachment_for_user(
            person,
            attachment_id,
            channel="cli",
            path=f"accord scorecards --download {attachment_id}",
        )
        target = output or Path(attachment.filename)
        if target.is_dir():
            target = target / attachment.filename
        try:
            # "x": never overwrite a file the person already has.
            with target.open("xb") as handle:
                handle.write(bytes(attachment.data))
        except FileExistsError:
            raise CommandError(f"{target} exists already; choose another --output.") from None
        except OSError as error:
            raise CommandError(f"Could not write {target}: {error}") from None
        self.stdout.write(f"Saved {attachment.filename} ({attachment.size} bytes) to {target}.")
