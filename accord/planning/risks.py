"""The risks to a plan's parts, found when the plan is made, from what the person may see:

- single source: a bought part with at most one approved source (none: high; one: medium,
  high when the part also runs short);
- lifecycle: NRND (medium), last-time-buy (high when the LTB date comes before the part's last
  need in the plan, else medium), EOL and obsolete (high);
- lead time: a part that runs short in week w while its lead time (the shortest of its approved
  sources' and its offers', else its own) is longer than w weeks: it cannot come in time (high);
- allocation: what suppliers committed to the person's organisation for a period is less than
  the plan needs in it (high when the part runs short, else medium);
- supplier grade: reserved for the scorecards (issue 9); `supplier_grade_risks` finds none yet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Min

from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import ApprovedSource, Part
from accord.planning.choices import RiskKind, Severity
from accord.planning.inputs import PlanningData
from accord.planning.netting import NettingResult
from accord.supply.access import allocations_visible_to, offers_visible_to


@dataclass(frozen=True)
class FoundRisk:
    part_id: int
    kind: str
    severity: str
    detail: str


def _last_need_weeks(gross: np.ndarray) -> np.ndarray:
    """The last week with a requirement per part, -1 when none."""
    if gross.shape[1] == 0:
        return np.full(gross.shape[0], -1)
    needed = gross > 1e-9
    last = gross.shape[1] - 1 - np.argmax(needed[:, ::-1], axis=1)
    return np.where(needed.any(axis=1), last, -1)


def find_risks(person: Any, data: PlanningData, result: NettingResult) -> list[FoundRisk]:
    """Every risk of the plan's bought parts."""
    index = {int(pk): i for i, pk in enumerate(data.part_ids.tolist()) if data.purchased[i]}
    if not index:
        return []
    ids = list(index)
    last_need = _last_need_weeks(result.gross)
    short_week = result.first_shortage_week

    def week_day(week: int) -> dt.date:
        return data.start + dt.timedelta(weeks=int(week))

    parts = {
        pk: (count, lifecycle, lead)
        for pk, count, lifecycle, lead in Part.objects.filter(pk__in=ids).values_list(
            "pk", "approved_source_count", "lifecycle", "lead_time_weeks"
        )
    }
    sources: dict[int, list[tuple[int, dt.date | None, int | None]]] = defaultdict(list)
    for part_id, mp_id, ltb, lead in ApprovedSource.objects.filter(
        part_id__in=ids, status=SourceStatus.APPROVED
    ).values_list(
        "part_id",
        "manufacturer_part_id",
        "manufacturer_part__last_time_buy_date",
        "manufacturer_part__lead_time_weeks",
    ):
        sources[part_id].append((mp_id, ltb, lead))
    mp_ids = {mp for rows in sources.values() for mp, _, _ in rows}
    offer_days = dict(
        offers_visible_to(person)
        .filter(manufacturer_part_id__in=mp_ids, retired_at__isnull=True)
        .values("manufacturer_part_id")
        .annotate(days=Min("lead_time_days"))
        .values_list("manufacturer_part_id", "days")
    )
    allocated: dict[int, list[tuple[dt.date, dt.date, float]]] = defaultdict(list)
    for mp_id, start, end, quantity in (
        allocations_visible_to(person)
        .filter(manufacturer_part_id__in=mp_ids, buyer_id=person.organisation_id)
        .values_list("manufacturer_part_id", "period_start", "period_end", "quantity")
    ):
        allocated[mp_id].append((start, end, float(quantity)))

    found: list[FoundRisk] = []
    for part_id, i in index.items():
        count, lifecycle, own_lead = parts.get(part_id, (0, Lifecycle.UNKNOWN, None))
        short = int(short_week[i])
        if count <= 1:
            severity = Severity.HIGH if count == 0 or short >= 0 else Severity.MEDIUM
            said = "no approved source" if count == 0 else "one approved source"
            found.append(
                FoundRisk(part_id, RiskKind.SINGLE_SOURCE, severity, f"{said.capitalize()}.")
            )
        found += _lifecycle(part_id, lifecycle, sources[part_id], int(last_need[i]), week_day)
        leads = [lead for _, _, lead in sources[part_id] if lead is not None]
        leads += [
            math.ceil(days / 7)
            for mp, _, _ in sources[part_id]
            if (days := offer_days.get(mp)) is not None
        ]
        lead = min(leads) if leads else own_lead
        if short >= 0 and lead is not None and lead > short:
            found.append(
                FoundRisk(
                    part_id,
                    RiskKind.LEAD_TIME,
                    Severity.HIGH,
                    f"Needed from the week of {week_day(short).isoformat()} (in {short} weeks) "
                    f"but its lead time is {lead} weeks.",
                )
            )
        periods = [p for mp, _, _ in sources[part_id] for p in allocated.get(mp, [])]
        found += _allocation(part_id, periods, result.gross[i], data.start, short)
    return found + supplier_grade_risks(person, data)


def _lifecycle(
    part_id: int,
    lifecycle: str,
    sources: list[tuple[int, dt.date | None, int | None]],
    last_need: int,
    week_day: Any,
) -> list[FoundRisk]:
    if lifecycle == Lifecycle.NRND:
        return [
            FoundRisk(
                part_id, RiskKind.LIFECYCLE, Severity.MEDIUM, "Not recommended for new designs."
            )
        ]
    if lifecycle in (Lifecycle.EOL, Lifecycle.OBSOLETE):
        said = "End of life" if lifecycle == Lifecycle.EOL else "Obsolete"
        return [
            FoundRisk(part_id, RiskKind.LIFECYCLE, Severity.HIGH, f"{said}: find an alternate.")
        ]
    if lifecycle == Lifecycle.LTB:
        dates = [ltb for _, ltb, _ in sources if ltb is not None]
        ltb = min(dates) if dates else None
        if ltb is None:
            return [
                FoundRisk(
                    part_id, RiskKind.LIFECYCLE, Severity.HIGH, "Last time buy (no date given)."
                )
            ]
        if last_need >= 0 and ltb < week_day(last_need):
            return [
                FoundRisk(
                    part_id,
                    RiskKind.LIFECYCLE,
                    Severity.HIGH,
                    f"Last-time-buy date {ltb.isoformat()} comes before the last need, in the "
                    f"week of {week_day(last_need).isoformat()}: buy what the plan needs by then.",
                )
            ]
        return [
            FoundRisk(
                part_id, RiskKind.LIFECYCLE, Severity.MEDIUM, f"Last time buy by {ltb.isoformat()}."
            )
        ]
    return []


def _allocation(
    part_id: int,
    periods: list[tuple[dt.date, dt.date, float]],
    gross: np.ndarray,
    start: dt.date,
    short: int,
) -> list[FoundRisk]:
    if not periods:
        return []
    weeks = np.array(
        [start + dt.timedelta(weeks=w) for w in range(len(gross))], dtype="datetime64[D]"
    )
    by_period: dict[tuple[dt.date, dt.date], float] = defaultdict(float)
    for begin, end, quantity in periods:
        by_period[(begin, end)] += quantity
    out = []
    for (begin, end), quantity in sorted(by_period.items()):
        inside = (weeks >= np.datetime64(begin)) & (weeks <= np.datetime64(end))
        need = float(gross[inside].sum())
        if need > quantity + 1e-9:
            out.append(
                FoundRisk(
                    part_id,
                    RiskKind.ALLOCATION,
                    Severity.HIGH if short >= 0 else Severity.MEDIUM,
                    f"{begin.isoformat()} to {end.isoformat()}: {quantity:g} allocated, the plan "
                    f"needs {need:g}.",
                )
            )
            break
    return out


def supplier_grade_risks(person: Any, data: PlanningData) -> list[FoundRisk]:
    """The hook for the scorecards (issue 9): parts whose supplier grades poorly. None yet."""
    return []
