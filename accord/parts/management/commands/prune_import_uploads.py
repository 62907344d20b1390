"""`accord prune-import-uploads`: a periodic sweep for cron or a timer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accord.parts.services.imports import prune_import_uploads


class Command(BaseCommand):
    help = (
        "Discard uploaded BOM files and parts lists nobody confirmed within the expiry "
        "(ACCORD_IMPORT_PREVIEW_DAYS, default 7 days), deleting the files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days is None:
            days = settings.IMPORT_PREVIEW_DAYS
        discarded = prune_import_uploads(actor=None, older_than=dt.timedelta(days=days))
        self.stdout.write(f"Discarded {discarded} expired upload(s).")
