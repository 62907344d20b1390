"""`accord createorg NAME --kind ems --admin USERNAME --email E`: bootstrap an organisation.

Creates the organisation and its first administrator in one transaction (actor: none, the
event log records a bootstrap). The password comes from --password-from-env VAR (best for
scripts), --password (visible in the process list: avoid on shared machines) or a prompt.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from accord.core.errors import DomainError
from accord.orgs import services
from accord.orgs.choices import OrganisationKind, PersonRole
from accord.orgs.models import Person


class Command(BaseCommand):
    help = "Create an organisation and its first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the organisation's name, e.g. 'Meridian Electronics'")
        parser.add_argument("--kind", required=True, choices=OrganisationKind.values)
        parser.add_argument(
            "--admin", required=True, metavar="USERNAME", help="first admin's username"
        )
        parser.add_argument("--email", required=True, help="first admin's e-mail address")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--role", default="", choices=["", *PersonRole.values])
        parser.add_argument("--title", default="", help="job title, e.g. 'Supply-chain manager'")
        parser.add_argument("--country", default="", help="ISO 3166 alpha-2 code, e.g. DE")
        parser.add_argument("--website", default="")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument("--password", help="the admin's password (prefer --password-from-env)")
        secret.add_argument(
            "--password-from-env", metavar="VAR", help="read the admin's password from $VAR"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["admin"].strip()
        email = options["email"].strip()
        if not username:
            raise CommandError("--admin needs a username.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        password = self._password(options)
        try:
            validate_password(
                password,
                Person(
                    username=username,
                    email=email,
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                ),
            )
        except ValidationError as exc:
            raise CommandError("The password is too weak: " + " ".join(exc.messages)) from None
        try:
            with transaction.atomic():
                organisation = services.create_organisation(
                    actor=None,
                    name=options["name"],
                    kind=options["kind"],
                    country=options["country"],
                    website=options["website"],
                )
                admin = services.create_person(
                    actor=None,
                    organisation=organisation,
                    username=username,
                    password=password,
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    email=email,
                    role=options["role"],
                    title=options["title"],
                    is_org_admin=True,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Created {organisation.name} ({organisation.get_kind_display()}) "
            f"with administrator {admin.username}."
        )

    def _password(self, options: dict[str, Any]) -> str:
        if options["password"] is not None:
            return str(options["password"])
        var = options["password_from_env"]
        if var is not None:
            value = os.environ.get(var)
            if not value:
                raise CommandError(f"The environment variable {var} is not set or empty.")
            return value
        if not sys.stdin.isatty():
            raise CommandError(
                "No password given and no terminal to ask on: "
                "use --password-from-env VAR or --password."
            )
        first = getpass.getpass("Password for the administrator: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
