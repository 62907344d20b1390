"""Flex checks: a change of a build's quantity or due date against the frozen window and the
flex bands of the agreement in force with the EMS that builds it.

Weeks out. The whole weeks from the day of the change to the build's due date, counting the
first week as week 1: a build due within 7 days (today included, or already overdue) is in
week 1, one due in 8 to 14 days in week 2, and so on: ``weeks_out = max(1, ceil(days / 7))``.
A build due in 28 days is in week 4, one due in 29 days in week 5. A change that moves the due
date is judged at the nearer of the two dates (where it bites first): pulling a build in from
week 10 to week 3 is a change in week 3.

The verdict of one change:

- ``refused``: the nearer date is inside the frozen window and the quantity or the due date
  changes. Nobody overrides it: the build-changing service answers 409 and writes nothing; the
  parties amend the agreement if they must.
- ``flagged``: outside the frozen window, in a flex band, the quantity changes by more than
  the band's allowed percent of the old quantity. The change is written and a FlexException
  records it for the EMS to accept or decline, with the fees of Appendix A it triggers.
- ``accepted``: within the band's allowed percent, or in no band (beyond the bands, the
  schedule is free).
- ``unchecked``: no signed agreement with the building EMS, or one without flex terms.

The change percent is (new − old) / old × 100 (from nothing to something counts as 100 %);
the band compares its absolute value. A change of firmness only is not a schedule change.

The agreement in force for a build: the signed version of the program's agreement with the
organisation of the build's site (when that organisation is not the program's owner); for a
build without a site, the program's only agreement in force with an EMS partner (with two or
more EMS, none is chosen: the site names the EMS). Several signed agreements with the same
EMS: the one signed last.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from accord.agreements.choices import VersionStatus
from accord.agreements.models import Agreement, AgreementVersion
from accord.agreements.terms import Fee, FlexBand, Terms, parse_terms
from accord.core.numbers import plain_number
from accord.orgs.choices import OrganisationKind

REFUSED = "refused"
FLAGGED = "flagged"
ACCEPTED = "accepted"
UNCHECKED = "unchecked"

# Appendix A lines that a schedule change triggers: a code or description naming flex,
# rescheduling, a schedule change, a cancellation, excess or upside capacity.
SCHEDULE_FEE = re.compile(
    r"flex|resched|schedule[ -]?change|cancel|excess|upside|\bFLX\b|\bRSC\b", re.IGNORECASE
)
HUNDRED = Decimal(100)


def weeks_out(due: dt.date, today: dt.date) -> int:
    """Week 1 = due within 7 days (or overdue); week 2 = in 8 to 14 days; ..."""
    days = (due - today).days
    return max(1, math.ceil(days / 7))


def change_percent(old: Decimal, new: Decimal) -> Decimal:
    """(new − old) / old × 100, to two decimals; from nothing to something is +100."""
    if old == new:
        return Decimal("0.00")
    if old == 0:
        return Decimal("100.00")
    return ((new - old) / old * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_label(band: FlexBand) -> str:
    return (
        f"flex weeks {band.weeks_from}–{band.weeks_to} "
        f"(±{plain_number(band.allowed_change_percent)} %)"
    )


def schedule_fees(terms: Terms, band: FlexBand | None = None) -> list[Fee]:
    """The fees a change beyond the band triggers: the one the band names, else those whose
    code or description name flex, rescheduling, cancellation..."""
    if band is not None and band.fee_code is not None:
        return [f for f in terms.fees if f.code == band.fee_code]
    return [f for f in terms.fees if SCHEDULE_FEE.search(f"{f.code} {f.description}")]


def fee_dict(fee: Fee) -> dict[str, Any]:
    return {
        "code": fee.code,
        "description": fee.description,
        "basis": fee.basis.value if fee.basis else None,
        "amount": format(fee.amount, "f"),
        "currency": fee.currency,
    }


@dataclass
class FlexVerdict:
    """What the check says of one change (see the module's docstring)."""

    outcome: str
    message: str
    weeks_out: int | None = None
    clause: str = ""
    change_percent: Decimal | None = None
    allowed_percent: Decimal | None = None
    from_quantity: Decimal | None = None
    to_quantity: Decimal | None = None
    from_due: dt.date | None = None
    to_due: dt.date | None = None
    fees: list[dict[str, Any]] = field(default_factory=list)
    agreement: Agreement | None = None
    version: AgreementVersion | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "message": self.message,
            "weeks_out": self.weeks_out,
            "clause": self.clause,
            "change_percent": _text(self.change_percent),
            "allowed_percent": _text(self.allowed_percent),
            "from_quantity": _text(self.from_quantity),
            "to_quantity": _text(self.to_quantity),
            "from_due": self.from_due,
            "to_due": self.to_due,
            "fees": self.fees,
            "agreement_id": self.agreement.pk if self.agreement else None,
            "agreement_version": self.version.number if self.version else None,
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else plain_number(value)


def judge(
    terms: Terms,
    *,
    old_quantity: Decimal,
    new_quantity: Decimal,
    old_due: dt.date,
    new_due: dt.date,
    today: dt.date,
    build_label: str = "the build",
) -> FlexVerdict:
    """The verdict of one change under these terms (no database)."""
    old_quantity, new_quantity = Decimal(old_quantity), Decimal(new_quantity)

    def verdict(outcome: str, message: str, **more: Any) -> FlexVerdict:
        return FlexVerdict(
            outcome,
            message,
            from_quantity=old_quantity,
            to_quantity=new_quantity,
            from_due=old_due,
            to_due=new_due,
            **more,
        )

    if terms.frozen_window is None and not terms.flex_bands:
        return verdict(UNCHECKED, "The agreement has no frozen window or flex bands.")
    week = weeks_out(min(old_due, new_due), today)
    percent = change_percent(old_quantity, new_quantity)
    moved = old_due != new_due
    if old_quantity == new_quantity and not moved:
        return verdict(ACCEPTED, "Neither quantity nor due date changes.", weeks_out=week)
    window = terms.frozen_window
    if window is not None and window.weeks_from <= week <= window.weeks_to:
        clause = f"frozen window (weeks {window.weeks_from}–{window.weeks_to})"
        what = f"{plain_number(old_quantity)} → {plain_number(new_quantity)}"
        if moved:
            what += f", due {old_due} → {new_due}"
        return verdict(
            REFUSED,
            f"{build_label} is in week {week}, inside the {clause}: no change ({what}).",
            weeks_out=week,
            clause=clause,
            change_percent=percent,
            allowed_percent=Decimal(0),
        )
    band = next((b for b in terms.flex_bands if b.weeks_from <= week <= b.weeks_to), None)
    if band is None:
        return verdict(
            ACCEPTED,
            f"Week {week} is beyond the frozen window and the flex bands.",
            weeks_out=week,
            change_percent=percent,
        )
    clause = band_label(band)
    shown = f"{'+' if percent > 0 else ''}{plain_number(percent)} %"
    within = abs(percent) <= band.allowed_change_percent
    return verdict(
        ACCEPTED if within else FLAGGED,
        f"Week {week}: {shown} is within {clause}."
        if within
        else f"{build_label} in week {week}: {shown} is beyond {clause}; the EMS accepts or "
        "declines.",
        weeks_out=week,
        clause=clause,
        change_percent=percent,
        allowed_percent=band.allowed_change_percent,
        fees=[] if within else [fee_dict(f) for f in schedule_fees(terms, band)],
    )


def agreement_in_force_for(build: Any) -> tuple[Agreement, AgreementVersion] | None:
    """The agreement (and its signed version) that governs the build's schedule, or None. A
    retired agreement governs nothing more."""
    program = build.program
    signed = AgreementVersion.objects.filter(
        status=VersionStatus.SIGNED,
        agreement__program_id=program.pk,
        agreement__retired_at__isnull=True,
    ).select_related("agreement")
    if build.site_id is not None:
        ems = build.site.organisation_id
        if ems == program.owner_id:
            return None
        version = signed.filter(agreement__partner_id=ems).order_by("-signed_at", "-pk").first()
        return (version.agreement, version) if version else None
    versions = list(signed.filter(agreement__partner__kind=OrganisationKind.EMS)[:2])
    if len(versions) != 1:
        return None
    return versions[0].agreement, versions[0]


def check_change(
    build: Any,
    *,
    new_quantity: Decimal,
    new_due: dt.date,
    today: dt.date,
) -> FlexVerdict:
    """The verdict of changing this build to the new quantity and due date today."""
    found = agreement_in_force_for(build)
    label = f"Build {build.pk}" + (f" ({build.reference})" if build.reference else "")
    if found is None:
        return FlexVerdict(
            UNCHECKED,
            "No signed agreement with the EMS building it: no flex check.",
            from_quantity=build.quantity,
            to_quantity=new_quantity,
            from_due=build.due_date,
            to_due=new_due,
        )
    agreement, version = found
    verdict = judge(
        parse_terms(version.terms),
        old_quantity=build.quantity,
        new_quantity=new_quantity,
        old_due=build.due_date,
        new_due=new_due,
        today=today,
        build_label=label,
    )
    verdict.agreement, verdict.version = agreement, version
    if verdict.outcome != UNCHECKED:
        verdict.message += f" ({agreement.title}, version {version.number})"
    return verdict
