"""`accord threads ACTION --as USERNAME ...`: a program's threads, as that person may see them.

accord threads list EBX2 --as maya [--status at_risk] [--kind part]
accord threads open EBX2 --kind part --subject 42 --title "Driver lead time" --as maya
accord threads post THREAD --body "Confirmed" [--internal] [--mention mei] [--file a.pdf] --as aisha
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from accord.core.commands import WorkspaceCommand, parse_date, table
from accord.orgs.models import Person
from accord.scorecards.attachments import read_path
from accord.threads.access import (
    get_program_for_threads,
    get_thread_for_user,
    threads_visible_to,
)
from accord.threads.models import ThreadStatus
from accord.threads.thread_services import (
    POST_FILE_KINDS,
    add_post,
    create_thread,
    post_file_max_mb,
)

HEADERS = ["id", "kind", "subject", "status", "next_update", "title"]


def _list(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="code or id")
    parser.add_argument("--status", choices=ThreadStatus.values)
    parser.add_argument("--kind", help="subject kind (part, source, order...)")


def _open(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="code or id")
    parser.add_argument(
        "--kind",
        required=True,
        help="part, source, order, order_line, build, shortage or certificate",
    )
    parser.add_argument("--subject", required=True, type=int, help="the subject's id")
    parser.add_argument("--title", required=True)
    parser.add_argument("--status", choices=ThreadStatus.values, default=ThreadStatus.ON_TRACK)
    parser.add_argument("--next-update", type=parse_date)


def _post(parser: CommandParser) -> None:
    parser.add_argument("thread", type=int, metavar="THREAD", help="its id")
    parser.add_argument("--body", required=True)
    parser.add_argument("--internal", action="store_true", help="only your organisation sees it")
    parser.add_argument("--mention", action="append", default=[], help="a username; repeat")
    parser.add_argument("--file", action="append", default=[], type=Path, help="PDF, PNG, JPEG")


class Command(WorkspaceCommand):
    help = "Threads of a program: list, open, post."
    subcommands = (
        ("list", "the threads of a program you may see", _list, "list"),
        ("open", "open a thread about a subject of a program", _open, "open"),
        ("post", "post in a thread (a shared message or an internal note)", _post, "post"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        program = get_program_for_threads(actor, options.program)
        rows = threads_visible_to(actor).filter(program=program)
        if options.status:
            rows = rows.filter(status=options.status)
        if options.kind:
            rows = rows.filter(subject_kind=options.kind)
        data = [
            [t.pk, t.subject_kind, t.subject_id, t.status, t.next_update, t.title]
            for t in rows.order_by("-updated_at", "-id")
        ]
        if options.json:
            return [dict(zip(HEADERS, row, strict=True)) for row in data]
        return [f"Threads of {program.name}", *table(data, HEADERS)]

    def open(self, actor: Person, options: argparse.Namespace) -> Any:
        program = get_program_for_threads(actor, options.program)
        thread = create_thread(
            actor=actor,
            program=program,
            subject_kind_name=options.kind,
            subject_id=options.subject,
            title=options.title,
            status=options.status,
            next_update=options.next_update,
        )
        return f"Opened thread {thread.pk}: {thread.title}"

    def post(self, actor: Person, options: argparse.Namespace) -> Any:
        thread = get_thread_for_user(actor, options.thread, write=True)
        files = [
            read_path(path, kinds=POST_FILE_KINDS, field="file", max_mb=post_file_max_mb())
            for path in options.file
        ]
        post = add_post(
            actor=actor,
            thread=thread,
            body=options.body,
            internal=options.internal,
            mentions=options.mention,
            files=files,
        )
        kind = "internal note" if post.internal else "post"
        return f"Wrote {kind} {post.pk} in thread {thread.pk}: {thread.title}"
