"""Reading stored plans: the rows of the shortage board, the CLI and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from accord.core.numbers import plain_number
from accord.planning.choices import Severity
from accord.planning.models import PartPlan, PartRisk, PlanRun, RiskOwner


@dataclass(frozen=True)
class ShortageRow:
    part_id: int
    number: str
    description: str
    purchased: bool
    consigned: bool
    on_hand: float
    safety_stock: float
    first_shortage_week: int | None
    first_shortage_date: dt.date | None
    quantity_short: float
    weeks_of_cover: int
    below_safety_week: int | None

    def as_dict(self) -> dict[str, Any]:
        """As the CLI's JSON and the API give it: numbers as people write them."""
        return {
            "part_id": self.part_id,
            "part": self.number,
            "description": self.description,
            "purchased": self.purchased,
            "consigned": self.consigned,
            "on_hand": plain_number(exact(self.on_hand)),
            "safety_stock": plain_number(exact(self.safety_stock)),
            "first_shortage_week": self.first_shortage_week,
            "first_shortage_date": self.first_shortage_date,
            "quantity_short": plain_number(exact(self.quantity_short)),
            "weeks_of_cover": self.weeks_of_cover,
            "below_safety_week": self.below_safety_week,
        }


def exact(value: float) -> Any:
    """A planning float as the decimal it stands for (quantities have 4 decimals)."""
    from decimal import Decimal

    return Decimal(str(round(value, 4)))


def week_date(run: PlanRun, week: int | None) -> dt.date | None:
    return None if week is None else run.week_start + dt.timedelta(weeks=week)


def shortage_rows(run: PlanRun, *, only_short: bool = True) -> list[ShortageRow]:
    """The plan's parts, the short ones first by the week they run short."""
    plans = PartPlan.objects.filter(run=run)
    if only_short:
        plans = plans.filter(first_shortage_week__isnull=False)
    rows = [
        ShortageRow(
            part_id=p["part_id"],
            number=p["part__number"],
            description=p["part__description"],
            purchased=p["purchased"],
            consigned=p["consigned"],
            on_hand=p["on_hand"],
            safety_stock=p["safety_stock"],
            first_shortage_week=p["first_shortage_week"],
            first_shortage_date=week_date(run, p["first_shortage_week"]),
            quantity_short=p["quantity_short"],
            weeks_of_cover=p["weeks_of_cover"],
            below_safety_week=p["below_safety_week"],
        )
        for p in plans.values(
            "part_id",
            "part__number",
            "part__description",
            "purchased",
            "consigned",
            "on_hand",
            "safety_stock",
            "first_shortage_week",
            "quantity_short",
            "weeks_of_cover",
            "below_safety_week",
        )
    ]
    never = run.horizon + 1
    rows.sort(
        key=lambda r: (never if r.first_shortage_week is None else r.first_shortage_week, r.number)
    )
    return rows


def owned_risks(
    user: Any, run: PlanRun, *, kind: str = "", severity: str = "", owner: str = ""
) -> list[tuple[PartRisk, RiskOwner | None]]:
    """The risks of a person's stored plan, most severe first, each with the owner named for
    it (or None). `owner` keeps the risks of one owner (a person's id) or, "none", the unowned."""
    from accord.planning.access import risk_owners_of, risks_of

    assigned = {
        (o.part_id, o.kind): o for o in risk_owners_of(user, run.program).select_related("owner")
    }
    risks = risks_of(user, run).select_related("part")
    if kind:
        risks = risks.filter(kind=kind)
    if severity:
        risks = risks.filter(severity=severity)
    rank = Severity.rank()
    rows = [
        (risk, assigned.get((risk.part_id, risk.kind)))
        for risk in sorted(risks, key=lambda r: (rank[r.severity], r.part.number, r.kind))
    ]
    if owner == "none":
        return [(risk, named) for risk, named in rows if named is None]
    if owner:
        return [(risk, named) for risk, named in rows if named and str(named.owner_id) == owner]
    return rows
