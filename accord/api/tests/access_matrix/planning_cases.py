"""The planning API's rows of the access matrix: who may plan a program and read its plan.

A plan is the person's own (planning/models.py): the program's members who may see its build
schedule (the owner's, and partners' under an NDA covering the program) plan it and read their
own stored plan; sellers, lapsed partners and outsiders get 404, as for the schedule itself."""

from __future__ import annotations

from typing import Any

from accord.api.tests.access_matrix.cases import Case, World, case, expect
from accord.planning.services import refresh_plan

# Earbuds X2: Halcyon's members, and Meridian's planner under the NDA covering it.
EBX2_PLANNERS = ["oem_buyer", "oem_engineer", "ems_planner"]
SIGNED_IN_PERSONAS = [
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]


def planning_world(people: Any, programs: Any) -> World:
    """A stored plan of Earbuds X2 for each person who may plan it, and the forecast Halcyon's
    buyer shared with Sunridge: built on first use (three plans cost 0.4 s, and only this
    module's cases need them; built for every case of the matrices, they were a third of
    the suite)."""
    built: dict[str, Any] = {}

    def build() -> dict[str, Any]:
        if not built:
            from accord.orgs.models import Organisation
            from accord.planning.services import share_forecast

            for username in EBX2_PLANNERS:
                refresh_plan(
                    actor=people[username], person=people[username], program=programs["EBX2"]
                )
            sunridge = Organisation.objects.get(slug__startswith="sunridge")
            built["forecast"] = share_forecast(
                actor=people.oem_buyer, program=programs["EBX2"], supplier=sunridge
            )
            built["sunridge_pk"] = sunridge.pk
        return built

    return {"planning": build}


def gate_driver() -> Any:
    from accord.parts.models import ApprovedSource

    return ApprovedSource.objects.filter(part__number="RVC-200-0002")[0].manufacturer_part


def _program(w: World) -> int:
    w["planning"]()
    return int(w["EBX2"].pk)


PLANNING_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("POST", "/programs/{program_id}/plan"): [
        case(
            lambda w: f"/programs/{_program(w)}/plan",
            expect(EBX2_PLANNERS),
            body=lambda w: {"horizon": 12},
        )
    ],
    ("GET", "/programs/{program_id}/plan"): [
        case(lambda w: f"/programs/{_program(w)}/plan", expect(EBX2_PLANNERS))
    ],
    ("GET", "/programs/{program_id}/shortages"): [
        case(lambda w: f"/programs/{_program(w)}/shortages?all=true", expect(EBX2_PLANNERS))
    ],
    ("GET", "/programs/{program_id}/clear-to-build"): [
        case(lambda w: f"/programs/{_program(w)}/clear-to-build", expect(EBX2_PLANNERS))
    ],
    # Sunridge's member sees the forecast shared with it; Halcyon's planners the one they shared;
    # Arrowpoint (another seller on the program), Meridian and the rest: 404.
    ("GET", "/forecasts"): [case(lambda w: "/forecasts", expect(SIGNED_IN_PERSONAS))],
    ("GET", "/forecasts/{share_id}"): [
        case(
            lambda w: f"/forecasts/{w['planning']()['forecast'].pk}",
            expect(["oem_buyer", "oem_engineer", "supplier_rep"]),
        )
    ],
    ("POST", "/programs/{program_id}/forecasts"): [
        case(
            lambda w: f"/programs/{_program(w)}/forecasts",
            expect(EBX2_PLANNERS, status=201),
            body=lambda w: {"supplier_id": w["planning"]()["sunridge_pk"]},
        )
    ],
    ("GET", "/programs/{program_id}/risks"): [
        case(lambda w: f"/programs/{_program(w)}/risks", expect(EBX2_PLANNERS))
    ],
    # HAL-200-0001 (the nRF5340) has one approved source: a single-source risk in each plan.
    ("POST", "/programs/{program_id}/risks/owner"): [
        case(
            lambda w: f"/programs/{_program(w)}/risks/owner",
            expect(EBX2_PLANNERS),
            body=lambda w: {
                "part_id": w["part:HAL-200-0001"].pk,
                "kind": "single_source",
                "owner_id": w["oem_buyer"].pk,
            },
        )
    ],
    ("GET", "/programs/{program_id}/parts/{part_id}/alternates"): [
        case(
            lambda w: f"/programs/{_program(w)}/parts/{w['part:HAL-100-0001'].pk}/alternates",
            expect(EBX2_PLANNERS),
        )
    ],
    # The Rover's gate driver, a public catalogue part, proposed for the earbuds' capacitor.
    ("POST", "/programs/{program_id}/parts/{part_id}/alternates"): [
        case(
            lambda w: f"/programs/{_program(w)}/parts/{w['part:HAL-100-0001'].pk}/alternates",
            expect(EBX2_PLANNERS),
            body=lambda w: {"manufacturer_part_id": gate_driver().pk},
        )
    ],
    ("GET", "/programs/{program_id}/parts/{part_id}/timeline"): [
        case(
            lambda w: f"/programs/{_program(w)}/parts/{w['part:HAL-100-0001'].pk}/timeline",
            expect(EBX2_PLANNERS),
        )
    ],
}
