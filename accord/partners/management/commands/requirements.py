"""`accord requirements ACTION PROGRAM --as USERNAME ...`: a program's requirements of its
partner sites (its members read them; the owner's members add and retire them).

accord requirements list PHRM --as maya
accord requirements add PHRM --certificate "ISO 13485" [--class 3] [--process SMT ...] \\
    [--category "medical devices"] [--partner-kind ems ...] [--note TEXT] --as maya
accord requirements add PHRM --process SMT --process AOI --as maya
accord requirements add PHRM --country DE --country MY --as maya
accord requirements change REQUIREMENT [--certificate STANDARD] [--class 2 | --no-class] \\
    [--process SMT ... | --no-processes] [--category TEXT] [--country DE ...] \\
    [--partner-kind ems ...] [--note TEXT] --as maya   (what is not given stays)
accord requirements retire REQUIREMENT --as maya
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accord.core.commands import WorkspaceCommand, table
from accord.orgs.models import Person
from accord.partners.choices import RequirementKind
from accord.partners.requirement_access import (
    get_program_by_code_for_requirements,
    get_requirement_for_user,
    requirements_visible_to,
)
from accord.partners.requirements import (
    add_requirement,
    change_requirement,
    retire_requirement,
)

HEADERS = ["id", "kind", "requirement", "applies to", "note"]


def _program(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="the program's code, e.g. PHRM")


def _add(parser: CommandParser) -> None:
    _program(parser)
    parser.add_argument("--certificate", metavar="STANDARD", help="a certificate requirement")
    parser.add_argument("--class", dest="ipc_class", type=int, help="IPC-A-610 minimum class")
    parser.add_argument("--process", action="append", default=[], help="repeat for each")
    parser.add_argument("--category", default="", help="a product category in the scope")
    parser.add_argument("--country", action="append", default=[], help="repeat for each")
    parser.add_argument(
        "--partner-kind", action="append", default=None, help="ems (default), supplier..."
    )
    parser.add_argument("--note", default="")


def _one(parser: CommandParser) -> None:
    parser.add_argument("requirement", type=int, metavar="REQUIREMENT", help="its id")


def _change(parser: CommandParser) -> None:
    _one(parser)
    parser.add_argument("--certificate", metavar="STANDARD", help="a certificate's standard")
    parser.add_argument("--class", dest="ipc_class", type=int, help="IPC-A-610 minimum class")
    parser.add_argument("--no-class", action="store_true", help="no minimum class")
    parser.add_argument("--process", action="append", default=None, help="repeat for each")
    parser.add_argument("--no-processes", action="store_true", help="no process at all")
    parser.add_argument("--category", default=None, help="a product category in the scope")
    parser.add_argument("--country", action="append", default=None, help="repeat for each")
    parser.add_argument("--partner-kind", action="append", default=None, help="repeat for each")
    parser.add_argument("--note", default=None)


def _changes(options: argparse.Namespace) -> dict[str, Any]:
    """Only what the command names: the rest of the requirement stays as it is."""
    changes: dict[str, Any] = {}
    if options.certificate is not None:
        changes["standard"] = options.certificate
    if options.no_class:
        changes["min_ipc_class"] = None
    elif options.ipc_class is not None:
        changes["min_ipc_class"] = options.ipc_class
    if options.no_processes:
        changes["processes"] = []
    elif options.process is not None:
        changes["processes"] = options.process
    for option, field in (
        ("category", "product_category"),
        ("country", "countries"),
        ("partner_kind", "partner_kinds"),
        ("note", "note"),
    ):
        if getattr(options, option) is not None:
            changes[field] = getattr(options, option)
    if not changes:
        raise CommandError("Name what changes: --certificate, --class, --process, --note...")
    return changes


class Command(WorkspaceCommand):
    help = "A program's requirements of its partner sites: list, add, change, retire."
    subcommands = (
        ("list", "a program's requirements", _program, "list"),
        ("add", "add a requirement (the owner's members of the program)", _add, "add"),
        ("change", "change a requirement (all but its kind)", _change, "change"),
        ("retire", "retire a requirement", _one, "retire"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        program = get_program_by_code_for_requirements(actor, options.program)
        rows = requirements_visible_to(actor).filter(program=program, retired_at__isnull=True)
        data = [
            [r.pk, r.get_kind_display(), r.label, ", ".join(r.partner_kinds), r.note]
            for r in rows.order_by("kind", "standard", "pk")
        ]
        if options.json:
            return [dict(zip(HEADERS, row, strict=True)) for row in data]
        return [f"Requirements of {program.name}", *table(data, HEADERS)]

    def add(self, actor: Person, options: argparse.Namespace) -> Any:
        program = get_program_by_code_for_requirements(actor, options.program)
        if options.certificate:
            kind = RequirementKind.CERTIFICATE
        elif options.country:
            kind = RequirementKind.COUNTRY
        elif options.process:
            kind = RequirementKind.PROCESS
        else:
            raise CommandError("Give --certificate STANDARD, --process or --country.")
        requirement = add_requirement(
            actor=actor,
            program=program,
            kind=kind,
            standard=options.certificate or "",
            min_ipc_class=options.ipc_class,
            processes=options.process,
            product_category=options.category,
            countries=options.country,
            partner_kinds=options.partner_kind,
            note=options.note,
        )
        return f"Added requirement {requirement.pk} of {program.code}: {requirement.label}"

    def change(self, actor: Person, options: argparse.Namespace) -> Any:
        requirement = get_requirement_for_user(actor, options.requirement, write=True)
        changes = _changes(options)
        change_requirement(actor=actor, requirement=requirement, **changes)
        return f"Changed requirement {requirement.pk}: {requirement.label}"

    def retire(self, actor: Person, options: argparse.Namespace) -> Any:
        requirement = get_requirement_for_user(actor, options.requirement, write=True)
        retire_requirement(actor=actor, requirement=requirement)
        return f"Retired requirement {requirement.pk}: {requirement.label}"
