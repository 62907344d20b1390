"""The writes only the demo loader makes. Like every service: atomic, with an event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accord.core.choices import Classification
from accord.core.errors import InvalidInput
from accord.core.events import record_event
from accord.orgs.models import Person


def set_demo_passwords(*, actor: Person | None, usernames: Iterable[str], password: str) -> int:
    """Give these people the published demo password; one event per organisation."""
    if not password:
        raise InvalidInput("The demo password is empty.")
    changed = 0
    by_organisation: dict[int | None, list[Person]] = {}
    with transaction.atomic():
        for person in Person.objects.filter(username__in=list(usernames)).select_related(
            "organisation"
        ):
            person.set_password(password)
            person.save(update_fields=["password"])
            by_organisation.setdefault(person.organisation_id, []).append(person)
            changed += 1
        for people in by_organisation.values():
            organisation = people[0].organisation
            if organisation is None:
                continue
            record_event(
                actor=actor,
                verb="set demo passwords",
                obj=organisation,
                organisation=organisation,
                classification=Classification.INTERNAL,
                changes={"people": sorted(p.username for p in people)},
            )
    return changed
