"""The planning pages' rows of the page access matrix (test_access_matrix.py).

Who may plan Earbuds X2 (its members who may see its build schedule: Halcyon's, and
Meridian's planner under the NDA covering it) opens its board, clear-to-build and a part's
timeline, each from their own stored plan, and plans again; everyone else gets 404. The
planning index lists the programs one may plan (empty for the others)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.planning.services import refresh_plan

EBX2_PLANNERS = {"oem_buyer": 200, "oem_engineer": 200, "ems_planner": 200}
EVERYONE = dict.fromkeys(
    [
        "oem_buyer",
        "oem_engineer",
        "ems_planner",
        "ems_quality",
        "supplier_rep",
        "other_oem_user",
        "nda_expired_partner",
        "outsider",
    ],
    200,
)


def planning_world(people: Any, programs: Any) -> dict[str, Any]:
    """A stored plan of Earbuds X2 for each person who may plan it, and the forecast Halcyon's
    buyer shared with Sunridge, built on first use (see the API matrix's planning_world)."""
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


def _ebx2(w: dict[str, Any]) -> int:
    w["planning"]()
    return int(w["EBX2"].pk)


def _gate_driver() -> Any:
    from accord.parts.models import ApprovedSource

    return ApprovedSource.objects.filter(part__number="RVC-200-0002")[0].manufacturer_part


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in EVERYONE}


PLANNING_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "plan_index": (lambda w: {}, EVERYONE),
    "shortage_board": (lambda w: {"program_id": _ebx2(w)}, _only(EBX2_PLANNERS)),
    "clear_to_build": (lambda w: {"program_id": _ebx2(w)}, _only(EBX2_PLANNERS)),
    "part_alternates": (
        lambda w: {"program_id": _ebx2(w), "part_id": w["HAL-400-0001"].pk},
        _only(EBX2_PLANNERS),
    ),
    "forecast_list": (lambda w: {}, EVERYONE),
    # The buyer's side (Halcyon's planners) and Sunridge's member; nobody else.
    "forecast_detail": (
        lambda w: {"pk": w["planning"]()["forecast"].pk},
        _only({"oem_buyer": 200, "oem_engineer": 200, "supplier_rep": 200}),
    ),
    "risk_register": (lambda w: {"program_id": _ebx2(w)}, _only(EBX2_PLANNERS)),
    # The balanced-armature driver: on the earbud's own BOM, in every EBX2 plan (the demo's too).
    "part_timeline": (
        lambda w: {"program_id": _ebx2(w), "part_id": w["HAL-400-0001"].pk},
        _only(EBX2_PLANNERS),
    ),
}

PLANNING_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "plan_refresh": (
        lambda w: {"program_id": _ebx2(w)},
        lambda w: {"horizon": "12"},
        _only(dict.fromkeys(EBX2_PLANNERS, 302)),
    ),
    # The Rover's gate driver, a public catalogue part, proposed for the earbuds' capacitor.
    "alternate_propose": (
        lambda w: {"program_id": _ebx2(w), "part_id": w["HAL-100-0001"].pk},
        lambda w: {"manufacturer_part": str(_gate_driver().pk)},
        _only(dict.fromkeys(EBX2_PLANNERS, 302)),
    ),
    "forecast_share": (
        lambda w: {"program_id": _ebx2(w)},
        lambda w: {"supplier": str(w["planning"]()["sunridge_pk"])},
        _only(dict.fromkeys(EBX2_PLANNERS, 302)),
    ),
    "risk_owner_assign": (
        lambda w: {"program_id": _ebx2(w)},
        lambda w: {
            "part": str(w["HAL-200-0001"].pk),
            "kind": "single_source",
            "owner": str(w["oem_buyer"].pk),
        },
        _only(dict.fromkeys(EBX2_PLANNERS, 302)),
    ),
}
