"""Organisations that work together: an administrator creates a partner organisation with its
first administrator, or invites an organisation already on Accord, whose administrators accept
or decline. Only connected organisations become partners of each other's programs: a program
manager never sees the people of an organisation that did not agree to work with theirs.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import text_input
from accord.orgs.choices import ConnectionStatus
from accord.orgs.models import Connection, Organisation, Person
from accord.orgs.services.people import IssuedInvitation, add_person


def _require_admin(actor: Person) -> Organisation:
    if actor.organisation is None or not (actor.is_active and actor.is_org_admin):
        raise Forbidden("Only an organisation administrator can manage partner organisations.")
    return actor.organisation


def connection_between(a_id: int, b_id: int) -> Connection | None:
    return (
        Connection.objects.filter(
            Q(inviter_id=a_id, invitee_id=b_id) | Q(inviter_id=b_id, invitee_id=a_id)
        )
        .order_by("-created_at")
        .first()
    )


def are_connected(a_id: int, b_id: int) -> bool:
    return Connection.objects.filter(
        Q(inviter_id=a_id, invitee_id=b_id) | Q(inviter_id=b_id, invitee_id=a_id),
        status=ConnectionStatus.ACCEPTED,
    ).exists()


def connect_organisations(
    *, actor: Person | None, inviter: Organisation, invitee: Organisation
) -> Connection:
    """Connect two organisations at once (bootstrap, demo, and a partner one just created)."""
    if inviter.pk == invitee.pk:
        raise InvalidInput("An organisation is not its own partner.")
    with transaction.atomic():
        existing = connection_between(inviter.pk, invitee.pk)
        if existing is not None:
            if existing.status != ConnectionStatus.ACCEPTED:
                existing.status = ConnectionStatus.ACCEPTED
                existing.answered_by = actor
                existing.answered_at = timezone.now()
                existing.save(update_fields=["status", "answered_by", "answered_at"])
            return existing
        connection = Connection.objects.create(
            inviter=inviter,
            invitee=invitee,
            status=ConnectionStatus.ACCEPTED,
            created_by=actor,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        record_event(
            actor=actor,
            verb="connected organisations",
            obj=connection,
            organisation=inviter,
            classification=Classification.INTERNAL,
            changes={"organisations": [inviter.name, invitee.name]},
        )
    return connection


def create_partner_organisation(
    *,
    actor: Person,
    name: str,
    kind: str,
    admin_username: str,
    admin_email: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
    country: str = "",
    website: str = "",
) -> tuple[Organisation, Person, IssuedInvitation]:
    """A new organisation, its first administrator (who sets a password through the returned
    one-time link) and its connection with the actor's organisation, in one transaction."""
    from accord.orgs.services import create_organisation

    own = _require_admin(actor)
    with transaction.atomic():
        organisation = create_organisation(
            actor=actor,
            name=text_input(name, "name", max_length=200, required=True),
            kind=kind,
            country=text_input(country, "country", max_length=2),
            website=text_input(website, "website", max_length=200),
        )
        admin, issued = add_person(
            actor=None,
            organisation=organisation,
            username=admin_username,
            email=admin_email,
            first_name=admin_first_name,
            last_name=admin_last_name,
            is_org_admin=True,
            invited_by=actor,
        )
        connect_organisations(actor=actor, inviter=own, invitee=organisation)
        record_event(
            actor=actor,
            verb="created partner organisation",
            obj=organisation,
            organisation=own,
            classification=Classification.INTERNAL,
            changes={"name": organisation.name, "kind": kind, "admin": admin.username},
        )
    return organisation, admin, issued


def invite_organisation(*, actor: Person, accord_id: str, message: str = "") -> Connection:
    """Ask an organisation already on Accord, named by its Accord ID (the slug it shows on its
    own page), to work with the actor's. Its administrators accept or decline."""
    own = _require_admin(actor)
    slug = text_input(accord_id, "accord_id", max_length=80, required=True, label="Accord ID")
    message = text_input(message, "message", max_length=500)
    with transaction.atomic():
        other = Organisation.objects.filter(slug=slug.lower()).first()
        if other is None:
            raise InvalidInput(
                "No organisation on Accord has that ID. Ask its administrator for the ID shown "
                "on their organisation page, or create the organisation as a partner.",
                detail={"field": "accord_id"},
            )
        if other.pk == own.pk:
            raise InvalidInput("That is your own organisation.", detail={"field": "accord_id"})
        existing = connection_between(own.pk, other.pk)
        if existing is not None and existing.status == ConnectionStatus.ACCEPTED:
            raise Conflict(f"{own} and {other} are connected already.")
        if existing is not None and existing.status == ConnectionStatus.PENDING:
            if existing.invitee_id == own.pk:  # they asked us first: inviting back accepts
                return answer_connection(actor=actor, connection=existing, accept=True)
            raise Conflict(f"{other} has not answered your invitation yet.")
        if existing is not None:  # declined before: ask again
            existing.delete()
        connection = Connection.objects.create(
            inviter=own, invitee=other, message=message, created_by=actor
        )
        record_event(
            actor=actor,
            verb="invited organisation",
            obj=connection,
            organisation=own,
            classification=Classification.INTERNAL,
            changes={"invitee": other.name},
        )
        record_event(
            actor=actor,
            verb="invited organisation",
            obj=connection,
            organisation=other,
            classification=Classification.INTERNAL,
            changes={"inviter": own.name},
        )
    return connection


def answer_connection(*, actor: Person, connection: Connection, accept: bool) -> Connection:
    """The invitee's administrator accepts or declines."""
    own = _require_admin(actor)
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.invitee_id != own.pk:
            raise Forbidden("Only the invited organisation's administrators answer.")
        if locked.status != ConnectionStatus.PENDING:
            raise Conflict(f"This invitation was answered already ({locked.get_status_display()}).")
        locked.status = ConnectionStatus.ACCEPTED if accept else ConnectionStatus.DECLINED
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_by", "answered_at"])
        verb = "accepted connection" if accept else "declined connection"
        for organisation in (locked.invitee, locked.inviter):
            record_event(
                actor=actor,
                verb=verb,
                obj=locked,
                organisation=organisation,
                classification=Classification.INTERNAL,
                changes={"inviter": locked.inviter.name, "invitee": locked.invitee.name},
            )
    return locked
