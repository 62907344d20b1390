"""The audit pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use): Halcyon's process audit of Meridian's plant PEN1 on Pulse HRM,
with a major finding (D1-D4 filled, evidence on file), a minor one with evidence (ready to
submit), a minor one submitted and an observation (audit_sample.matrix_world). The same rules
as the API's (accord/api/tests/access_matrix/audits_cases.py): only Halcyon's people and
Meridian's members of PHRM (under the NDA) see it, 404 for everyone else; Meridian's reads
are in Halcyon's access log (a list: one entry with its rows), Halcyon's downloads of
Meridian's evidence in Meridian's. Halcyon records findings, asks for an 8D, verifies and
rejects; Meridian fills the 8D, attaches evidence, submits, acknowledges; each doing the
other's part 403. Planning an audit: people of an organisation owning a program with
partners, the person a member (Halcyon's two, Roverly's manager); everyone else 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

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
HALCYON = ("oem_buyer", "oem_engineer")
MERIDIAN = ("ems_planner", "ems_quality")
PLANNERS = (*HALCYON, "other_oem_user")


def _only(allowed: dict[str, int], default: int = 404) -> dict[str, int]:
    return {persona: allowed.get(persona, default) for persona in PERSONAS}


def audits_world(people: Any, programs: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def build() -> dict[str, Any]:
        if not built:
            from accord.partners.tests.audit_sample import matrix_world

            built.update(matrix_world(people, programs))
        return built

    return {"audits": build}


def _audit(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["audits"]()["audit"].pk}


def _finding(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda w: {"pk": w["audits"]()[name].pk}


def _none(w: dict[str, Any]) -> dict[str, Any]:
    w["audits"]()
    return {}


def _evidence_file(w: dict[str, Any]) -> dict[str, Any]:
    built = w["audits"]()
    return {"pk": built["major"].pk, "evidence_id": built["evidence"].pk}


def _due() -> str:
    import datetime as dt

    from accord.core.access import today

    return str(today() + dt.timedelta(days=30))


def _upload(w: dict[str, Any]) -> dict[str, Any]:
    from accord.partners.tests.audit_sample import PDF

    return {"file": SimpleUploadedFile("matrix.pdf", PDF)}


PARTIES = _only(dict.fromkeys((*HALCYON, *MERIDIAN), 200))
EVERYONE = dict.fromkeys(PERSONAS, 200)


def _side(ok: tuple[str, ...], other: tuple[str, ...], status: int) -> dict[str, int]:
    return _only(dict.fromkeys(ok, status) | dict.fromkeys(other, 403))


AUDITS_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "audit_list": (_none, EVERYONE),
    "audit_create": (_none, _only(dict.fromkeys(PLANNERS, 200), default=403)),
    "audit_detail": (_audit, PARTIES),
    "finding_create": (_audit, _side(HALCYON, MERIDIAN, 200)),
    "finding_list": (_none, EVERYONE),
    "finding_detail": (_finding("major"), PARTIES),
    "finding_evidence": (_evidence_file, PARTIES),
}
AUDITS_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "audit_list": dict.fromkeys(MERIDIAN, (1,)),
    "audit_detail": dict.fromkeys(MERIDIAN, (1,)),
    "finding_list": dict.fromkeys(MERIDIAN, (4,)),
    "finding_detail": dict.fromkeys(MERIDIAN, (1,)),
    "finding_evidence": dict.fromkeys(HALCYON, (1,)),
}
AUDITS_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "audit_create": (
        _none,
        lambda w: {
            "site": w["audits"]()["audit"].site_id,
            "kind": "system",
            "planned_date": _due(),
            "scope": "Quality management system.",
        },
        _only(dict.fromkeys(PLANNERS, 302), default=403),
    ),
    "finding_create": (
        _audit,
        lambda w: {"severity": "minor", "description": "Matrix.", "due_date": _due()},
        _side(HALCYON, MERIDIAN, 302),
    ),
    "finding_discipline": (
        _finding("major"),
        lambda w: {"discipline": 5, "text": "Profile run added to the checklist."},
        _side(MERIDIAN, HALCYON, 302),
    ),
    "finding_eightd_request": (_finding("minor"), lambda w: {}, _side(HALCYON, MERIDIAN, 302)),
    "finding_evidence_upload": (_finding("major"), _upload, _side(MERIDIAN, HALCYON, 302)),
    "finding_submit": (
        _finding("minor"),
        lambda w: {"response": "Flux scrapped."},
        _side(MERIDIAN, HALCYON, 302),
    ),
    "finding_acknowledge": (
        _finding("observation"),
        lambda w: {},
        _side(MERIDIAN, HALCYON, 302),
    ),
    "finding_verify": (_finding("submitted"), lambda w: {}, _side(HALCYON, MERIDIAN, 302)),
    "finding_reject": (
        _finding("submitted"),
        lambda w: {"reason": "Show the calibration record."},
        _side(HALCYON, MERIDIAN, 302),
    ),
}
