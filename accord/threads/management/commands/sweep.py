"""`accord sweep [--now 2026-12-01T08:00:00+00:00]`: the periodic work of notifications
(certificate alerts, escalation, e-mail batches, digests, e-mail sending), every step at the
same moment; idempotent, meant to run every few minutes (cron, a systemd timer). Prints what
each step did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accord.threads.sweep import run_sweep


def parse_moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--now: {text!r} is not an ISO 8601 moment.") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Run the notification sweep: alerts, escalation, e-mails, digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=parse_moment,
            default=None,
            help="the moment to sweep at (ISO 8601; default: now); for tests and catching up",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"] or timezone.now()
        counts = run_sweep(now)
        self.stdout.write(f"Sweep at {now.isoformat()}")
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
