"""API: an organisation's people and its invitations (administrators manage them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status
from pydantic import Field

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, Text
from accord.core.errors import Forbidden
from accord.orgs import access
from accord.orgs import services as org_services
from accord.orgs.api.schemas import (
    InvitationIn,
    InvitationOut,
    IssuedInvitationOut,
    PersonCreatedOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    SigningRightIn,
    present,
)
from accord.orgs.models import Invitation, Person
from accord.orgs.services import IssuedInvitation

router = Router(tags=["people"])


class PeopleQuery(InputSchema):
    q: Text = Field("", max_length=100, description="Words of the name, username or e-mail.")
    active: bool | None = Field(None, description="Only active (true) or deactivated (false).")


def with_link(request: HttpRequest, issued: IssuedInvitation) -> Invitation:
    """The invitation carrying its one-time link, which exists only in this response."""
    invitation = issued.invitation
    invitation.link = request.build_absolute_uri(issued.path)  # type: ignore[attr-defined]
    return invitation


def issued_out(request: HttpRequest, issued: IssuedInvitation) -> IssuedInvitationOut:
    return IssuedInvitationOut.model_validate(with_link(request, issued))


def require_admin(user: Person) -> None:
    if not user.is_org_admin:
        raise Forbidden("Only an administrator of your organisation can manage its people.")


@router.get("/people", response=Page[PersonOut])
def list_people(
    request: HttpRequest, filters: Query[PeopleQuery], paging: Query[PageParams]
) -> dict[str, Any]:
    """The people of the caller's organisation."""
    qs = access.people_visible_to(person(request)).order_by("last_name", "first_name", "pk")
    for word in filters.q.split()[:5]:
        qs = qs.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return paginate(request, qs, paging)


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: Id) -> Any:
    return access.get_person_for_user(person(request), person_id)


@router.post("/people", response={201: PersonCreatedOut})
@idempotent(redact=("invitation",))
def add_person(request: HttpRequest, payload: PersonIn) -> Status[PersonCreatedOut]:
    """Add a colleague (administrators). They have no password until they open the one-time
    link in `invitation.link`, shown once (and e-mailed when the server sends e-mail)."""
    user = person(request)
    require_admin(user)
    assert user.organisation is not None
    created, issued = org_services.add_person(
        actor=user,
        organisation=user.organisation,
        username=payload.username,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        role=payload.role or "",
        title=payload.title,
        is_org_admin=payload.is_org_admin,
    )
    created_out = PersonCreatedOut.model_validate(
        {
            "person": access.get_person_for_user(user, created.pk),
            "invitation": with_link(request, issued),
        }
    )
    return Status(201, created_out)


@router.patch("/people/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Any:
    """Change a colleague's name, e-mail, role, title or administrator flag (administrators)."""
    user = person(request)
    target = access.get_person_for_user(user, person_id, write=True)
    changes = present(payload)
    if "role" in changes and changes["role"] is None:
        changes["role"] = ""
    org_services.update_person(actor=user, person=target, **changes)
    return access.get_person_for_user(user, person_id)


@router.post("/people/{person_id}/deactivate", response=PersonOut)
def deactivate_person(request: HttpRequest, person_id: Id) -> Any:
    """The person can no longer sign in: their sessions end and their API tokens are revoked
    at once (administrators; not oneself; an organisation keeps one active administrator)."""
    user = person(request)
    target = access.get_person_for_user(user, person_id, write=True)
    org_services.deactivate_person(actor=user, person=target)
    return access.get_person_for_user(user, person_id)


@router.put("/people/{person_id}/signing-right", response=PersonOut)
def put_signing_right(request: HttpRequest, person_id: Id, payload: SigningRightIn) -> Any:
    """Grant (`allowed: true`) or withdraw a colleague's right to sign agreements for the
    organisation (administrators; their own included). Asking for what is already so changes
    nothing. 403 for a colleague who is not an administrator, 404 for someone of another
    organisation; 409 to grant it to a deactivated person."""
    user = person(request)
    target = access.get_person_for_user(user, person_id, write=True)
    org_services.set_signing_right(actor=user, person=target, allowed=payload.allowed)
    return access.get_person_for_user(user, person_id)


@router.post("/people/{person_id}/reactivate", response=PersonOut)
def reactivate_person(request: HttpRequest, person_id: Id) -> Any:
    user = person(request)
    target = access.get_person_for_user(user, person_id, write=True)
    org_services.reactivate_person(actor=user, person=target)
    return access.get_person_for_user(user, person_id)


@router.post("/people/{person_id}/invitation", response={201: IssuedInvitationOut})
@idempotent(redact=("link",))
def reissue_invitation(request: HttpRequest, person_id: Id) -> Status[IssuedInvitationOut]:
    """A new one-time link for a colleague who has not set a password yet; the previous link
    stops working."""
    user = person(request)
    target = access.get_person_for_user(user, person_id, write=True)
    issued = org_services.reissue_invitation(actor=user, person=target)
    return Status(201, issued_out(request, issued))


@router.get("/invitations", response=Page[InvitationOut])
def list_invitations(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """Invitations to join the caller's organisation (administrators; 404 for anyone else)."""
    user = person(request)
    if not user.is_org_admin:
        from accord.core.errors import NotFound

        raise NotFound()
    return paginate(request, access.invitations_visible_to(user), paging)


@router.post("/invitations", response={201: IssuedInvitationOut})
@idempotent(redact=("link",))
def invite_person(request: HttpRequest, payload: InvitationIn) -> Status[IssuedInvitationOut]:
    """Invite someone to the caller's organisation (administrators): they choose their
    username and password at the one-time link, which expires."""
    user = person(request)
    require_admin(user)
    issued = org_services.invite_person(
        actor=user,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        role=payload.role or "",
        title=payload.title,
        is_org_admin=payload.is_org_admin,
    )
    return Status(201, issued_out(request, issued))


@router.delete("/invitations/{invitation_id}", response={204: None})
def revoke_invitation(request: HttpRequest, invitation_id: Id) -> Status[None]:
    """Withdraw a pending invitation: its link stops working."""
    user = person(request)
    invitation = access.get_invitation_for_user(user, invitation_id)
    org_services.revoke_invitation(actor=user, invitation=invitation)
    return Status(204, None)
