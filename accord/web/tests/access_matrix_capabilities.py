"""The capability, requirement and gap pages' rows of the page access matrix
(test_access_matrix.py). The same rules as the API's
(accord/api/tests/access_matrix/capabilities_cases.py).

World (built on first use): Meridian's plant PEN1 with an SMT capability; Pulse HRM (PHRM)
requiring ISO 13485 of its EMS sites. Capabilities: read by Meridian's, Halcyon's, Roverly's and
Brightline's people (404 for Sunridge and Quillon), kept by Meridian's (the other readers 403);
the search answers everyone. Requirements and gaps: PHRM's members (Halcyon's buyer, Meridian's
two) read them, the buyer keeps the requirements (Meridian's 403), anyone else 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PERSONAS = [
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]
MERIDIAN = ("ems_planner", "ems_quality")
OTHER_READERS = ("oem_buyer", "oem_engineer", "other_oem_user", "nda_expired_partner")
PHRM_MEMBERS = ("oem_buyer", *MERIDIAN)


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def capabilities_world(people: Any, programs: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def build() -> dict[str, Any]:
        if not built:
            from accord.partners.capabilities import add_capability
            from accord.partners.requirements import add_requirement
            from accord.partners.tests.sample import penang

            site = penang(people["ems_planner"])
            built["capability"] = add_capability(
                actor=people["ems_quality"], site=site, process="smt"
            )
            built["requirement"] = add_requirement(
                actor=people["oem_buyer"],
                program=programs["PHRM"],
                kind="certificate",
                standard="ISO 13485",
            )
        return built

    return {"capabilities": build}


def _site(w: dict[str, Any]) -> dict[str, Any]:
    return {"site_id": w["capabilities"]()["capability"].site_id}


def _capability(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["capabilities"]()["capability"].pk}


def _program(w: dict[str, Any]) -> dict[str, Any]:
    w["capabilities"]()
    return {"pk": w["PHRM"].pk}


def _requirement(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["capabilities"]()["requirement"].pk}


READERS = _only(dict.fromkeys((*MERIDIAN, *OTHER_READERS), 200))
MEMBERS = _only(dict.fromkeys(PHRM_MEMBERS, 200))


def _meridian(status: int) -> dict[str, int]:
    return _only(dict.fromkeys(MERIDIAN, status) | dict.fromkeys(OTHER_READERS, 403))


def _buyer(status: int) -> dict[str, int]:
    return _only({"oem_buyer": status} | dict.fromkeys(MERIDIAN, 403))


Kwargs = Callable[[dict[str, Any]], dict[str, Any]]

CAPABILITIES_GET: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "site_capabilities": (_site, READERS),
    "capability_create": (_site, _meridian(200)),
    "capability_profile_edit": (_site, _meridian(200)),
    "capability_edit": (_capability, _meridian(200)),
    "capability_search": (lambda w: {}, dict.fromkeys(PERSONAS, 200)),
    "program_requirements": (_program, MEMBERS),
    "requirement_create": (_program, _buyer(200)),
    "program_gaps": (_program, MEMBERS),
}
CAPABILITIES_POST: dict[str, tuple[Kwargs, Kwargs, dict[str, int]]] = {
    "capability_create": (_site, lambda w: {"process": "aoi", "max_layers": "12"}, _meridian(302)),
    "capability_edit": (_capability, lambda w: {"max_board_mm": "600"}, _meridian(302)),
    "capability_retire": (_capability, lambda w: {}, _meridian(302)),
    "capability_profile_edit": (
        _site,
        lambda w: {"volume_band": "high", "itar_registered": "on"},
        _meridian(302),
    ),
    "requirement_create": (
        _program,
        lambda w: {"kind": "process", "processes": ["aoi"], "partner_kinds": ["ems"]},
        _buyer(302),
    ),
    "requirement_retire": (_requirement, lambda w: {}, _buyer(302)),
}
