"""API: weekly check-ins of a program with a partner: list, open (its agenda computed), read,
add agenda lines, notes, decisions, action items and participants, close (frozen; the minutes
mailed by `accord sweep`), and the minutes as CSV or XLSX. A check-in one may not see is 404;
a closed one answers 409 to every write."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router
from ninja.responses import Status
from pydantic import BaseModel

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, LongText, Text, omittable
from accord.core.exports import XLSX_CONTENT_TYPE, export_response
from accord.threads.actions import create_action_item
from accord.threads.checkin_access import (
    checkins_of_program,
    chosen_partner,
    get_agenda_item_for_user,
    get_checkin_for_user,
    get_program_for_checkins,
)
from accord.threads.checkin_minutes import (
    MINUTES_HEADERS,
    Minutes,
    log_restricted_reads,
    minutes_filename,
    minutes_of,
    minutes_rows,
)
from accord.threads.checkins import (
    add_agenda_item,
    add_participant,
    close_checkin,
    open_checkin,
    record_decision,
    remove_participant,
    update_agenda_item,
)
from accord.threads.models import (
    MAX_DECISION,
    MAX_ITEM_TEXT,
    MAX_NOTE,
    MAX_TITLE,
    AgendaItem,
    CheckIn,
    CheckInStatus,
    Decision,
)
from accord.threads.thread_api import ActionItemOut, _items

router = Router(tags=["check-ins"])

Username = Annotated[Text, Field(min_length=1, max_length=150)]
MINUTES_DOC = {
    "responses": {
        200: {
            "description": "The minutes: participants, agenda, decisions and action items.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


class CheckInOut(BaseModel):
    id: int
    program_id: int
    partner_id: int
    partner: str
    week: str
    status: CheckInStatus
    opened_by: str | None
    opened_at: dt.datetime
    closed_by: str | None
    closed_at: dt.datetime | None
    carried_from_week: str | None


class ParticipantOut(BaseModel):
    id: int
    username: str
    name: str
    organisation: str


class AgendaItemOut(BaseModel):
    id: int
    kind: str
    ref_kind: str
    ref_id: int | None
    label: str
    detail: str
    waits_on: str | None = Field(description="The side a thread waits on (null: both).")
    restricted: bool
    note: str
    resolved: bool
    carried_from_week: str


class DecisionOut(BaseModel):
    id: int
    text: str
    recorded_by: str | None
    recorded_at: dt.datetime


class CheckInDetailOut(CheckInOut):
    participants: list[ParticipantOut]
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]


class CheckInIn(InputSchema):
    partner: Text = Field(
        min_length=1, max_length=200, description="The partner organisation: id, slug or name."
    )
    week: Text = Field(min_length=1, max_length=20, description="The ISO week, e.g. 2026-W48.")
    participants: list[Username] = omittable(
        max_length=100,
        description="Usernames among the program's members of the two organisations; left "
        "out: all of them.",
    )


class CheckInFilters(InputSchema):
    status: CheckInStatus | None = None


class AgendaLineIn(InputSchema):
    text: Text = Field(min_length=1, max_length=MAX_ITEM_TEXT)


class AgendaItemPatch(InputSchema):
    note: LongText = omittable(max_length=MAX_NOTE)
    resolved: bool = omittable(description="Lines added by hand only.")


class DecisionIn(InputSchema):
    text: LongText = Field(min_length=1, max_length=MAX_DECISION)


class CheckInActionIn(InputSchema):
    title: Text = Field(min_length=1, max_length=MAX_TITLE)
    owner: Username = Field(description="A participant's username.")
    due_date: dt.date = Field(description="Not in the past in the owner's time zone.")


class ParticipantIn(InputSchema):
    username: Username


class MinutesQuery(InputSchema):
    format: Literal["csv", "xlsx"] = "csv"


class CloseIn(InputSchema):
    pass


def _name(p: Any) -> str | None:
    return p.username if p is not None else None


def _checkin(c: CheckIn) -> CheckInOut:
    return CheckInOut(
        id=c.pk,
        program_id=c.program_id,
        partner_id=c.partner_id,
        partner=c.partner.name,
        week=c.week,
        status=CheckInStatus(c.status),
        opened_by=_name(c.opened_by),
        opened_at=c.opened_at,
        closed_by=_name(c.closed_by),
        closed_at=c.closed_at,
        carried_from_week=c.carried_from.week if c.carried_from else None,
    )


def _item(i: AgendaItem) -> AgendaItemOut:
    return AgendaItemOut(
        id=i.pk,
        kind=i.kind,
        ref_kind=i.ref_kind,
        ref_id=i.ref_id,
        label=i.label,
        detail=i.detail,
        waits_on=i.waits_on.name if i.waits_on else None,
        restricted=i.restricted,
        note=i.note,
        resolved=i.resolved,
        carried_from_week=i.carried_from_week,
    )


def _decision(d: Decision) -> DecisionOut:
    return DecisionOut(
        id=d.pk, text=d.text, recorded_by=_name(d.recorded_by), recorded_at=d.recorded_at
    )


def _detail(request: HttpRequest, checkin_id: int) -> CheckInDetailOut:
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id)
    minutes: Minutes = minutes_of(user, checkin)
    log_restricted_reads(user, minutes, channel="api", path=request.path)
    return CheckInDetailOut(
        **_checkin(checkin).model_dump(),
        participants=[
            ParticipantOut(
                id=p.pk,
                username=p.username,
                name=p.get_full_name(),
                organisation=p.organisation.name,
            )
            for p in minutes.participants
        ],
        agenda=[_item(i) for i in minutes.agenda],
        decisions=[_decision(d) for d in minutes.decisions],
        action_items=_items(minutes.actions),
    )


@router.get("/programs/{program_id}/checkins", response=Page[CheckInOut])
def list_checkins(
    request: HttpRequest,
    program_id: Id,
    filters: Query[CheckInFilters],
    paging: Query[PageParams],
) -> dict[str, Any]:
    """The program's check-ins you may see: all of them for the owner's members, your own
    organisation's for a partner's members. Newest week first."""
    user = person(request)
    program = get_program_for_checkins(user, program_id)
    rows = checkins_of_program(user, program).select_related(
        "partner", "opened_by", "closed_by", "carried_from"
    )
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    rows = rows.order_by("-week", "partner__name", "pk")
    return paginate(request, rows, paging, lambda page: [_checkin(cast(CheckIn, c)) for c in page])


@router.post("/programs/{program_id}/checkins", response={201: CheckInDetailOut})
@idempotent
def open_checkin_endpoint(request: HttpRequest, program_id: Id, payload: CheckInIn) -> Status[Any]:
    """Open the week's check-in with a partner (one per program, partner and week: 409 for a
    second): its agenda is computed now, holding only what every participant may see, with
    the open items of the last closed one carried over."""
    user = person(request)
    program = get_program_for_checkins(user, program_id)
    partner = chosen_partner(user, program, payload.partner)
    given = payload.model_fields_set
    checkin = open_checkin(
        actor=user,
        program=program,
        partner=partner,
        week=payload.week,
        participants=payload.participants if "participants" in given else None,
    )
    return Status(201, _detail(request, checkin.pk))


@router.get("/checkins/{checkin_id}", response=CheckInDetailOut)
def get_checkin(request: HttpRequest, checkin_id: Id) -> CheckInDetailOut:
    return _detail(request, checkin_id)


@router.post("/checkins/{checkin_id}/items", response={201: AgendaItemOut})
@idempotent
def add_agenda_line(request: HttpRequest, checkin_id: Id, payload: AgendaLineIn) -> Status[Any]:
    """A line added by hand; it reappears next week until resolved."""
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id, write=True)
    return Status(201, _item(add_agenda_item(actor=user, checkin=checkin, text=payload.text)))


@router.patch("/agenda-items/{item_id}", response=AgendaItemOut)
def patch_agenda_item(request: HttpRequest, item_id: Id, payload: AgendaItemPatch) -> Any:
    """The note on an agenda item; whether a line added by hand is resolved."""
    user = person(request)
    item = get_agenda_item_for_user(user, item_id)
    given = payload.model_fields_set
    updated = update_agenda_item(
        actor=user,
        item=item,
        note=payload.note if "note" in given else None,
        resolved=payload.resolved if "resolved" in given else None,
    )
    return _item(updated)


@router.post("/checkins/{checkin_id}/decisions", response={201: DecisionOut})
@idempotent
def add_decision(request: HttpRequest, checkin_id: Id, payload: DecisionIn) -> Status[Any]:
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id, write=True)
    return Status(201, _decision(record_decision(actor=user, checkin=checkin, text=payload.text)))


@router.post("/checkins/{checkin_id}/actions", response={201: ActionItemOut})
@idempotent
def add_checkin_action(
    request: HttpRequest, checkin_id: Id, payload: CheckInActionIn
) -> Status[Any]:
    """An action item of the check-in (source_kind "checkin"), owned by a participant."""
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id, write=True)
    item = create_action_item(
        actor=user,
        checkin=checkin,
        title=payload.title,
        owner=payload.owner,
        due_date=payload.due_date,
    )
    item.owner.refresh_from_db()
    return Status(201, _items([item])[0])


@router.post("/checkins/{checkin_id}/participants", response={201: ParticipantOut})
@idempotent
def add_checkin_participant(
    request: HttpRequest, checkin_id: Id, payload: ParticipantIn
) -> Status[Any]:
    """One of the program's members of the two organisations; items of the shared agenda the
    newcomer may not see leave it."""
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id, write=True)
    added = add_participant(actor=user, checkin=checkin, username=payload.username)
    return Status(
        201,
        ParticipantOut(
            id=added.pk,
            username=added.username,
            name=added.get_full_name(),
            organisation=added.organisation.name if added.organisation else "",
        ),
    )


@router.delete("/checkins/{checkin_id}/participants/{person_id}", response={204: None})
def remove_checkin_participant(request: HttpRequest, checkin_id: Id, person_id: Id) -> Status[None]:
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id, write=True)
    remove_participant(actor=user, checkin=checkin, person_id=person_id)
    return Status(204, None)


@router.post("/checkins/{checkin_id}/close", response=CheckInOut)
def close_checkin_endpoint(request: HttpRequest, checkin_id: Id, payload: CloseIn) -> CheckInOut:
    """Freeze the check-in (409 when closed already) and queue its minutes to each
    participant, sent by `accord sweep`."""
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id, write=True)
    return _checkin(close_checkin(actor=user, checkin=checkin))


@router.get("/checkins/{checkin_id}/minutes", openapi_extra=MINUTES_DOC)
def checkin_minutes(
    request: HttpRequest, checkin_id: Id, params: Query[MinutesQuery]
) -> HttpResponse:
    """The minutes as CSV or XLSX, safe to open in a spreadsheet."""
    user = person(request)
    checkin = get_checkin_for_user(user, checkin_id)
    minutes = minutes_of(user, checkin)
    log_restricted_reads(user, minutes, channel="export", path=request.path)
    return export_response(
        params.format, minutes_filename(checkin), MINUTES_HEADERS, minutes_rows(minutes)
    )
