"""`accord notifications ACTION --as USERNAME ...`: a person's own notifications and settings.

accord notifications list --as maya [--unread] [--limit 50]
accord notifications read NOTIFICATION --as maya          (or --all)
accord notifications prefs --as maya                       (shows them)
accord notifications prefs --as maya --digest daily --time-zone Europe/Berlin \\
    --email-off mention --inbox-on post ...
accord notifications mute NOTIFICATION --as maya
accord notifications unmute MUTE --as maya
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accord.core.commands import WorkspaceCommand, table
from accord.orgs.models import Person
from accord.threads.inbox import inbox_rows, unread_count
from accord.threads.models import Channel, DigestFrequency
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


def _list(parser: CommandParser) -> None:
    parser.add_argument("--unread", action="store_true", help="unread ones only")
    parser.add_argument("--limit", type=int, default=50)


def _read(parser: CommandParser) -> None:
    parser.add_argument("notification", type=int, nargs="?", metavar="NOTIFICATION")
    parser.add_argument("--all", action="store_true", help="every unread notification")


def _prefs(parser: CommandParser) -> None:
    parser.add_argument("--digest", choices=DigestFrequency.values)
    parser.add_argument("--time-zone", help='an IANA name (Europe/Berlin); "" for the default')
    for channel in Channel.values:
        for state in ("on", "off"):
            parser.add_argument(
                f"--{channel}-{state}",
                action="append",
                default=[],
                metavar="EVENT",
                help=f"turn {channel} {state} for the event (repeat); events: "
                + ", ".join(known_events()),
            )


def _one(parser: CommandParser) -> None:
    parser.add_argument("id", type=int, metavar="ID")


class Command(WorkspaceCommand):
    help = "Your notifications: list, read, preferences, mute and unmute threads."
    subcommands = (
        ("list", "your inbox, unread first", _list, "list"),
        ("read", "mark a notification (or all) read", _read, "read"),
        ("prefs", "show or change your notification settings", _prefs, "prefs"),
        ("mute", "mute the thread of a notification", _one, "mute"),
        ("unmute", "unmute a muted thread (its mute id)", _one, "unmute"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = inbox_rows(actor, unread_only=options.unread, limit=max(options.limit, 1))
        data = [
            [
                r.notification.pk,
                "unread" if r.unread else "read",
                r.notification.created_at.isoformat(timespec="minutes"),
                r.label,
                r.target.title,
            ]
            for r in rows
        ]
        if options.json:
            return [
                dict(zip(["id", "state", "at", "event", "about"], d, strict=True)) for d in data
            ]
        return [
            f"{unread_count(actor)} unread",
            *table(data, ["id", "state", "at", "event", "about"]),
        ]

    def read(self, actor: Person, options: argparse.Namespace) -> Any:
        if options.all:
            return f"Marked {mark_all_read(actor=actor)} read."
        if options.notification is None:
            raise CommandError("Name a notification, or --all.")
        mark_read(actor=actor, notification=get_notification_for_user(actor, options.notification))
        return f"Marked {options.notification} read."

    def prefs(self, actor: Person, options: argparse.Namespace) -> Any:
        wanted: dict[tuple[str, str], bool] = {}
        for channel in Channel.values:
            for state in ("on", "off"):
                for event in getattr(options, f"{channel}_{state}"):
                    wanted[(event, channel)] = state == "on"
        if options.digest is not None or options.time_zone is not None or wanted:
            update_notification_settings(
                actor=actor,
                digest=options.digest,
                time_zone=options.time_zone,
                preferences=wanted or None,
            )
        current = settings_of(actor)
        off = set(preferences_of(actor).filter(enabled=False).values_list("event", "channel"))
        rows = [
            [event, *("on" if (event, c) not in off else "off" for c in Channel.values)]
            for event in known_events()
        ]
        mutes = [f"muted {m.group_key} (id {m.pk})" for m in mutes_of(actor)]
        return [
            f"digest: {current.digest if current else DigestFrequency.OFF}",
            f"time zone: {actor.time_zone or '(the workspace’s)'}",
            *table(rows, ["event", *Channel.values]),
            *mutes,
        ]

    def mute(self, actor: Person, options: argparse.Namespace) -> Any:
        mute = mute_group(actor=actor, notification=get_notification_for_user(actor, options.id))
        return f"Muted {mute.group_key} (id {mute.pk})."

    def unmute(self, actor: Person, options: argparse.Namespace) -> Any:
        mute = get_mute_for_user(actor, options.id)
        unmute(actor=actor, mute=mute)
        return f"Unmuted {mute.group_key}."
