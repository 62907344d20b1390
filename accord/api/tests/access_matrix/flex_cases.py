"""The flex API's rows of the access matrix. World (built lazily): Halcyon's SOW with Meridian
for Earbuds X2 signed with the issue's flex terms (weeks 1–4 frozen, 5–8 ±10 %, 9–13 ±25 %),
an EBX2-PCBA build at Meridian's plant due in 42 days (week 6) changed from 2,000 to 2,300
(+15 %): a pending flex exception (accord/agreements/tests/flex_sample.py).

EBX2's members from the two parties (oem_buyer, oem_engineer, ems_planner) list the
exceptions and run both checks, each answer a read of the terms in the other party's access
log; the checks are POSTs that write nothing else. Only Meridian (the EMS) accepts or
declines: Halcyon's people get 403. Everyone else 404 (Sunridge's rep is on EBX2 but not a
party, Brightline's NDA lapsed, Meridian's quality engineer is not on EBX2).
"""

from __future__ import annotations

from typing import Any

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

BUYERS = ["oem_buyer", "oem_engineer"]
PARTIES = [*BUYERS, "ems_planner"]
ONE_READ = dict.fromkeys(PARTIES, (1,))


def _exception(w: World) -> Any:
    if "flex_exception" not in w:
        from accord.agreements.models import FlexException
        from accord.agreements.tests.flex_sample import build_due_in, signed_flex_sow
        from accord.supply.services import change_build

        people = {p: w[p] for p in SIGNED_IN}
        programs = {"EBX2": w["EBX2"]}
        orgs = {"meridian": w["org:meridian"], "halcyon": w["org:halcyon"]}
        parts = {"EBX2-PCBA": w["part:EBX2-PCBA"]}
        w["flex_sow"] = signed_flex_sow(people, programs, orgs)
        build = build_due_in(people, programs, orgs, parts, days=42, quantity=2000)
        change_build(actor=w["oem_buyer"], build=build, quantity_due=2300)
        w["flex_build"] = build
        w["flex_exception"] = FlexException.objects.get(build=build)
    return w["flex_exception"]


def _sow_url(w: World) -> str:
    _exception(w)
    return f"/agreements/{w['flex_sow'].pk}"


FLEX_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/agreements/{agreement_id}/flex-exceptions"): [
        case(
            lambda w: f"{_sow_url(w)}/flex-exceptions",
            expect(PARTIES),
            logged=ONE_READ,
            sees=lambda body: [(r["weeks_out"], r["change_percent"]) for r in body["results"]],
            seen={p: [(6, "15")] for p in PARTIES},
        )
    ],
    ("POST", "/flex-exceptions/{exception_id}/accept"): [
        case(
            lambda w: f"/flex-exceptions/{_exception(w).pk}/accept",
            expect(["ems_planner"], forbidden=BUYERS),
            body=lambda w: {"note": "Line 2 has room"},
        )
    ],
    ("POST", "/flex-exceptions/{exception_id}/decline"): [
        case(
            lambda w: f"/flex-exceptions/{_exception(w).pk}/decline",
            expect(["ems_planner"], forbidden=BUYERS),
            body=lambda w: {},
        )
    ],
    ("POST", "/agreements/{agreement_id}/flex-check"): [
        case(
            lambda w: f"{_sow_url(w)}/flex-check",
            expect(PARTIES),
            body=lambda w: {"changes": [{"build_id": w["flex_build"].pk, "quantity": 2100}]},
            logged=ONE_READ,
            reads=True,
        )
    ],
    ("POST", "/agreements/{agreement_id}/change-check"): [
        case(
            lambda w: f"{_sow_url(w)}/change-check",
            expect(PARTIES),
            body=lambda w: {"term": "moq", "value": 600},
            logged=ONE_READ,
            reads=True,
        )
    ],
}
