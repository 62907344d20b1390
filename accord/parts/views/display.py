"""BOM rows made ready to print: every label and badge worked out once, in Python, so the
template of a 2,000-line BOM only prints strings (no tags or lookups per cell)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accord.parts.choices import Lifecycle, MaterialResponsibility, SourceStatus
from accord.parts.queries import HIDDEN_SUB_BOM_FLAG, BomRow, SourceRow
from accord.parts.value_keys import describe_value_keys
from accord.web.display import (
    Badge,
    lifecycle_badge,
    lifecycle_badge_html,
    quantity,
    sourcing_badge_html,
)

DNP_BADGE = '<span class="badge flag-dnp">DNP</span>'

MATERIAL_SHORT = {
    MaterialResponsibility.TURNKEY.value: "Turnkey",
    MaterialResponsibility.CONSIGNED.value: "Consigned",
}
SOURCE_STATUS_NOTE = {
    SourceStatus.PENDING.value: "pending approval",
    SourceStatus.REJECTED.value: "rejected",
}
FLAG_LABELS = {
    "single_source": Badge("flag-single", "Single source"),
    "no_source": Badge("flag-none", "No approved source"),
    Lifecycle.NRND.value: Badge("lc-nrnd", "NRND", "Not recommended for new designs"),
    Lifecycle.LTB.value: Badge("lc-ltb", "LTB", "Last time buy"),
    Lifecycle.EOL.value: Badge("lc-eol", "EOL", "End of life"),
    Lifecycle.OBSOLETE.value: Badge("lc-obsolete", "Obsolete", "Obsolete"),
    HIDDEN_SUB_BOM_FLAG: Badge(
        "flag-hidden", "Contents not shared", "The BOM of this sub-assembly is not shared with you"
    ),
}


def _ltb_date(sources: list[SourceRow]) -> dt.date | None:
    dates = [
        s.last_time_buy_date
        for s in sources
        if s.status == SourceStatus.APPROVED
        and s.lifecycle == Lifecycle.LTB
        and s.last_time_buy_date is not None
    ]
    return min(dates) if dates else None


def flag_badges(row: BomRow) -> list[Badge]:
    out: list[Badge] = []
    for flag in row.flags:
        found = FLAG_LABELS.get(flag)
        if found is None:
            continue
        if flag == Lifecycle.LTB:
            when = _ltb_date(row.sources)
            found = Badge(found.css, f"LTB ({when.isoformat()})" if when else "LTB", found.title)
        out.append(found)
    return out


def _badge(badge: Badge) -> str:
    return f'<span class="badge {escape(badge.css)}">{escape(badge.label)}</span>'


def _sources_html(sources: list[SourceRow]) -> str:
    cells = []
    for s in sources:
        badge = lifecycle_badge(s.lifecycle, s.last_time_buy_date)
        note = SOURCE_STATUS_NOTE.get(s.status, "")
        cells.append(
            f'<span class="src">{escape(f"{s.manufacturer} {s.mpn}")} '
            f'<span class="badge {badge.css}">{escape(badge.label)}</span>'
            + (f" <em>({note})</em>" if note else "")
            + "</span> "
        )
    return "".join(cells)


def _fit_status(row: BomRow) -> str:
    """DNP for a line none of whose designators is fitted; the not-fitted ones of a partly
    fitted line."""
    if row.dnp:
        return DNP_BADGE
    if row.partly_fitted:
        return (
            f'<span class="badge flag-dnp">{row.dnp_designator_count} not fitted</span> '
            f'<span class="designators">{escape(row.dnp_designators)}</span>'
        )
    return ""


def row_html(row: BomRow, part_url: str) -> str:
    """One line of the BOM table, every value escaped."""
    css = ("asm" if row.is_assembly else "") + (" dnp" if row.dnp else "")
    flags = "".join(_badge(b) + " " for b in flag_badges(row))
    return (
        f'<tr class="{css}">'
        f'<td class="num">{row.level}</td>'
        f'<td class="item">{escape(row.path)}</td>'
        f'<th scope="row" class="lvl-{row.level}"><a href="{escape(part_url)}">'
        f"{escape(row.part_number)}</a></th>"
        f"<td>{escape(row.description)}</td>"
        f'<td class="num">{quantity(row.quantity_per)}</td>'
        f'<td class="num">{quantity(row.extended_quantity)}</td>'
        f'<td class="designators">{escape(row.designators)}</td>'
        f"<td>{_fit_status(row)}</td>"
        f"<td>{MATERIAL_SHORT.get(row.material_responsibility, '')}</td>"
        f'<td class="sources">{_sources_html(row.sources)}</td>'
        f'<td class="flags">{flags}</td>'
        "</tr>\n"
    )


def part_rows(parts: list[Any]) -> SafeString:
    """The rows of the parts list (parts of access.parts_visible_to, with the roll-ups as the
    reader sees them and access.with_listed_source's first source), built in Python like the
    BOM's: a template spends more on a row's tags and filters than the database on the page."""
    out = []
    for p in parts:
        url = reverse("part_detail", args=[p.pk])
        revision = (
            f' <span class="sub-inline">rev {escape(p.revision)}</span>' if p.revision else ""
        )
        category = escape(p.category.name) if p.category_id is not None else ""
        count = p.visible_source_count
        if p.is_assembly:
            lifecycle, sourcing = '<span class="muted">Assembly</span>', ""
        else:
            lifecycle = lifecycle_badge_html(p.visible_lifecycle)
            sourcing = sourcing_badge_html(count)
        value: str = escape(p.value)
        if not p.value and p.value_keys:
            # A part without a value shows the one its description gives (CAP CER 0.1UF...).
            read = describe_value_keys(p.value_keys)
            value = f'<span class="muted" title="Read from the description">{escape(read)}</span>'
        mpn: str = escape(p.listed_mpn or "")
        if p.listed_mpn and count > 1:
            mpn += f' <span class="sub-inline">+{count - 1} more</span>'
        out.append(
            f'<tr><th scope="row"><a href="{escape(url)}">{escape(p.number)}</a>{revision}</th>'
            f"<td>{escape(p.description)}</td><td>{value}</td>"
            f"<td>{escape(p.listed_manufacturer or '')}</td><td>{mpn}</td>"
            f"<td>{category}</td><td>{lifecycle}</td>"
            f'<td class="num">{count} {sourcing}</td></tr>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


def present_rows(rows: list[BomRow]) -> SafeString:
    """The table body of these rows, built in Python: a template would spend a few
    microseconds on each of the dozen cells of each line, which a 2,000-line BOM notices."""
    urls: dict[int, str] = {}
    out: list[str] = []
    for row in rows:
        url = urls.get(row.part_id)
        if url is None:
            url = urls[row.part_id] = reverse("part_detail", args=[row.part_id])
        out.append(row_html(row, url))
    return mark_safe("".join(out))  # noqa: S308 - row_html escapes every value
