"""The audits API's rows of the access matrix. World (built lazily): Halcyon's process audit
of Meridian's plant PEN1 on Pulse HRM, with a major finding (D1-D4 filled, evidence on file),
a minor one with evidence (ready to submit), a minor one submitted and an observation
(accord/partners/tests/audit_sample.py, matrix_world).

Only the two organisations see it: Halcyon's people (the auditor's own) and Meridian's
members of PHRM under the NDA covering it; everyone else 404 (evidence included). Meridian's
reads are in Halcyon's access log (a list: one entry with its rows); Halcyon's downloads of
Meridian's evidence in Meridian's. Halcyon records findings, asks for an 8D, verifies and
rejects; Meridian fills the 8D, attaches evidence, submits and acknowledges; each doing the
other's part gets 403. Planning an audit of PEN1: members of a program their organisation
owns with Meridian as a partner (Halcyon's two on EBX2, Roverly's manager on RVC); the others
who see the site (Meridian's own, Brightline beside it on EBX2) 403; Sunridge and Quillon do
not see it (404)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

HALCYON = ["oem_buyer", "oem_engineer"]
MERIDIAN = ["ems_planner", "ems_quality"]
PARTIES = [*HALCYON, *MERIDIAN]
PLANNERS = [*HALCYON, "other_oem_user"]
SEE_THE_SITE = [*MERIDIAN, "nda_expired_partner"]
MERIDIAN_READ = dict.fromkeys(MERIDIAN, (1,))


def _world(w: World) -> dict[str, Any]:
    if "audits" not in w:
        from accord.partners.tests.audit_sample import matrix_world

        programs = {code: w[code] for code in ("EBX2", "PHRM", "RVC")}
        w["audits"] = matrix_world(w, programs)
    return w["audits"]


def _audit(w: World) -> str:
    return f"/audits/{_world(w)['audit'].pk}"


def _finding(name: str) -> Any:
    return lambda w: f"/findings/{_world(w)[name].pk}"


def _due() -> str:
    import datetime as dt

    from accord.core.access import today

    return str(today() + dt.timedelta(days=30))


def _new_audit(w: World) -> dict[str, Any]:
    return {
        "site_id": _world(w)["audit"].site_id,
        "kind": "system",
        "planned_date": _due(),
        "scope": "Quality management system.",
    }


def _evidence(w: World) -> dict[str, Any]:
    from accord.partners.tests.audit_sample import PDF

    _world(w)
    return {"file": SimpleUploadedFile("matrix.pdf", PDF)}


def _listing(path: str) -> Any:
    def url(w: World) -> str:
        _world(w)
        return path

    return url


NOT_PARTIES = {"supplier_rep": 0, "other_oem_user": 0, "nda_expired_partner": 0, "outsider": 0}


AUDITS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/audits"): [
        case(
            _listing("/audits"),
            expect(SIGNED_IN),
            sees=lambda body: len(body["results"]),
            seen=dict.fromkeys(PARTIES, 1) | NOT_PARTIES,
            logged=MERIDIAN_READ,
        )
    ],
    ("POST", "/audits"): [
        case(
            _listing("/audits"),
            expect(PLANNERS, status=201, forbidden=SEE_THE_SITE),
            body=_new_audit,
        )
    ],
    ("GET", "/audits/{audit_id}"): [case(_audit, expect(PARTIES), logged=MERIDIAN_READ)],
    ("POST", "/audits/{audit_id}/findings"): [
        case(
            lambda w: f"{_audit(w)}/findings",
            expect(HALCYON, status=201, forbidden=MERIDIAN),
            body=lambda w: {"severity": "major", "description": "Matrix.", "due_date": _due()},
        )
    ],
    ("GET", "/findings"): [
        case(
            _listing("/findings"),
            expect(SIGNED_IN),
            sees=lambda body: len(body["results"]),
            seen=dict.fromkeys(PARTIES, 4) | NOT_PARTIES,
            logged=dict.fromkeys(MERIDIAN, (4,)),
        )
    ],
    ("GET", "/findings/{finding_id}"): [
        case(_finding("major"), expect(PARTIES), logged=MERIDIAN_READ)
    ],
    ("POST", "/findings/{finding_id}/eightd"): [
        case(
            lambda w: f"{_finding('minor')(w)}/eightd",
            expect(HALCYON, status=201, forbidden=MERIDIAN),
        )
    ],
    ("PUT", "/findings/{finding_id}/eightd/{discipline}"): [
        case(
            lambda w: f"{_finding('major')(w)}/eightd/5",
            expect(MERIDIAN, forbidden=HALCYON),
            body=lambda w: {"text": "Add a profile run to the release checklist."},
        )
    ],
    ("POST", "/findings/{finding_id}/evidence"): [
        case(
            lambda w: f"{_finding('major')(w)}/evidence",
            expect(MERIDIAN, status=201, forbidden=HALCYON),
            body=_evidence,
            multipart=True,
        )
    ],
    ("GET", "/findings/{finding_id}/evidence/{evidence_id}"): [
        case(
            lambda w: f"{_finding('major')(w)}/evidence/{_world(w)['evidence'].pk}",
            expect(PARTIES),
            logged=dict.fromkeys(HALCYON, (1,)),
        )
    ],
    ("POST", "/findings/{finding_id}/submit"): [
        case(
            lambda w: f"{_finding('minor')(w)}/submit",
            expect(MERIDIAN, forbidden=HALCYON),
            body=lambda w: {"response": "Flux scrapped; FIFO labels on the shelf."},
        )
    ],
    ("POST", "/findings/{finding_id}/verify"): [
        case(lambda w: f"{_finding('submitted')(w)}/verify", expect(HALCYON, forbidden=MERIDIAN))
    ],
    ("POST", "/findings/{finding_id}/reject"): [
        case(
            lambda w: f"{_finding('submitted')(w)}/reject",
            expect(HALCYON, forbidden=MERIDIAN),
            body=lambda w: {"reason": "Show the tester's calibration record."},
        )
    ],
    ("POST", "/findings/{finding_id}/acknowledge"): [
        case(
            lambda w: f"{_finding('observation')(w)}/acknowledge",
            expect(MERIDIAN, forbidden=HALCYON),
            body=lambda w: {"response": "Noted: revision check added to the shift start."},
        )
    ],
}
