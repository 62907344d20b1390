"""The page access matrix's rows for changing what was recorded (test_access_matrix.py):
changing a program requirement, cancelling a planned audit, correcting a finding. The same
rules as the API's (accord/api/tests/access_matrix/audit_changes_cases.py).

Worlds: the capability world's ISO 13485 requirement of Pulse HRM (access_matrix_capabilities)
and the audit world (access_matrix_audits), with a planned audit of the same site added on
first use. A requirement is changed by Halcyon's buyer (the owner's member of PHRM; Meridian's
members 403, everyone else 404); an audit is cancelled and a finding corrected by Halcyon's
people (the auditing side; Meridian's 403, everyone else 404). The observation has no
evidence on file yet: it is the finding the auditor may still correct."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accord.web.tests.access_matrix_audits import HALCYON, MERIDIAN, _side
from accord.web.tests.access_matrix_capabilities import _buyer, _requirement

Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


def planned_audit(w: dict[str, Any]) -> Any:
    """A planned audit (no finding) of the audit world's site, by Halcyon's buyer."""
    if "planned_audit" not in w:
        from accord.core.access import today
        from accord.partners.audit_services import plan_audit

        built = w["audits"]()
        w["planned_audit"] = plan_audit(
            actor=w["oem_buyer"],
            site=built["audit"].site,
            kind="system",
            planned_date=today() + dt.timedelta(days=30),
            scope="Quality management system, before the PVT build.",
            program=w["PHRM"],
        )
    return w["planned_audit"]


def _planned(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": planned_audit(w).pk}


def _observation(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["audits"]()["observation"].pk}


# The forms are drawn for any audit and finding of the auditing side (the service refuses an
# audit that is not planned, a finding already answered); the browser's accessibility walk
# reads them on the demo's audit and its major finding (test_browser.py, _demo_world).
def _audit(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["audits"]()["audit"].pk}


def _major(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["audits"]()["major"].pk}


def _due() -> str:
    from accord.core.access import today

    return str(today() + dt.timedelta(days=45))


AUDIT_CHANGES_GET: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "requirement_edit": (_requirement, _buyer(200)),
    "audit_cancel": (_audit, _side(HALCYON, MERIDIAN, 200)),
    "finding_edit": (_major, _side(HALCYON, MERIDIAN, 200)),
}
AUDIT_CHANGES_POST: dict[str, tuple[Kwargs, Kwargs, dict[str, int]]] = {
    "requirement_edit": (
        _requirement,
        lambda w: {
            "standard": "ISO 13485",
            "processes": ["smt"],
            "partner_kinds": ["ems"],
            "note": "Class II device: the certificate covers SMT.",
        },
        _buyer(302),
    ),
    "audit_cancel": (
        _planned,
        lambda w: {"reason": "The PVT build moved to Meridian's second plant."},
        _side(HALCYON, MERIDIAN, 302),
    ),
    "finding_edit": (
        _observation,
        lambda w: {
            "severity": "minor",
            "clause": "ISO 13485 7.5.8",
            "description": "Labels fade in the sun: traceability at risk.",
            "due_date": _due(),
        },
        _side(HALCYON, MERIDIAN, 302),
    ),
}
