"""BOM rows made ready to print: every label and badge worked out once, in Python, so the
template of a 2,000-line BOM only prints strings (no tags or lookups per cell)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse

from accord.parts.choices import Lifecycle, MaterialResponsibility, SourceStatus
from accord.parts.queries import HIDDEN_SUB_BOM_FLAG, BomRow, SourceRow
from accord.web.display import Badge, lifecycle_badge, quantity

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


@dataclass
class SourceCell:
    text: str
    badge: Badge
    note: str


@dataclass
class RowView:
    row: BomRow
    part_url: str
    qty: str
    ext_qty: str
    material: str
    flags: list[Badge] = field(default_factory=list)
    sources: list[SourceCell] = field(default_factory=list)


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


def present_rows(rows: list[BomRow]) -> list[RowView]:
    urls: dict[int, str] = {}
    out: list[RowView] = []
    for row in rows:
        url = urls.get(row.part_id)
        if url is None:
            url = urls[row.part_id] = reverse("part_detail", args=[row.part_id])
        out.append(
            RowView(
                row=row,
                part_url=url,
                qty=quantity(row.quantity_per),
                ext_qty=quantity(row.extended_quantity),
                material=MATERIAL_SHORT.get(row.material_responsibility, ""),
                flags=flag_badges(row),
                sources=[
                    SourceCell(
                        text=f"{s.manufacturer} {s.mpn}",
                        badge=lifecycle_badge(s.lifecycle, s.last_time_buy_date),
                        note=SOURCE_STATUS_NOTE.get(s.status, ""),
                    )
                    for s in row.sources
                ],
            )
        )
    return out
