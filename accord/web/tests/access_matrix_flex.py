"""The flex pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use): Halcyon's SOW with Meridian for Earbuds X2 signed with the issue's
flex terms (weeks 1–4 frozen, 5–8 ±10 %, 9–13 ±25 %) and an EBX2-PCBA build at Meridian's
plant due in 42 days (week 6) changed from 2,000 to 2,300 (+15 %): a pending flex exception
(accord/agreements/tests/flex_sample.py). EBX2's members from the two parties (oem_buyer,
oem_engineer, ems_planner) see the exceptions and use both checks (the exceptions list is a
read of the terms: one entry in the other party's log; the check forms without a question
read nothing); everyone else 404. Only Meridian (the EMS) accepts or declines: Halcyon's
people get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.web.tests.access_matrix_agreements import PERSONAS

BUYERS = ("oem_buyer", "oem_engineer")
PARTIES = (*BUYERS, "ems_planner")


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def flex_world(people: Any, programs: Any, orgs: Any, parts: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def exception() -> Any:
        if not built:
            from accord.agreements.models import FlexException
            from accord.agreements.tests.flex_sample import build_due_in, signed_flex_sow
            from accord.supply.services import change_build

            built["sow"] = signed_flex_sow(people, programs, orgs)
            build = build_due_in(people, programs, orgs, parts, days=42, quantity=2000)
            change_build(actor=people["oem_buyer"], build=build, quantity_due=2300)
            built["exception"] = FlexException.objects.get(build=build)
        return built["exception"]

    return {"flex_exception": exception, "flex_sow": lambda: exception() and built["sow"]}


def _sow(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["flex_sow"]().pk}


def _exception(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["flex_exception"]().pk}


READERS = _only(dict.fromkeys(PARTIES, 200))
EMS_DECIDES = _only({"ems_planner": 302, **dict.fromkeys(BUYERS, 403)})

FLEX_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "flex_exceptions": (_sow, READERS),
    "flex_check": (_sow, READERS),
    "change_check": (_sow, READERS),
}
FLEX_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "flex_exceptions": dict.fromkeys(PARTIES, (1,)),
}
FLEX_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "flex_exception_accept": (_exception, lambda w: {"note": "Line 2 has room"}, EMS_DECIDES),
    "flex_exception_decline": (_exception, lambda w: {}, EMS_DECIDES),
}
