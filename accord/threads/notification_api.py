"""API: the person's own notifications (unread first, then the newest; each only while its
target may still be seen), reading them, muting a thread, and their notification settings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.schemas import Id, InputSchema, Text, omittable
from accord.threads.inbox import InboxRow, event_label, inbox_rows, unread_count
from accord.threads.models import Channel, DigestFrequency, Mute, Notification
from accord.threads.notification_access import (
    get_mute_for_user,
    get_notification_for_user,
    mutes_of,
    preferences_of,
    settings_of,
)
from accord.threads.notification_services import (
    known_events,
    mark_all_read,
    mark_read,
    mute_group,
    unmute,
    update_notification_settings,
)
from accord.threads.notify import resolve_targets

router = Router(tags=["notifications"])

MAX_PAGE_SIZE = 200


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    title: str
    url: str
    restricted: bool


class NotificationOut(BaseModel):
    id: int
    event: str
    label: str
    target_kind: str
    target_id: int
    group_key: str
    actor: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    target: TargetOut | None = Field(
        description="What it is about, as you may see it now (null: no longer visible)."
    )


class NotificationPage(Schema):
    unread: int = Field(description="Unread notifications in your inbox.")
    page: int
    page_size: int
    results: list[NotificationOut]
    has_next: bool


class NotificationFilters(InputSchema):
    unread_only: bool = False
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ReadAllOut(Schema):
    marked: int


class MuteOut(Schema):
    id: int
    group_key: str
    created_at: dt.datetime


Event = Annotated[Text, Field(min_length=1, max_length=40)]


class PreferenceIn(InputSchema):
    event: Event
    channel: Channel
    enabled: bool


class PreferenceOut(Schema):
    event: str
    channel: Channel
    enabled: bool


class SettingsOut(Schema):
    digest: DigestFrequency
    time_zone: str
    preferences: list[PreferenceOut]
    mutes: list[MuteOut]


class SettingsPatch(InputSchema):
    """The settings to change; the others stay."""

    digest: DigestFrequency = omittable()
    time_zone: Text = omittable(max_length=64)
    preferences: list[PreferenceIn] = omittable(max_length=100)


def _out(n: Notification, row: InboxRow | None = None, target: Any = None) -> NotificationOut:
    shown = row.target if row else target
    return NotificationOut(
        id=n.pk,
        event=n.event,
        label=event_label(n.event),
        target_kind=n.target_kind,
        target_id=n.target_id,
        group_key=n.group,
        actor=(n.actor.get_full_name() or n.actor.username) if n.actor else None,
        created_at=n.created_at,
        read_at=n.read_at,
        target=TargetOut.model_validate(shown) if shown else None,
    )


@router.get("/notifications", response=NotificationPage)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    """Your inbox: unread first, then the newest. A notification whose subject you may no
    longer see is left out (not deleted), so a page may hold fewer rows than its size."""
    user = person(request)
    size = filters.page_size
    rows = inbox_rows(
        user,
        unread_only=filters.unread_only,
        limit=size + 1,
        offset=(filters.page - 1) * size,
    )
    return {
        "unread": unread_count(user),
        "page": filters.page,
        "page_size": size,
        "results": [_out(r.notification, r) for r in rows[:size]],
        "has_next": len(rows) > size,
    }


def _one(user: Any, n: Notification) -> NotificationOut:
    target = resolve_targets(user, [(n.target_kind, n.target_id)]).get((n.target_kind, n.target_id))
    return _out(n, target=target)


@router.post("/notifications/read-all", response=ReadAllOut)
def read_all_notifications(request: HttpRequest) -> dict[str, int]:
    """Mark every unread notification of yours read."""
    return {"marked": mark_all_read(actor=person(request))}


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: Id) -> NotificationOut:
    user = person(request)
    notification = get_notification_for_user(user, notification_id)
    mark_read(actor=user, notification=notification)
    return _one(user, notification)


@router.post("/notifications/{notification_id}/mute", response={201: MuteOut})
@idempotent
def mute_notification_group(request: HttpRequest, notification_id: Id) -> Status[Any]:
    """Mute the thread (group) of one of your notifications: no inbox entry, no e-mail."""
    user = person(request)
    mute = mute_group(actor=user, notification=get_notification_for_user(user, notification_id))
    return Status(201, MuteOut.from_orm(mute))


@router.delete("/notifications/mutes/{mute_id}", response={204: None})
def delete_mute(request: HttpRequest, mute_id: Id) -> Status[None]:
    user = person(request)
    unmute(actor=user, mute=get_mute_for_user(user, mute_id))
    return Status(204, None)


def _settings(user: Any) -> dict[str, Any]:
    current = settings_of(user)
    stored = {(p.event, p.channel): p.enabled for p in preferences_of(user)}
    mutes: list[Mute] = list(mutes_of(user))
    return {
        "digest": current.digest if current else DigestFrequency.OFF,
        "time_zone": user.time_zone,
        "preferences": [
            {"event": e, "channel": c, "enabled": stored.get((e, c), True)}
            for e in known_events()
            for c in Channel.values
        ],
        "mutes": mutes,
    }


@router.get("/notifications/settings", response=SettingsOut)
def get_notification_settings(request: HttpRequest) -> dict[str, Any]:
    """Your digest (daily, weekly, off), time zone, what you want on which channel (all on
    unless turned off), and the threads you muted."""
    return _settings(person(request))


@router.patch("/notifications/settings", response=SettingsOut)
def patch_notification_settings(request: HttpRequest, payload: SettingsPatch) -> dict[str, Any]:
    user = person(request)
    given = payload.model_fields_set
    update_notification_settings(
        actor=user,
        digest=payload.digest if "digest" in given else None,
        time_zone=payload.time_zone if "time_zone" in given else None,
        preferences={(p.event, p.channel): p.enabled for p in payload.preferences}
        if "preferences" in given
        else None,
    )
    return _settings(user)
