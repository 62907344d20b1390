"""Schemas of the workspace-management operations: people, invitations, organisations and
their connections, program and NDA changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field, StrictBool

from accord.api.schemas import Id, InputSchema, LongText, OrgRef, Text, omittable
from accord.orgs.choices import OrganisationKind, PersonRole, ProgramStatus
from accord.orgs.models import Connection, Invitation, Person


def email_field() -> Any:
    return Field(min_length=3, max_length=254, description="An e-mail address.")


def username_field() -> Any:
    return Field(
        min_length=1,
        max_length=150,
        pattern=r"^[\w.@+-]+$",
        description="Letters, digits and @ . + - _ only.",
    )


# People ------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    username: str
    name: str
    first_name: str
    last_name: str
    email: str
    role: str
    title: str
    is_org_admin: bool
    can_sign_agreements: bool = Field(
        description="An authorised signer of the organisation's agreements (administrators "
        "grant and revoke it)."
    )
    is_active: bool
    has_password: bool = Field(description="False until the person has used their invitation.")
    organisation: OrgRef | None

    @staticmethod
    def resolve_name(obj: Person) -> str:
        return str(obj)

    @staticmethod
    def resolve_has_password(obj: Person) -> bool:
        return obj.has_usable_password()


class PersonIn(InputSchema):
    username: Text = username_field()
    email: Text = email_field()
    first_name: Text = Field("", max_length=150)
    last_name: Text = Field("", max_length=150)
    role: PersonRole | None = None
    title: Text = Field("", max_length=120)
    is_org_admin: StrictBool = False


class PersonPatch(InputSchema):
    """Only the fields sent change; the username never does."""

    first_name: Text = omittable(max_length=150)
    last_name: Text = omittable(max_length=150)
    email: Text = omittable(min_length=3, max_length=254, description="An e-mail address.")
    role: PersonRole | None = Field(None, description="null clears the role.")
    title: Text = omittable(max_length=120)
    is_org_admin: StrictBool = omittable()


class SigningRightIn(InputSchema):
    allowed: StrictBool = Field(
        description="true grants the right to sign agreements; false withdraws it."
    )


class InvitationOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    title: str
    is_org_admin: bool
    person_id: int | None
    state: str = Field(description="pending, accepted, expired or revoked")
    created_at: dt.datetime
    expires_at: dt.datetime

    @staticmethod
    def resolve_state(obj: Invitation) -> str:
        return str(obj.state_on(timezone.now()))


class IssuedInvitationOut(InvitationOut):
    link: str | None = Field(
        description="The one-time sign-up link. Shown once: a replay of the same "
        "Idempotency-Key answers null here."
    )


class InvitationIn(InputSchema):
    email: Text = email_field()
    first_name: Text = Field("", max_length=150)
    last_name: Text = Field("", max_length=150)
    role: PersonRole | None = None
    title: Text = Field("", max_length=120)
    is_org_admin: StrictBool = False


class PersonCreatedOut(Schema):
    person: PersonOut
    invitation: IssuedInvitationOut


# Organisations and connections -------------------------------------------------------------


class FirstAdminIn(InputSchema):
    username: Text = username_field()
    email: Text = email_field()
    first_name: Text = Field("", max_length=150)
    last_name: Text = Field("", max_length=150)


class PartnerOrganisationIn(InputSchema):
    name: Text = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    country: Text = Field("", max_length=2, description="ISO 3166 alpha-2, e.g. MY")
    website: Text = Field("", max_length=200)
    admin: FirstAdminIn


class PartnerOrganisationOut(Schema):
    organisation: OrgRef
    admin: PersonOut
    invitation: IssuedInvitationOut


class ConnectionOut(Schema):
    id: int
    organisation: OrgRef = Field(description="The other organisation.")
    direction: str = Field(description="sent (your organisation invited) or received")
    status: str
    message: str
    created_at: dt.datetime
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_organisation(obj: Connection, context: Any) -> Any:
        return obj.other(context["request"].user.organisation_id)

    @staticmethod
    def resolve_direction(obj: Connection, context: Any) -> str:
        return "sent" if obj.inviter_id == context["request"].user.organisation_id else "received"


class ConnectionIn(InputSchema):
    accord_id: Text = Field(
        min_length=1,
        max_length=80,
        description="The other organisation's Accord ID, shown on its organisation page.",
    )
    message: Text = Field("", max_length=500)


# Programs ----------------------------------------------------------------------------------


class ProgramIn(InputSchema):
    code: Text = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name: Text = Field(min_length=1, max_length=200)
    description: LongText = Field("", max_length=10_000)
    status: ProgramStatus = ProgramStatus.DEVELOPMENT
    description_shared: StrictBool = Field(
        False, description="Suppliers and distributors read the description too."
    )


class ProgramPatch(InputSchema):
    """Only the fields sent change; `archived` archives or restores the program."""

    name: Text = omittable(min_length=1, max_length=200)
    description: LongText = omittable(max_length=10_000)
    status: ProgramStatus = omittable()
    description_shared: StrictBool = omittable()
    archived: StrictBool = omittable()


class ProgramPartnerIn(InputSchema):
    organisation_id: Id = Field(description="An organisation connected with the program's owner.")
    responsibility: Text = Field("", max_length=200)


class ProgramPartnerPatch(InputSchema):
    responsibility: Text = Field(max_length=200)


# NDAs --------------------------------------------------------------------------------------


class NdaForm(InputSchema):
    """The form fields beside the signed document (multipart/form-data)."""

    reference: Text = Field(min_length=1, max_length=80)
    title: Text = Field("", max_length=200)
    counterparty_id: Id = Field(description="The other party: an organisation you can see.")
    effective_date: dt.date
    expiry_date: dt.date | None = Field(None, description="Omit for no fixed end.")
    program_ids: list[Id] = Field(
        default_factory=list,
        max_length=500,
        description="Programs covered (owned by either party), repeated field.",
    )
    covers_all_programs: bool = False


class NdaPatch(InputSchema):
    """An amendment: a new expiry (null: no fixed end), other programs covered."""

    expiry_date: dt.date | None = Field(None, description="null: no fixed end.")
    program_ids: list[Id] = omittable(max_length=500)
    covers_all_programs: StrictBool = omittable()


def present(payload: InputSchema) -> dict[str, Any]:
    """The fields the client sent (PATCH semantics)."""
    return payload.model_dump(exclude_unset=True)
