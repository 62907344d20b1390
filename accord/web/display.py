"""How states read on a page: short labels and badge classes, the same on every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape

from accord.core.numbers import plain_number
from accord.parts.choices import Lifecycle

LIFECYCLE_SHORT = {
    Lifecycle.ACTIVE.value: "Active",
    Lifecycle.UNKNOWN.value: "Unknown",
    Lifecycle.NRND.value: "NRND",
    Lifecycle.LTB.value: "LTB",
    Lifecycle.EOL.value: "EOL",
    Lifecycle.OBSOLETE.value: "Obsolete",
}
LIFECYCLE_LONG = dict(Lifecycle.choices)


@dataclass(frozen=True)
class Badge:
    css: str
    label: str
    title: str = ""


def lifecycle_badge(value: str, ltb_date: dt.date | None = None) -> Badge:
    value = value if value in LIFECYCLE_SHORT else Lifecycle.UNKNOWN.value
    label = LIFECYCLE_SHORT[value]
    if value == Lifecycle.LTB and ltb_date is not None:
        label = f"LTB {ltb_date.isoformat()}"
    return Badge(f"lc-{value}", label, str(LIFECYCLE_LONG.get(value, "")))


def badge_html(item: Badge | None) -> str:
    """The badge as HTML, every part escaped (plain string building: format_html costs more
    than the rest of a table cell)."""
    if item is None:
        return ""
    title = f' title="{escape(item.title)}"' if item.title else ""
    return f'<span class="badge {escape(item.css)}"{title}>{escape(item.label)}</span>'


def lifecycle_badge_html(value: str, ltb_date: dt.date | None = None) -> str:
    if ltb_date is None and value in LIFECYCLE_BADGES:
        return LIFECYCLE_BADGES[value]
    return badge_html(lifecycle_badge(value, ltb_date))


def sourcing_badge_html(approved_count: int) -> str:
    return SOURCING_BADGES.get(approved_count, "")


def sourcing_badge(approved_count: int) -> Badge | None:
    if approved_count == 0:
        return Badge("flag-none", "No approved source")
    if approved_count == 1:
        return Badge("flag-single", "Single source")
    return None


def quantity(value: Decimal | int | None) -> str:
    """6.0000 reads 6, 0.2500 reads 0.25; never scientific notation."""
    return plain_number(value)


def changes_text(changes: Any, limit: int = 240) -> str:
    """An event's before/after, on one line: `status: draft → released; lines: 8`."""
    if not isinstance(changes, dict) or not changes:
        return ""
    parts: list[str] = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list):
            shown = f"{_plain(value[0])} → {_plain(value[1])}"
        else:
            shown = _plain(value)
        parts.append(f"{key}: {shown}")
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):  # e.g. counts by kind: {"mpn": 11, "new": 7} -> "mpn 11, new 7"
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# The badges of lifecycles without a date, and of source counts, worked out once.
LIFECYCLE_BADGES = {value: badge_html(lifecycle_badge(value)) for value in LIFECYCLE_SHORT}
SOURCING_BADGES = {n: badge_html(sourcing_badge(n)) for n in (0, 1)}
