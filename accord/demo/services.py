"""The writes only the demo loader makes. Like every service: atomic, with an event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accord.core.choices import Classification
from accord.core.errors import Forbidden, InvalidInput
from accord.core.events import record_event
from accord.orgs.access import can_manage_program
from accord.orgs.choices import ProgramStatus
from accord.orgs.models import Person, Program


def set_demo_passwords(*, actor: Person | None, usernames: Iterable[str], password: str) -> int:
    """Give these people the published demo password. Returns how many were changed."""
    if not password:
        raise InvalidInput("The demo password is empty.")
    changed = 0
    with transaction.atomic():
        for person in Person.objects.filter(username__in=list(usernames)).select_related(
            "organisation"
        ):
            person.set_password(password)
            person.save(update_fields=["password"])
            record_event(
                actor=actor,
                verb="set demo password",
                obj=person,
                organisation=person.organisation,
                classification=Classification.INTERNAL,
            )
            changed += 1
    return changed


def describe_program(*, actor: Person, program: Program, description: str, status: str) -> Program:
    """Set a program's description and status (the demo's richer story)."""
    if status not in ProgramStatus.values:
        raise InvalidInput(f"Unknown program status {status!r}.", detail={"field": "status"})
    if not can_manage_program(actor, program):
        raise Forbidden("Only a manager of the program can describe it.")
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        before = {"description": program.description, "status": program.status}
        program.description = description.strip()
        program.status = status
        program.save(update_fields=["description", "status"])
        record_event(
            actor=actor,
            verb="described program",
            obj=program,
            program=program,
            changes={
                key: [before[key], getattr(program, key)]
                for key in before
                if before[key] != getattr(program, key)
            },
        )
    return program
