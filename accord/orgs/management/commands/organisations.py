"""`accord organisations ACTION --as ADMIN ...`: the organisations yours works with.

    accord organisations list --as maya
    accord organisations create-partner "Meridian EMS" --kind ems --as maya \\
        --admin-username aisha --admin-email aisha@meridian.example   (prints their link)
    accord organisations invite meridian-ems --as maya [--message "..."]
    accord organisations accept halcyon-devices --as aisha / decline
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from accord.core.commands import WorkspaceCommand, no_arguments, table
from accord.orgs import access, services
from accord.orgs.choices import ConnectionStatus, OrganisationKind
from accord.orgs.models import Connection, Person


def _create(parser: CommandParser) -> None:
    parser.add_argument("name")
    parser.add_argument("--kind", required=True, choices=OrganisationKind.values)
    parser.add_argument("--country", default="")
    parser.add_argument("--website", default="")
    parser.add_argument("--admin-username", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-first-name", default="")
    parser.add_argument("--admin-last-name", default="")


def _invite(parser: CommandParser) -> None:
    parser.add_argument("accord_id", help="the other organisation's Accord ID")
    parser.add_argument("--message", default="")


def _answer(parser: CommandParser) -> None:
    parser.add_argument("accord_id", help="the Accord ID of the organisation that invited yours")


class Command(WorkspaceCommand):
    help = "Create partner organisations, invite organisations on Accord, answer invitations."
    subcommands = (
        ("list", "organisations yours works with, and invitations", no_arguments, "list_all"),
        ("create-partner", "a new organisation and its first administrator", _create, "create"),
        ("invite", "invite an organisation on Accord by its Accord ID", _invite, "invite"),
        ("accept", "accept an organisation's invitation", _answer, "accept"),
        ("decline", "decline an organisation's invitation", _answer, "decline"),
    )

    def list_all(self, actor: Person, options: argparse.Namespace) -> Any:
        own = actor.organisation_id or 0
        rows = [
            (
                c.other(own).slug,
                c.other(own).name,
                c.get_status_display(),
                "sent" if c.inviter_id == own else "received",
            )
            for c in access.connections_visible_to(actor).order_by("-created_at")
        ]
        if options.json:
            return [
                dict(zip(("accord_id", "name", "status", "direction"), r, strict=True))
                for r in rows
            ]
        return table(rows, ["accord id", "organisation", "status", "direction"])

    def create(self, actor: Person, options: argparse.Namespace) -> Any:
        organisation, admin, issued = services.create_partner_organisation(
            actor=actor,
            name=options.name,
            kind=options.kind,
            country=options.country,
            website=options.website,
            admin_username=options.admin_username,
            admin_email=options.admin_email,
            admin_first_name=options.admin_first_name,
            admin_last_name=options.admin_last_name,
        )
        return {
            "created": organisation.name,
            "accord_id": organisation.slug,
            "administrator": admin.username,
            "link": issued.link(settings.ACCORD_BASE_URL),
            "expires": issued.invitation.expires_at.isoformat(timespec="minutes"),
        }

    def invite(self, actor: Person, options: argparse.Namespace) -> Any:
        connection = services.invite_organisation(
            actor=actor, accord_id=options.accord_id, message=options.message
        )
        other = connection.other(actor.organisation_id or 0)
        if connection.status == ConnectionStatus.ACCEPTED:
            return f"Connected with {other.name}."
        return f"Invited {other.name}; its administrators accept or decline."

    def _received(self, actor: Person, accord_id: str) -> Connection:
        connection = (
            access.connections_visible_to(actor)
            .filter(invitee_id=actor.organisation_id, inviter__slug=accord_id.strip().lower())
            .filter(status=ConnectionStatus.PENDING)
            .first()
        )
        if connection is None:
            raise CommandError(f"No pending invitation from {accord_id!r}.")
        return access.get_connection_for_user(actor, connection.pk, write=True)

    def accept(self, actor: Person, options: argparse.Namespace) -> Any:
        connection = self._received(actor, options.accord_id)
        services.answer_connection(actor=actor, connection=connection, accept=True)
        return f"Connected with {connection.inviter.name}."

    def decline(self, actor: Person, options: argparse.Namespace) -> Any:
        connection = self._received(actor, options.accord_id)
        services.answer_connection(actor=actor, connection=connection, accept=False)
        return f"Declined the invitation of {connection.inviter.name}."
