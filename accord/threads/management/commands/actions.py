"""`accord actions ACTION --as USERNAME ...`: action items, as that person may see them.

accord actions list --as mei [--all] [--status open]
accord actions add THREAD --title "Send the PPAP" --owner mei --due 2026-12-18 --as maya
accord actions done ITEM --as mei [--cancel]
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from accord.core.commands import WorkspaceCommand, parse_date, table
from accord.orgs.models import Person
from accord.threads.access import (
    action_items_visible_to,
    get_action_item_for_user,
    get_thread_for_user,
)
from accord.threads.actions import create_action_item, is_overdue, update_action_item
from accord.threads.models import ActionStatus

HEADERS = ["id", "program", "thread", "owner", "due", "status", "overdue", "title"]


def _list(parser: CommandParser) -> None:
    parser.add_argument("--all", action="store_true", help="every item you see, not only yours")
    parser.add_argument("--status", choices=ActionStatus.values)


def _add(parser: CommandParser) -> None:
    parser.add_argument("thread", type=int, metavar="THREAD", help="the thread's id")
    parser.add_argument("--title", required=True)
    parser.add_argument("--owner", required=True, help="a username")
    parser.add_argument("--due", required=True, type=parse_date)


def _done(parser: CommandParser) -> None:
    parser.add_argument("item", type=int, metavar="ITEM", help="its id")
    parser.add_argument("--cancel", action="store_true", help="cancel it instead")


class Command(WorkspaceCommand):
    help = "Action items: list, add, done."
    subcommands = (
        ("list", "your action items (or all you see)", _list, "list"),
        ("add", "add an action item to a thread", _add, "add"),
        ("done", "mark an item done (or cancel it): its owner or creator", _done, "done"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = action_items_visible_to(actor).select_related("owner", "program")
        if not options.all:
            rows = rows.filter(owner_id=actor.pk)
        if options.status:
            rows = rows.filter(status=options.status)
        now = timezone.now()
        data = [
            [
                i.pk,
                i.program.code,
                i.thread_id,
                i.owner.username,
                i.due_date,
                i.status,
                "yes" if is_overdue(i, now) else "no",
                i.title,
            ]
            for i in rows.order_by("due_date", "pk")
        ]
        if options.json:
            return [dict(zip(HEADERS, row, strict=True)) for row in data]
        return table(data, HEADERS)

    def add(self, actor: Person, options: argparse.Namespace) -> Any:
        thread = get_thread_for_user(actor, options.thread, write=True)
        item = create_action_item(
            actor=actor,
            thread=thread,
            title=options.title,
            owner=options.owner,
            due_date=options.due,
        )
        return f"Added action item {item.pk} for {item.owner.username}, due {item.due_date}"

    def done(self, actor: Person, options: argparse.Namespace) -> Any:
        item = get_action_item_for_user(actor, options.item, write=True)
        status = ActionStatus.CANCELLED if options.cancel else ActionStatus.DONE
        update_action_item(actor=actor, item=item, status=status)
        return f"Action item {item.pk}: {status.label.lower()}"
