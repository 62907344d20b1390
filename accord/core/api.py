"""API: personal API tokens, the event log and the access log."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, field_validator

from accord.api.auth import person, session_auth
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import (
    ErrorOut,
    Id,
    InputSchema,
    OrgRef,
    PersonRef,
    ProgramRef,
    Text,
    omittable,
)
from accord.core import access
from accord.core import services as core_services
from accord.core.access import get_or_404
from accord.core.models import ApiToken
from accord.orgs.access import events_visible_to

router = Router()


# Schemas ---------------------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        expired = obj.expires_at is not None and obj.expires_at <= timezone.now()
        return obj.revoked_at is None and not expired


class TokenCreated(TokenOut):
    secret: str | None = Field(
        description="The token itself. Shown once: Accord keeps only a digest of it."
    )


class TokenIn(InputSchema):
    name: Text = Field(min_length=1, max_length=100)
    expires_at: dt.datetime | None = None

    @field_validator("expires_at")
    @classmethod
    def in_the_future(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None:
            if timezone.is_naive(value):
                raise ValueError("Give the time zone, e.g. 2030-01-31T00:00:00Z.")
            if value <= timezone.now():
                raise ValueError("The expiry must be in the future.")
        return value


class EventOut(Schema):
    id: int
    created_at: dt.datetime
    actor: PersonRef | None
    program: ProgramRef | None
    classification: str
    verb: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]


class EventQuery(InputSchema):
    program: Id = omittable()
    object_type: Text = omittable(max_length=60, description="e.g. parts.part")


class AccessLogOut(Schema):
    id: int
    created_at: dt.datetime
    reader: PersonRef
    reader_organisation: OrgRef
    program: ProgramRef | None
    object_type: str = Field(description="Machine name of what was read, e.g. parts.bom.")
    kind: str = Field(description="What was read, in words, e.g. BOM.")
    object_id: str = Field(description="Empty for a list, a search or an export.")
    object_repr: str = Field(
        description="The object read, or what a list asked for (e.g. 'search \"driver\"')."
    )
    row_count: int = Field(description="The owner's restricted rows read: 1 for one object.")
    what: str = Field(
        description="In words, e.g. 'listed 3 restricted parts of yours (search \"driver\")'."
    )
    channel: str
    path: str


# Tokens ------------------------------------------------------------------------------------------


@router.get("/tokens", response=Page[TokenOut], tags=["tokens"])
def list_tokens(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The caller's own tokens, revoked ones included. Never the secret."""
    return paginate(request, access.tokens_visible_to(person(request)), paging)


@router.post("/tokens", response={201: TokenCreated}, tags=["tokens"], auth=[session_auth])
@idempotent(redact=("secret",))
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated]:
    """Create a personal API token; the response is the only time the secret is shown.

    Browser session only: a token cannot mint further tokens, so revoking a leaked token ends
    the leak. A replay of the same Idempotency-Key returns the token with `secret: null`.
    """
    token, secret = core_services.create_api_token(
        actor=person(request), name=payload.name, expires_at=payload.expires_at
    )
    token.secret = secret  # type: ignore[attr-defined]  # on this instance only, never saved
    return Status(201, TokenCreated.model_validate(token))


@router.delete("/tokens/{token_id}", response={204: None}, tags=["tokens"])
def revoke_token(request: HttpRequest, token_id: Id) -> Status[None]:
    """Revoke one of the caller's tokens. It stops working at once."""
    user = person(request)
    token = get_or_404(access.tokens_visible_to(user), pk=token_id)
    core_services.revoke_api_token(actor=user, token_id=token.pk)
    return Status(204, None)


# Event log and access log ------------------------------------------------------------------------


@router.get("/events", response=Page[EventOut], tags=["events"])
def list_events(
    request: HttpRequest, filters: Query[EventQuery], paging: Query[PageParams]
) -> dict[str, Any]:
    """What happened in the caller's programs and organisation, newest first."""
    qs = events_visible_to(person(request))
    if filters.program is not None:
        qs = qs.filter(program_id=filters.program)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    return paginate(request, qs, paging)


# 404 beyond the generic errors (accord/api/openapi.py): the list exists for admins only.
@router.get("/access-log", response={200: Page[AccessLogOut], 404: ErrorOut}, tags=["events"])
def list_access_log(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """Who read the restricted data of the caller's organisation, newest first: one entry per
    object read, and one per list, search or export with the number of restricted rows of the
    caller's organisation it returned.

    For organisation administrators only; to anyone else this list does not exist (404).
    """
    return paginate(request, access.access_log_for_reviewer(person(request)), paging)
