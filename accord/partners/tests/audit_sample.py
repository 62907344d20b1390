"""Halcyon's audit of Meridian's plant PEN1 on Pulse HRM, for the audit tests and the access
matrices: a major finding (its 8D), a minor one and an observation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.core.access import today

PDF = b"%PDF-1.7\n% evidence\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
STEP_TEXTS = {
    1: "Team: D. Tan (quality), A. Rahman (planning), line leader SMT-2.",
    2: "Reflow profile of line SMT-2 not verified after the oven's maintenance.",
    3: "Lots 2648-2650 quarantined; 100% X-ray of the BGA on lots in WIP.",
    4: "Maintenance work instruction has no step for a profile check before release.",
    5: "Add a profile run with the thermocouple board to the release checklist.",
    6: "Checklist revised (WI-SMT-014 rev D); three releases since, each profiled.",
    7: "The same check added to the other two ovens' maintenance instructions.",
    8: "Closed by the quality manager; the team thanked at the monthly review.",
}


def pulse_audit(people: Any, programs: Any, **values: Any) -> Any:
    """Halcyon's process audit of PEN1 on PHRM, led by its buyer (open: performed a week ago)."""
    from accord.partners.audit_services import plan_audit
    from accord.partners.tests.sample import penang

    fields: dict[str, Any] = {
        "kind": "process",
        "planned_date": today() - dt.timedelta(days=7),
        "performed_date": today() - dt.timedelta(days=7),
        "scope": "SMT and final assembly of the Pulse HRM main board.",
        "program": programs["PHRM"],
    }
    return plan_audit(actor=people.oem_buyer, site=penang(people.ems_planner), **(fields | values))


def finding(audit: Any, actor: Any, severity: str = "major", **values: Any) -> Any:
    from accord.partners.audit_services import record_finding

    fields: dict[str, Any] = {
        "severity": severity,
        "clause": "ISO 13485 7.5.6",
        "description": "Reflow profile not validated after maintenance.",
        "due_date": today() + dt.timedelta(days=30),
    }
    return record_finding(actor=actor, audit=audit, **(fields | values))


def fill(finding_: Any, actor: Any, upto: int = 8) -> None:
    from accord.partners.audit_services import fill_discipline

    for d in range(1, upto + 1):
        fill_discipline(actor=actor, finding=finding_, discipline=d, text=STEP_TEXTS[d])


def evidence(finding_: Any, actor: Any, name: str = "profile.pdf") -> Any:
    from accord.partners.audit_services import attach_finding_evidence
    from accord.scorecards.attachments import AttachedFile

    return attach_finding_evidence(
        actor=actor, finding=finding_, file=AttachedFile.checked(PDF, name)
    )


def matrix_world(people: Any, programs: Any) -> dict[str, Any]:
    """The access matrices' audit (Halcyon's, of PEN1 on PHRM) and one finding per state: a
    major one with D1-D4 filled and evidence (open), a minor one with evidence (ready to be
    submitted), a minor one submitted, an observation. `people` and `programs` by name."""
    from accord.partners.audit_services import submit_finding
    from accord.partners.tests.sample import penang

    buyer, quality = people["oem_buyer"], people["ems_quality"]
    audit = pulse_audit_of(buyer, penang(people["ems_planner"]), programs["PHRM"])
    major = finding(audit, buyer, "major")
    fill(major, quality, 4)
    file = evidence(major, quality)
    minor = finding(audit, buyer, "minor", description="Expired flux in store B.")
    evidence(minor, quality, "flux.pdf")
    submitted = finding(audit, buyer, "minor", description="ESD wrist straps untested.")
    evidence(submitted, quality, "esd.pdf")
    submit_finding(actor=quality, finding=submitted, response="Tester installed.")
    note = finding(audit, buyer, "observation", description="Labels fade in the sun.")
    return {
        "audit": audit,
        "major": major,
        "evidence": file,
        "minor": minor,
        "submitted": submitted,
        "observation": note,
    }


def pulse_audit_of(buyer: Any, site: Any, program: Any) -> Any:
    from accord.partners.audit_services import plan_audit

    return plan_audit(
        actor=buyer,
        site=site,
        kind="process",
        planned_date=today() - dt.timedelta(days=7),
        performed_date=today() - dt.timedelta(days=7),
        scope="SMT and final assembly of the Pulse HRM main board.",
        program=program,
    )
