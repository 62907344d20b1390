"""The issue's flex case: Halcyon's SOW with Meridian for Earbuds X2 signed (v1 in force) with
weeks 1–4 frozen, weeks 5–8 ±10 %, weeks 9–13 ±25 % and a flex fee in Appendix A, and
EBX2-PCBA builds at Meridian's Penang plant due in a chosen number of days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.agreements.services import sign_agreement_version
from accord.agreements.tests.sample import draft_ebx2, signable
from accord.core.access import today
from accord.supply.models import Build, Site
from accord.supply.services import schedule_build

FLEX_FEE = {
    "code": "FLX",
    "description": "Schedule change beyond the flex band",
    "basis": "per_event",
    "amount": "300.00",
    "currency": "USD",
}
ECO_FEE = {
    "code": "ECO",
    "description": "Engineering change order processing",
    "basis": "per_event",
    "amount": "450.00",
    "currency": "USD",
}


def flex_terms() -> dict[str, Any]:
    terms = signable()
    terms["fees"] += [FLEX_FEE, ECO_FEE]
    return terms


def signed_flex_sow(people: Any, programs: Any, orgs: Any, terms: Any = None) -> Any:
    """Version 1 with the flex terms, signed by both sides (in force)."""
    agreement = draft_ebx2(
        people["oem_buyer"], programs["EBX2"], orgs["meridian"], terms or flex_terms()
    )
    version = agreement.versions.get()
    for signer in ("oem_buyer", "ems_planner"):
        sign_agreement_version(
            actor=people[signer], agreement=agreement, terms_hash=version.terms_hash
        )
    return agreement


def plant(orgs: Any, organisation: str = "meridian") -> Site:
    site, _ = Site.objects.get_or_create(
        organisation=orgs[organisation], code="pen1", defaults={"name": "Penang plant"}
    )
    return site


def build_due_in(
    people: Any,
    programs: Any,
    orgs: Any,
    parts: Any,
    *,
    days: int,
    quantity: int,
    site: Site | None = None,
    with_site: bool = True,
) -> Build:
    """An EBX2-PCBA build due `days` from today, scheduled by Halcyon's buyer."""
    return schedule_build(
        actor=people["oem_buyer"],
        program=programs["EBX2"],
        assembly=parts["EBX2-PCBA"],
        quantity_due=quantity,
        due_date=today() + dt.timedelta(days=days),
        site=(site or plant(orgs)) if with_site else None,
    )
