"""`accord programs ACTION --as USERNAME ...`: programs, their partners and members.

accord programs list --as maya
accord programs create EBX2 "Earbuds X2" --as maya [--description ...] [--status npi]
accord programs edit EBX2 --as maya --status production / archive / restore
accord programs add-partner EBX2 meridian-ems --as maya --responsibility "EMS: PCBA"
accord programs remove-partner EBX2 meridian-ems --as maya
accord programs add-member EBX2 aisha --as maya [--role manager] / remove-member
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accord.core.commands import WorkspaceCommand, no_arguments, parse_bool, table
from accord.orgs import access, services
from accord.orgs.choices import MemberRole, ProgramStatus
from accord.orgs.models import Person, Program, ProgramPartner


def _code(parser: CommandParser) -> None:
    parser.add_argument("code", help="the program's code, e.g. EBX2")


def _create(parser: CommandParser) -> None:
    _code(parser)
    parser.add_argument("name")
    parser.add_argument("--description", default="")
    parser.add_argument("--status", choices=ProgramStatus.values, default="")


def _edit(parser: CommandParser) -> None:
    _code(parser)
    parser.add_argument("--name")
    parser.add_argument("--description")
    parser.add_argument("--status", choices=ProgramStatus.values)
    parser.add_argument(
        "--description-shared",
        type=parse_bool,
        metavar="yes|no",
        help="suppliers and distributors read the description",
    )


def _partner(parser: CommandParser) -> None:
    _code(parser)
    parser.add_argument("accord_id", help="the partner organisation's Accord ID")
    parser.add_argument("--responsibility", default="")


def _member(parser: CommandParser) -> None:
    _code(parser)
    parser.add_argument("username")
    parser.add_argument("--role", choices=MemberRole.values, default=MemberRole.MEMBER)


class Command(WorkspaceCommand):
    help = "Create and edit programs, archive them, manage their partners and members."
    subcommands = (
        ("list", "the programs you are a member of", no_arguments, "list_programs"),
        ("create", "a program of your organisation (OEMs)", _create, "create"),
        ("edit", "change a program's name, description or status", _edit, "edit"),
        ("archive", "archive a program (read-only from then on)", _code, "archive"),
        ("restore", "restore an archived program", _code, "restore"),
        ("add-partner", "add a connected organisation as partner", _partner, "add_partner"),
        ("remove-partner", "remove a partner and its people's membership", _partner,
         "remove_partner"),
        ("add-member", "give a person need-to-know on the program", _member, "add_member"),
        ("remove-member", "end a person's membership", _member, "remove_member"),
    )  # fmt: skip

    def _program(self, actor: Person, code: str, *, write: bool = False) -> Program:
        found = access.programs_visible_to(actor).filter(code=code).order_by("pk").first()
        return access.get_program_for_user(actor, found.pk if found else 0, write=write)

    def list_programs(self, actor: Person, options: argparse.Namespace) -> Any:
        programs = access.programs_visible_to(actor, with_role=True).select_related("owner")
        rows = [
            (p.code, p.name, p.owner.name, p.status, getattr(p, "my_role", ""), bool(p.archived_at))
            for p in programs.order_by("code")
        ]
        if options.json:
            keys = ("code", "name", "owner", "status", "role", "archived")
            return [dict(zip(keys, r, strict=True)) for r in rows]
        return table(rows, ["code", "name", "owner", "status", "your role", "archived"])

    def create(self, actor: Person, options: argparse.Namespace) -> Any:
        program = services.create_program(
            actor=actor,
            code=options.code,
            name=options.name,
            description=options.description,
            status=options.status,
        )
        return f"Created {program.code} ({program.name}); you are its manager."

    def edit(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        changes = {
            k: getattr(options, k)
            for k in ("name", "description", "status", "description_shared")
            if getattr(options, k) is not None
        }
        services.edit_program(actor=actor, program=program, **changes)
        return f"Saved {program.code}."

    def archive(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        services.archive_program(actor=actor, program=program, archived=True)
        return f"Archived {program.code}."

    def restore(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        services.archive_program(actor=actor, program=program, archived=False)
        return f"Restored {program.code}."

    def add_partner(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        organisation = (
            access.partner_candidates_for(actor, program)
            .filter(slug=options.accord_id.strip().lower())
            .first()
        )
        if organisation is None:
            raise CommandError(
                f"No organisation connected with yours and not yet a partner has the Accord ID "
                f"{options.accord_id!r}."
            )
        services.add_program_partner(
            actor=actor,
            program=program,
            organisation=organisation,
            responsibility=options.responsibility,
        )
        return f"{organisation.name} is now a partner of {program.code}."

    def _partner(self, actor: Person, program: Program, accord_id: str) -> ProgramPartner:
        partner = (
            access.partners_visible_to(actor, program)
            .filter(organisation__slug=accord_id.strip().lower())
            .first()
        )
        if partner is None:
            raise CommandError(f"{accord_id!r} is not a partner of {program.code}.")
        return partner

    def remove_partner(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        partner = self._partner(actor, program, options.accord_id)
        removed = services.remove_program_partner(actor=actor, program=program, partner=partner)
        return f"{partner.organisation.name} left {program.code}; {removed} membership(s) ended."

    def add_member(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        person = (
            access.candidate_members_for(actor, program)
            .filter(username__iexact=options.username)
            .first()
        )
        if person is None:
            raise CommandError(
                f"{options.username!r} cannot be added: they must be an active person of the "
                "owner or of a partner organisation, and not a member yet."
            )
        services.add_program_member(actor=actor, program=program, person=person, role=options.role)
        return f"{person.username} is now a member of {program.code}."

    def remove_member(self, actor: Person, options: argparse.Namespace) -> Any:
        program = self._program(actor, options.code, write=True)
        member = (
            access.members_visible_to(actor, program)
            .filter(person__username__iexact=options.username)
            .select_related("person")
            .first()
        )
        if member is None:
            raise CommandError(f"{options.username!r} is not a member of {program.code}.")
        services.remove_program_member(actor=actor, program=program, person=member.person)
        return f"{member.person.username} is no longer a member of {program.code}."
