"""`accord people ACTION --as ADMIN ...`: an organisation's people from the command line.

accord people list --as maya
accord people add --as maya --username tomas --email tomas@example.com [--admin]
accord people invite --as maya --email new@example.com      (prints the one-time link)
accord people edit tomas --as maya --title "Lead engineer" --admin no
accord people deactivate tomas --as maya / reactivate / new-link
accord people signing-right tomas --grant --as maya        (or --revoke; maya herself too)
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from accord.core.commands import WorkspaceCommand, no_arguments, parse_bool, table
from accord.orgs import access, services
from accord.orgs.choices import PersonRole
from accord.orgs.models import Person
from accord.orgs.services import IssuedInvitation


def _details(parser: CommandParser, *, creating: bool) -> None:
    parser.add_argument("--email", required=creating)
    parser.add_argument("--first-name")
    parser.add_argument("--last-name")
    parser.add_argument("--role", choices=["", *PersonRole.values])
    parser.add_argument("--title")
    if creating:
        parser.add_argument("--admin", action="store_true", help="an administrator")
    else:
        parser.add_argument("--admin", type=parse_bool, metavar="yes|no")


def _username(parser: CommandParser) -> None:
    parser.add_argument("username", help="the colleague's username")


def _add(parser: CommandParser) -> None:
    parser.add_argument("--username", required=True)
    _details(parser, creating=True)


def _link_lines(issued: IssuedInvitation, what: str) -> dict[str, Any]:
    return {
        "invitation": what,
        "email": issued.invitation.email,
        "expires": issued.invitation.expires_at.isoformat(timespec="minutes"),
        "link": issued.link(settings.ACCORD_BASE_URL),
        "emailed": settings.ACCORD_EMAIL_ENABLED,
    }


def _signing_right(parser: CommandParser) -> None:
    _username(parser)
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--grant", dest="allowed", action="store_true", help="may sign agreements")
    choice.add_argument("--revoke", dest="allowed", action="store_false", help="may no longer sign")


def _invite(parser: CommandParser) -> None:
    _details(parser, creating=True)


def _edit(parser: CommandParser) -> None:
    _username(parser)
    _details(parser, creating=False)


class Command(WorkspaceCommand):
    help = "List, add, invite, edit and deactivate the people of your organisation."
    subcommands = (
        ("list", "list the people of your organisation", no_arguments, "list_people"),
        ("add", "add a person; prints their one-time sign-up link", _add, "add"),
        ("invite", "invite someone by e-mail; prints the link", _invite, "invite"),
        ("edit", "change a colleague's details", _edit, "edit"),
        ("deactivate", "end a colleague's sessions and tokens; no more sign-in", _username,
         "deactivate"),
        ("reactivate", "let a deactivated colleague sign in again", _username, "reactivate"),
        ("new-link", "a new sign-up link for someone without a password", _username,
         "new_link"),
        ("signing-right", "grant (--grant) or withdraw (--revoke) the right to sign "
         "agreements for your organisation", _signing_right, "signing_right"),
    )  # fmt: skip

    def _colleague(self, actor: Person, username: str, *, write: bool) -> Person:
        match = access.people_visible_to(actor).filter(username__iexact=username).first()
        return access.get_person_for_user(actor, match.pk if match else 0, write=write)

    def list_people(self, actor: Person, options: argparse.Namespace) -> Any:
        people = access.people_visible_to(actor).order_by("username")
        if options.json:
            return [
                {
                    "username": p.username,
                    "name": str(p),
                    "email": p.email,
                    "role": p.role,
                    "admin": p.is_org_admin,
                    "signer": p.can_sign_agreements,
                    "active": p.is_active,
                }
                for p in people
            ]
        rows = [
            (
                p.username,
                str(p),
                p.email,
                p.role,
                "yes" if p.is_org_admin else "",
                "yes" if p.can_sign_agreements else "",
                p.is_active,
            )
            for p in people
        ]
        return table(rows, ["username", "name", "email", "role", "admin", "signer", "active"])

    def add(self, actor: Person, options: argparse.Namespace) -> Any:
        assert actor.organisation is not None
        person, issued = services.add_person(
            actor=actor,
            organisation=actor.organisation,
            username=options.username,
            email=options.email,
            first_name=options.first_name or "",
            last_name=options.last_name or "",
            role=options.role or "",
            title=options.title or "",
            is_org_admin=options.admin,
        )
        return {"added": person.username, **_link_lines(issued, "set your password")}

    def invite(self, actor: Person, options: argparse.Namespace) -> Any:
        issued = services.invite_person(
            actor=actor,
            email=options.email,
            first_name=options.first_name or "",
            last_name=options.last_name or "",
            role=options.role or "",
            title=options.title or "",
            is_org_admin=options.admin,
        )
        return _link_lines(issued, f"join {actor.organisation}")

    def edit(self, actor: Person, options: argparse.Namespace) -> Any:
        target = self._colleague(actor, options.username, write=True)
        changes = {
            "first_name": options.first_name,
            "last_name": options.last_name,
            "email": options.email,
            "role": options.role,
            "title": options.title,
            "is_org_admin": options.admin,
        }
        person = services.update_person(
            actor=actor, person=target, **{k: v for k, v in changes.items() if v is not None}
        )
        return f"Saved {person.username}."

    def deactivate(self, actor: Person, options: argparse.Namespace) -> Any:
        target = self._colleague(actor, options.username, write=True)
        services.deactivate_person(actor=actor, person=target)
        return f"Deactivated {target.username}: signed out everywhere, API tokens revoked."

    def reactivate(self, actor: Person, options: argparse.Namespace) -> Any:
        target = self._colleague(actor, options.username, write=True)
        services.reactivate_person(actor=actor, person=target)
        return f"{target.username} can sign in again."

    def new_link(self, actor: Person, options: argparse.Namespace) -> Any:
        target = self._colleague(actor, options.username, write=True)
        issued = services.reissue_invitation(actor=actor, person=target)
        return _link_lines(issued, "set your password")

    def signing_right(self, actor: Person, options: argparse.Namespace) -> Any:
        target = self._colleague(actor, options.username, write=True)
        person = services.set_signing_right(actor=actor, person=target, allowed=options.allowed)
        if person.can_sign_agreements:
            return f"{person.username} may sign agreements for {person.organisation}."
        return f"{person.username} may no longer sign agreements."
