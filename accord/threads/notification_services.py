"""Every write about a person's own notifications: reading them, their preferences (per event
and channel), their digest and time zone, muting a group, and the one-click unsubscribe of an
e-mail's link. Each in one transaction with its event (classified internal: it is nobody
else's business)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import InvalidInput, NotFound
from accord.core.events import record_event
from accord.orgs.models import Person
from accord.orgs.zones import checked_zone_name
from accord.threads.models import (
    Channel,
    DigestFrequency,
    Mute,
    Notification,
    NotificationPreference,
    NotificationSettings,
)

UNSUBSCRIBE_SALT = "accord.threads.unsubscribe"


def _event(actor: Any, verb: str, obj: Any, changes: Mapping[str, Any] | None = None) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=obj,
        changes=dict(changes or {}),
        classification=Classification.INTERNAL,
    )


def mark_read(*, actor: Any, notification: Notification, now: dt.datetime | None = None) -> None:
    """Mark one of the person's notifications read (again: nothing changes but the event)."""
    moment = now or timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=moment)
        notification.refresh_from_db(fields=["read_at"])
        _event(actor, "notification.read", notification)


def mark_all_read(*, actor: Any, now: dt.datetime | None = None) -> int:
    """Mark every unread notification of the person read. Returns how many."""
    moment = now or timezone.now()
    with transaction.atomic():
        count = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=moment
        )
        _event(actor, "notification.read_all", Notification, {"count": count})
    return count


def known_events() -> tuple[str, ...]:
    from accord.threads.inbox import EVENT_LABELS

    return tuple(EVENT_LABELS)


def _checked_event(event: str) -> str:
    if event not in known_events():
        raise InvalidInput(
            f"event: {event!r} is not one of {', '.join(known_events())}.",
            detail={"field": "event"},
        )
    return event


def _checked_channel(channel: str) -> str:
    if channel not in Channel.values:
        raise InvalidInput(
            f"channel: {channel!r} is not one of {', '.join(Channel.values)}.",
            detail={"field": "channel"},
        )
    return channel


def update_notification_settings(
    *,
    actor: Any,
    digest: str | None = None,
    time_zone: str | None = None,
    preferences: Mapping[tuple[str, str], bool] | None = None,
) -> None:
    """Change what the person left out of `None`: the digest (daily, weekly, off), their time
    zone (an IANA name, "" for the workspace's), and whether they want each (event, channel)."""
    changes: dict[str, Any] = {}
    if digest is not None and digest not in DigestFrequency.values:
        raise InvalidInput(
            f"digest: {digest!r} is not one of {', '.join(DigestFrequency.values)}.",
            detail={"field": "digest"},
        )
    zone = checked_zone_name(time_zone) if time_zone is not None else None
    wanted = {
        (_checked_event(event), _checked_channel(channel)): bool(on)
        for (event, channel), on in (preferences or {}).items()
    }
    with transaction.atomic():
        if digest is not None:
            NotificationSettings.objects.update_or_create(
                person_id=actor.pk, defaults={"digest": digest}
            )
            changes["digest"] = digest
        if zone is not None:
            Person.objects.filter(pk=actor.pk).update(time_zone=zone)
            actor.time_zone = zone
            changes["time_zone"] = zone
        for (event, channel), on in sorted(wanted.items()):
            NotificationPreference.objects.update_or_create(
                person_id=actor.pk, event=event, channel=channel, defaults={"enabled": on}
            )
        if wanted:
            changes["preferences"] = {f"{e}/{c}": on for (e, c), on in sorted(wanted.items())}
        _event(actor, "notification.settings", actor, changes)


def _mute(actor: Any, group_key: str, now: dt.datetime) -> Mute:
    mute, _ = Mute.objects.get_or_create(
        person_id=actor.pk, group_key=group_key, defaults={"created_at": now}
    )
    # Out of the inbox, and nothing of it mailed any more: the notifications of the group, and
    # those without a group key whose own target is the group ("certificate:7").
    in_group = Q(group_key=group_key)
    kind, _, pk = group_key.partition(":")
    if pk.isdigit():
        in_group |= Q(group_key="", target_kind=kind, target_id=int(pk))
    rows = Notification.objects.filter(in_group, recipient_id=actor.pk)
    rows.update(in_inbox=False)
    rows.filter(mail_checked_at__isnull=True).update(mail_checked_at=now)
    return mute


def mute_group(*, actor: Any, notification: Notification, now: dt.datetime | None = None) -> Mute:
    """Mute the group (the thread) of one of the person's notifications."""
    moment = now or timezone.now()
    with transaction.atomic():
        mute = _mute(actor, notification.group, moment)
        _event(actor, "notification.mute", mute, {"group_key": mute.group_key})
    return mute


def unmute(*, actor: Any, mute: Mute) -> None:
    with transaction.atomic():
        _event(actor, "notification.unmute", mute, {"group_key": mute.group_key})
        mute.delete()


# One-click unsubscribe ----------------------------------------------------------------------


def unsubscribe_token(person_id: int, events: list[str]) -> str:
    """The signed token of an e-mail's unsubscribe link: whom, and which events' e-mail."""
    return signing.dumps({"p": person_id, "e": sorted(set(events))}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[Person, list[str]]:
    """The active person and the events a token names, else NotFound."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        person_id, events = int(data["p"]), [str(e) for e in data["e"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise NotFound("This unsubscribe link is not valid.") from error
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not events:
        raise NotFound("This unsubscribe link is not valid.")
    return person, events


def unsubscribe(*, token: str) -> tuple[Person, list[str]]:
    """Turn e-mail off for the events of an e-mail's link (no sign-in: the token is the proof;
    the person is the actor). Returns them."""
    person, events = read_unsubscribe_token(token)
    with transaction.atomic():
        if "digest" in events:
            NotificationSettings.objects.update_or_create(
                person_id=person.pk, defaults={"digest": DigestFrequency.OFF}
            )
        for event in events:
            if event == "digest":
                continue
            NotificationPreference.objects.update_or_create(
                person_id=person.pk,
                event=event,
                channel=Channel.EMAIL,
                defaults={"enabled": False},
            )
        Notification.objects.filter(
            recipient_id=person.pk, event__in=events, mail_checked_at__isnull=True
        ).update(mail_checked_at=timezone.now())
        _event(person, "notification.unsubscribe", person, {"events": events})
    return person, events
