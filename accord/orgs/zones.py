"""A person's time zone: when their days begin and end (due dates, overdue, digests)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from typing import Any

from django.conf import settings

from accord.core.errors import InvalidInput


@lru_cache(maxsize=512)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def checked_zone_name(name: str, *, field: str = "time_zone") -> str:
    """The IANA name if it names a zone ("" for the workspace's), else InvalidInput."""
    text = (name or "").strip()
    if not text:
        return ""
    if text not in zoneinfo.available_timezones():
        raise InvalidInput(
            f"{field}: {text!r} is not a time zone (e.g. Europe/Berlin).", detail={"field": field}
        )
    return text


def zone_of(person: Any) -> zoneinfo.ZoneInfo:
    """The person's zone, or the workspace's (settings.TIME_ZONE) when they set none."""
    return _zone(getattr(person, "time_zone", "") or settings.TIME_ZONE)


def local_day(person: Any, moment: dt.datetime) -> dt.date:
    """The person's calendar day at the moment."""
    return moment.astimezone(zone_of(person)).date()
