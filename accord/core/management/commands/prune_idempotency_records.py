"""`accord prune-idempotency-records`: a periodic sweep for cron or a timer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accord.core.services import prune_idempotency_records


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key responses older than the retry window (default 7 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=float, default=7.0)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_idempotency_records(
            actor=None, older_than=dt.timedelta(days=options["older_than_days"])
        )
        self.stdout.write(f"Deleted {deleted} idempotency record(s).")
