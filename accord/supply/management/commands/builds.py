"""`accord builds ACTION --as USERNAME ...`: the build schedule from the command line.

accord builds list EBX2 --as maya
accord builds schedule EBX2 EBX2-L 400 2027-01-20 --as maya [--firm] [--site PEN1]
accord builds change BUILD_ID --as maya [--quantity 500] [--due 2027-01-27] [--firm|--forecast]
accord builds retire BUILD_ID --as maya [--note "cancelled"]
accord builds versions BUILD_ID --as maya
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

from accord.core.commands import WorkspaceCommand, listing, parse_date
from accord.core.numbers import plain_number
from accord.orgs.models import Person
from accord.supply import services
from accord.supply.access import builds_visible_to, get_build_for_user
from accord.supply.choices import Firmness
from accord.supply.management.lookups import part_ref, program_by_code, site_by_code


def _list(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM_CODE")


def _schedule(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM_CODE")
    parser.add_argument("assembly", metavar="ASSEMBLY")
    parser.add_argument("quantity")
    parser.add_argument("due", type=parse_date, metavar="DUE_DATE")
    parser.add_argument("--firm", action="store_true")
    parser.add_argument("--site", metavar="SITE_CODE")
    parser.add_argument("--reference", default="")
    parser.add_argument("--note", default="")


def _change(parser: CommandParser) -> None:
    parser.add_argument("build", type=int, metavar="BUILD_ID")
    parser.add_argument("--quantity")
    parser.add_argument("--due", type=parse_date)
    firmness = parser.add_mutually_exclusive_group()
    firmness.add_argument("--firm", action="store_const", const=Firmness.FIRM, dest="firmness")
    firmness.add_argument(
        "--forecast", action="store_const", const=Firmness.FORECAST, dest="firmness"
    )
    parser.add_argument("--note", default="")


def _build(parser: CommandParser) -> None:
    parser.add_argument("build", type=int, metavar="BUILD_ID")
    parser.add_argument("--note", default="")


class Command(WorkspaceCommand):
    help = "The build schedule: schedule, change (a new version each time), retire."
    subcommands = (
        ("list", "a program's scheduled builds", _list, "list_builds"),
        ("schedule", "a new build", _schedule, "schedule"),
        ("change", "quantity, due date or firmness", _change, "change"),
        ("retire", "take a build off the schedule", _build, "retire"),
        ("versions", "every version of a build, with who and when", _build, "versions"),
    )

    def list_builds(self, actor: Person, options: argparse.Namespace) -> Any:
        builds = (
            builds_visible_to(actor)
            .filter(program__code=options.program)
            .select_related("assembly")
        )
        rows = [
            (
                b.pk,
                b.assembly.number,
                plain_number(b.quantity),
                b.due_date.isoformat(),
                b.firmness,
                b.status,
                b.version,
            )
            for b in builds.order_by("due_date", "pk")
        ]
        headers = ["id", "assembly", "quantity", "due", "firmness", "status", "version"]
        return listing(rows, headers, as_json=options.json)

    def schedule(self, actor: Person, options: argparse.Namespace) -> Any:
        build = services.schedule_build(
            actor=actor,
            program=program_by_code(actor, options.program),
            assembly=part_ref(actor, options.assembly),
            quantity_due=options.quantity,
            due_date=options.due,
            firmness=Firmness.FIRM if options.firm else Firmness.FORECAST,
            site=site_by_code(actor, options.site) if options.site else None,
            reference=options.reference,
            note=options.note,
        )
        return f"Scheduled {build} (id {build.pk})."

    def change(self, actor: Person, options: argparse.Namespace) -> Any:
        build = services.change_build(
            actor=actor,
            build=get_build_for_user(actor, options.build, write=True),
            quantity_due=options.quantity,
            due_date=options.due,
            firmness=options.firmness,
            note=options.note,
        )
        return f"{build} (version {build.version})."

    def retire(self, actor: Person, options: argparse.Namespace) -> Any:
        build = services.retire_build(
            actor=actor,
            build=get_build_for_user(actor, options.build, write=True),
            note=options.note,
        )
        return f"Retired {build} (version {build.version})."

    def versions(self, actor: Person, options: argparse.Namespace) -> Any:
        build = get_build_for_user(actor, options.build)
        rows = [
            (
                v.version,
                plain_number(v.quantity),
                v.due_date.isoformat(),
                v.firmness,
                v.status,
                str(v.changed_by or ""),
                v.changed_at.isoformat(timespec="minutes"),
                v.note,
            )
            for v in build.versions.select_related("changed_by").order_by("version")
        ]
        headers = ["version", "quantity", "due", "firmness", "status", "by", "at", "note"]
        return listing(rows, headers, as_json=options.json)
