"""`accord createtoken USERNAME --name NAME`: a personal API token for a script.

The secret goes to standard output alone on its line (`TOKEN=$(accord createtoken ...)`); it is
never stored and cannot be shown again. Everything else goes to standard error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accord.core.errors import DomainError
from accord.core.services import create_api_token
from accord.core.text import normalise_username
from accord.orgs.models import Person


class Command(BaseCommand):
    help = "Create a personal API token for a person and print its secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'ERP sync'")
        parser.add_argument("--expires-in-days", type=int, default=None, help="default: no expiry")

    def handle(self, *args: Any, **options: Any) -> None:
        username = normalise_username(options["username"])
        person = Person.objects.filter(username=username).first()
        if person is None or not person.is_active:
            raise CommandError(f"No active person with the username {options['username']!r}.")
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be 1 or more.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            token, secret = create_api_token(
                actor=person, name=options["name"], expires_at=expires_at
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(
            f"Created token {token.name!r} for {person.username}"
            + (f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "")
            + ". Its secret is shown only now:"
        )
        self.stdout.write(secret)
