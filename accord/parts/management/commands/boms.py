"""`accord boms ACTION --as USERNAME ...`: BOMs from the command line.

accord boms list --as maya [--program EBX2]
accord boms status EBX2 EBX2-PCBA C released --as maya [--reason "..."]
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Count

from accord.core.commands import WorkspaceCommand, listing
from accord.orgs.models import Person
from accord.parts import access
from accord.parts import services as part_services
from accord.parts.choices import BomStatus
from accord.parts.models import Bom


def _list(parser: CommandParser) -> None:
    parser.add_argument("--program", metavar="CODE")


def _status(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM_CODE")
    parser.add_argument("assembly", metavar="ASSEMBLY_NUMBER")
    parser.add_argument("revision")
    parser.add_argument("status", choices=BomStatus.values)
    parser.add_argument("--reason", default="")


class Command(WorkspaceCommand):
    help = "List BOMs; release, obsolete or return them to draft."
    subcommands = (
        ("list", "BOMs you may see", _list, "list_boms"),
        ("status", "release, obsolete, or take back to draft", _status, "status"),
    )

    def list_boms(self, actor: Person, options: argparse.Namespace) -> Any:
        boms = (
            access.boms_visible_to(actor)
            .select_related("program", "assembly")
            .annotate(line_count=Count("lines"))
            .order_by("program__code", "assembly__number", "revision")
        )
        if options.program:
            boms = boms.filter(program__code=options.program)
        rows = [
            (b.program.code, b.assembly.number, b.revision, b.status, b.line_count) for b in boms
        ]
        headers = ["program", "assembly", "revision", "status", "lines"]
        return listing(rows, headers, as_json=options.json)

    def status(self, actor: Person, options: argparse.Namespace) -> Any:
        found = (
            access.boms_visible_to(actor)
            .filter(
                program__code=options.program,
                assembly__number=options.assembly,
                revision=options.revision,
            )
            .first()
        )
        if found is None:
            raise CommandError(
                f"No BOM {options.assembly} rev {options.revision} in {options.program} that you "
                "may see."
            )
        bom: Bom = access.get_bom_for_user(actor, found.pk, write=True)
        bom = part_services.set_bom_status(
            actor=actor, bom=bom, status=options.status, reason=options.reason
        )
        return f"{bom} is now {bom.get_status_display().lower()}."
