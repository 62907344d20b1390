"""The capabilities, requirements and gaps API's rows of the access matrix. World (built
lazily): Meridian's plant PEN1 with its ISO 9001 certificate and an SMT capability; Pulse HRM
(PHRM) requiring ISO 13485 of its EMS sites.

Capabilities follow the certificate summaries (partners_cases.py): Meridian's people, Halcyon's,
Roverly's and Brightline's see them (Sunridge, a seller, and Quillon 404); Meridian's people
add, change and retire them and set the profile (the other readers 403). The search answers
everyone, each with the sites they may see.

Requirements and gaps: PHRM's members (Halcyon's buyer, Meridian's two) read them; the
owner's member (the buyer) adds, changes and retires them (Meridian's 403); anyone else 404.
"""

from __future__ import annotations

from typing import Any

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

MERIDIAN = ["ems_planner", "ems_quality"]
READERS = [*MERIDIAN, "oem_buyer", "oem_engineer", "other_oem_user", "nda_expired_partner"]
OTHER_READERS = [p for p in READERS if p not in MERIDIAN]
PHRM_MEMBERS = ["oem_buyer", *MERIDIAN]


def _capability(w: World) -> Any:
    if "capability" not in w:
        from accord.partners.capabilities import add_capability
        from accord.partners.tests.sample import certificate, penang

        site = penang(w["ems_planner"])
        certificate(w["ems_quality"], site)
        w["capability"] = add_capability(
            actor=w["ems_quality"], site=site, process="smt", max_board_mm=510
        )
    return w["capability"]


def _requirement(w: World) -> Any:
    if "requirement" not in w:
        from accord.partners.requirements import add_requirement

        _capability(w)
        w["requirement"] = add_requirement(
            actor=w["oem_buyer"], program=w["PHRM"], kind="certificate", standard="ISO 13485"
        )
    return w["requirement"]


def _cap_url(w: World) -> str:
    return f"/capabilities/{_capability(w).pk}"


def _profile_url(w: World) -> str:
    return f"/sites/{_capability(w).site_id}/capability-profile"


def _program(w: World) -> str:
    _requirement(w)
    return f"/programs/{w['PHRM'].pk}"


def _req_url(w: World) -> str:
    return f"/requirements/{_requirement(w).pk}"


def _processes(body: Any) -> set[str]:
    return {f"{c['site']['code']}:{c['process']}" for c in body["results"]}


def _sites(body: Any) -> set[str]:
    return {s["site"]["code"] for s in body["results"]}


def _gap_rows(body: Any) -> set[tuple[str, str, str]]:
    return {(r["site_code"], r["requirement"], r["verdict"]) for r in body["rows"]}


CAPABILITIES_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/capabilities"): [
        case(
            lambda w: _cap_url(w) and "/capabilities",
            expect(SIGNED_IN),
            sees=_processes,
            seen={p: {"PEN1:smt"} for p in READERS} | {"supplier_rep": set(), "outsider": set()},
        )
    ],
    ("POST", "/capabilities"): [
        case(
            lambda w: _cap_url(w) and "/capabilities",
            expect(MERIDIAN, status=201, forbidden=OTHER_READERS),
            body=lambda w: {"site_id": _capability(w).site_id, "process": "aoi"},
        )
    ],
    ("GET", "/capabilities/search"): [
        case(
            lambda w: _cap_url(w) and "/capabilities/search?process=smt&standard=ISO 9001",
            expect(SIGNED_IN),
            sees=_sites,
            seen={p: {"PEN1"} for p in READERS} | {"supplier_rep": set(), "outsider": set()},
        )
    ],
    ("GET", "/capabilities/{capability_id}"): [case(_cap_url, expect(READERS))],
    ("PATCH", "/capabilities/{capability_id}"): [
        case(
            _cap_url,
            expect(MERIDIAN, forbidden=OTHER_READERS),
            body=lambda w: {"min_pitch_mm": "0.3"},
        )
    ],
    ("POST", "/capabilities/{capability_id}/retire"): [
        case(lambda w: f"{_cap_url(w)}/retire", expect(MERIDIAN, forbidden=OTHER_READERS))
    ],
    ("GET", "/sites/{site_id}/capability-profile"): [case(_profile_url, expect(READERS))],
    ("PUT", "/sites/{site_id}/capability-profile"): [
        case(
            _profile_url,
            expect(MERIDIAN, forbidden=OTHER_READERS),
            body=lambda w: {"volume_band": "medium", "itar_registered": False},
        )
    ],
    ("GET", "/programs/{program_id}/requirements"): [
        case(lambda w: f"{_program(w)}/requirements", expect(PHRM_MEMBERS))
    ],
    ("POST", "/programs/{program_id}/requirements"): [
        case(
            lambda w: f"{_program(w)}/requirements",
            expect(["oem_buyer"], status=201, forbidden=MERIDIAN),
            body=lambda w: {"kind": "process", "processes": ["smt", "aoi"]},
        )
    ],
    ("GET", "/requirements/{requirement_id}"): [case(_req_url, expect(PHRM_MEMBERS))],
    ("PATCH", "/requirements/{requirement_id}"): [
        case(
            _req_url,
            expect(["oem_buyer"], forbidden=MERIDIAN),
            body=lambda w: {"note": "Class II device"},
        ),
        case(
            _req_url,
            expect(["oem_buyer"], forbidden=MERIDIAN),
            body=lambda w: {"standard": "IPC-A-610", "min_ipc_class": 3, "processes": ["smt"]},
            label="standard",
        ),
    ],
    ("POST", "/requirements/{requirement_id}/retire"): [
        case(lambda w: f"{_req_url(w)}/retire", expect(["oem_buyer"], forbidden=MERIDIAN))
    ],
    ("GET", "/programs/{program_id}/gaps"): [
        case(
            lambda w: f"{_program(w)}/gaps",
            expect(PHRM_MEMBERS),
            sees=_gap_rows,
            seen={key: {("PEN1", "ISO 13485", "missing")} for key in PHRM_MEMBERS},
        )
    ],
}
