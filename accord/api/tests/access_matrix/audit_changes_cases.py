"""The API access matrix's rows for the auditing side's second thoughts: cancelling a planned
audit and correcting a finding (accord/partners/audit_changes.py). World: the audit world of
audits_cases.py, with a planned audit of the same site added on first use.

Halcyon's people (the auditing side) cancel and correct; Meridian's members of PHRM see the
audit and get 403; everyone else 404. The observation has no evidence on file: the finding
the auditor may still correct. (Changing a requirement in full is a case of PATCH
/requirements/{requirement_id} in capabilities_cases.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.api.tests.access_matrix.audits_cases import HALCYON, MERIDIAN, _world
from accord.api.tests.access_matrix.cases import Case, World, case, expect


def _planned(w: World) -> str:
    if "planned_audit" not in w:
        from accord.core.access import today
        from accord.partners.audit_services import plan_audit

        w["planned_audit"] = plan_audit(
            actor=w["oem_buyer"],
            site=_world(w)["audit"].site,
            kind="system",
            planned_date=today() + dt.timedelta(days=30),
            scope="Quality management system, before the PVT build.",
            program=w["PHRM"],
        )
    return f"/audits/{w['planned_audit'].pk}"


def _correction(w: World) -> dict[str, Any]:
    from accord.core.access import today

    return {
        "severity": "minor",
        "description": "Labels fade in the sun: traceability at risk.",
        "due_date": str(today() + dt.timedelta(days=45)),
    }


AUDIT_CHANGES_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("POST", "/audits/{audit_id}/cancel"): [
        case(
            lambda w: f"{_planned(w)}/cancel",
            expect(HALCYON, forbidden=MERIDIAN),
            body=lambda w: {"reason": "The PVT build moved to Meridian's second plant."},
        )
    ],
    ("PATCH", "/findings/{finding_id}"): [
        case(
            lambda w: f"/findings/{_world(w)['observation'].pk}",
            expect(HALCYON, forbidden=MERIDIAN),
            body=_correction,
        )
    ],
}
