"""API: creating a partner organisation, and connections between organisations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id
from accord.orgs import access
from accord.orgs import services as org_services
from accord.orgs.api.people import with_link
from accord.orgs.api.schemas import (
    ConnectionIn,
    ConnectionOut,
    PartnerOrganisationIn,
    PartnerOrganisationOut,
)

router = Router(tags=["organisations"])


def create_partner_organisation(
    request: HttpRequest, payload: PartnerOrganisationIn
) -> Status[PartnerOrganisationOut]:
    """A new organisation on Accord with its first administrator, connected with the caller's
    (administrators). The administrator sets a password at `invitation.link`, shown once."""
    user = person(request)
    organisation, admin, issued = org_services.create_partner_organisation(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        country=payload.country,
        website=payload.website,
        admin_username=payload.admin.username,
        admin_email=payload.admin.email,
        admin_first_name=payload.admin.first_name,
        admin_last_name=payload.admin.last_name,
    )
    created = PartnerOrganisationOut.model_validate(
        {"organisation": organisation, "admin": admin, "invitation": with_link(request, issued)}
    )
    return Status(201, created)


@router.get("/connections", response=Page[ConnectionOut])
def list_connections(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The caller's organisation's connections: organisations it works with, and invitations
    sent or received."""
    return paginate(request, access.connections_visible_to(person(request)), paging)


@router.post("/connections", response={201: ConnectionOut})
@idempotent
def invite_organisation(request: HttpRequest, payload: ConnectionIn) -> Status[ConnectionOut]:
    """Invite an organisation already on Accord, named by its Accord ID (administrators). If
    it had invited yours, this accepts its invitation."""
    user = person(request)
    connection = org_services.invite_organisation(
        actor=user, accord_id=payload.accord_id, message=payload.message
    )
    created = access.get_connection_for_user(user, connection.pk)
    return Status(201, ConnectionOut.model_validate(created, context={"request": request}))


@router.post("/connections/{connection_id}/accept", response=ConnectionOut)
def accept_connection(request: HttpRequest, connection_id: Id) -> Any:
    """Accept an invitation received (administrators of the invited organisation)."""
    return _answer(request, connection_id, accept=True)


@router.post("/connections/{connection_id}/decline", response=ConnectionOut)
def decline_connection(request: HttpRequest, connection_id: Id) -> Any:
    return _answer(request, connection_id, accept=False)


def _answer(request: HttpRequest, connection_id: int, *, accept: bool) -> ConnectionOut:
    user = person(request)
    connection = access.get_connection_for_user(user, connection_id, write=True)
    org_services.answer_connection(actor=user, connection=connection, accept=accept)
    answered = access.get_connection_for_user(user, connection_id)
    return ConnectionOut.model_validate(answered, context={"request": request})
