"""`accord parts ACTION PART_NUMBER --as USERNAME ...`: your organisation's parts.

    accord parts edit HAL-100-0002 --as maya --description "Resistor 10k 1% 0402" --value 10k
    accord parts lifecycle-notice HAL-200-0002 --mpn TPS7A0233PDBVR --lifecycle ltb \\
        --ltb-date 2027-03-31 --reference PCN-TI-2026-114 --as maya
    accord parts source-status HAL-100-0002 --mpn RC0402FR-0710KL --to approved \\
        --reason "qualified, QR-114" --as maya
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accord.core.choices import Classification
from accord.core.commands import WorkspaceCommand, parse_bool, parse_date
from accord.orgs.models import Person
from accord.parts import access
from accord.parts import services as part_services
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import ApprovedSource, Part
from accord.parts.normalise import mpn_key


def _number(parser: CommandParser) -> None:
    parser.add_argument("number", help="your part number")


def _edit(parser: CommandParser) -> None:
    _number(parser)
    parser.add_argument("--new-number")
    for name in ("revision", "description", "value", "package"):
        parser.add_argument(f"--{name}")
    parser.add_argument("--category", help="a category name (created if new); '' clears it")
    parser.add_argument("--classification", choices=Classification.values)
    parser.add_argument("--assembly", type=parse_bool, metavar="yes|no")


def _notice(parser: CommandParser) -> None:
    _number(parser)
    parser.add_argument("--mpn", required=True, help="the source's manufacturer part number")
    parser.add_argument("--lifecycle", required=True, choices=Lifecycle.values)
    parser.add_argument("--ltb-date", type=parse_date, metavar="YYYY-MM-DD")
    parser.add_argument("--eol-date", type=parse_date, metavar="YYYY-MM-DD")
    parser.add_argument("--reference", default="", help="PCN number, URL, letter")


def _source_status(parser: CommandParser) -> None:
    _number(parser)
    parser.add_argument("--mpn", required=True)
    parser.add_argument("--to", required=True, choices=SourceStatus.values, dest="status")
    parser.add_argument("--reason", default="")


class Command(WorkspaceCommand):
    help = "Edit your parts, record lifecycle notices, approve or reject sources."
    subcommands = (
        ("edit", "change a part's fields", _edit, "edit"),
        ("lifecycle-notice", "record a manufacturer's notice about a source", _notice, "notice"),
        ("source-status", "approve, reject or return a source to pending", _source_status,
         "source_status"),
    )  # fmt: skip

    def _part(self, actor: Person, number: str) -> Part:
        found = access.parts_visible_to(actor).filter(owner_id=actor.organisation_id, number=number)
        part = found.first()
        return access.get_part_for_user(actor, part.pk if part else 0, write=True)

    def _source(self, actor: Person, part: Part, mpn: str) -> ApprovedSource:
        sources = access.sources_visible_to(actor, part).filter(
            manufacturer_part__mpn_key=mpn_key(mpn)
        )
        if sources.count() != 1:
            raise CommandError(f"{part.number} has {sources.count()} sources with MPN {mpn!r}.")
        return sources.get()

    def edit(self, actor: Person, options: argparse.Namespace) -> Any:
        part = self._part(actor, options.number)
        changes: dict[str, Any] = {
            "number": options.new_number,
            "revision": options.revision,
            "description": options.description,
            "value": options.value,
            "package": options.package,
            "classification": options.classification,
            "is_assembly": options.assembly,
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        if options.category is not None:
            changes["category"] = part_services.get_or_create_category(options.category)
        part = part_services.update_part(actor=actor, part=part, **changes)
        return f"Saved {part.number}."

    def notice(self, actor: Person, options: argparse.Namespace) -> Any:
        part = self._part(actor, options.number)
        source = self._source(actor, part, options.mpn)
        notice = part_services.record_lifecycle_notice(
            actor=actor,
            manufacturer_part=source.manufacturer_part,
            lifecycle=options.lifecycle,
            last_time_buy_date=options.ltb_date,
            end_of_life_date=options.eol_date,
            reference=options.reference,
        )
        return f"Recorded: {notice.manufacturer_part} is now {notice.get_lifecycle_display()}."

    def source_status(self, actor: Person, options: argparse.Namespace) -> Any:
        part = self._part(actor, options.number)
        source = self._source(actor, part, options.mpn)
        source = part_services.set_source_status(
            actor=actor, source=source, status=options.status, reason=options.reason
        )
        return f"{source.manufacturer_part} is now {source.get_status_display().lower()}."
