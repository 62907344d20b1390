"""The certificates API's rows of the access matrix. World (built lazily): Meridian's plant
PEN1 with its ISO 9001 certificate, the PDF on file.

Summaries: Meridian's own people; Halcyon's (connected, on EBX2 and PHRM with Meridian);
Roverly's (connected, on RVC); Brightline's (an EMS beside Meridian on EBX2). Sunridge sells: it
sees only the owner of its programs (404), Quillon nobody. Meridian's people record, change,
retire and attach the evidence; the others who see it get 403. A buyer verifies: a member of a
program its own organisation owns with Meridian as a partner (Halcyon's two, Roverly's);
Meridian and Brightline see it but may not (403). The evidence: Meridian, and those sharing a
program with it under an NDA in force (Halcyon, Roverly; each download in Meridian's log);
Brightline has no NDA with Meridian (404)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

MERIDIAN = ["ems_planner", "ems_quality"]
READERS = [*MERIDIAN, "oem_buyer", "oem_engineer", "other_oem_user", "nda_expired_partner"]
OTHER_READERS = [p for p in READERS if p not in MERIDIAN]
BUYERS = ["oem_buyer", "oem_engineer", "other_oem_user"]
EVIDENCE = [*MERIDIAN, *BUYERS]
ONE_READ = dict.fromkeys(BUYERS, (1,))


def _certificate(w: World) -> Any:
    if "certificate" not in w:
        from accord.partners.tests.sample import penang, with_evidence

        w["certificate"] = with_evidence(w["ems_quality"], penang(w["ems_planner"]))
    return w["certificate"]


def _url(w: World) -> str:
    return f"/certificates/{_certificate(w).pk}"


def _list(w: World) -> str:
    _certificate(w)
    return "/certificates"


def _new(w: World) -> dict[str, Any]:
    return {
        "site_id": _certificate(w).site_id,
        "standard": "IPC-A-610",
        "ipc_class": 3,
        "number": "MATRIX-610",
        "issuer": "IPC",
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
    }


def _evidence(w: World) -> dict[str, Any]:
    from accord.partners.tests.sample import PDF

    _certificate(w)
    return {"file": SimpleUploadedFile("matrix.pdf", PDF)}


def numbers(body: Any) -> set[str]:
    return {c["number"] for c in body["results"]}


PARTNERS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/certificates"): [
        case(
            _list,
            expect(SIGNED_IN),
            sees=numbers,
            seen={persona: {"ISO9001-PEN1"} for persona in READERS}
            | {"supplier_rep": set(), "outsider": set()},
        )
    ],
    ("POST", "/certificates"): [
        case(
            lambda w: "/certificates",
            expect(MERIDIAN, status=201, forbidden=OTHER_READERS),
            body=_new,
        )
    ],
    ("GET", "/certificates/{certificate_id}"): [case(_url, expect(READERS))],
    ("PATCH", "/certificates/{certificate_id}"): [
        case(_url, expect(MERIDIAN, forbidden=OTHER_READERS), body=lambda w: {"issuer": "BSI"})
    ],
    ("POST", "/certificates/{certificate_id}/retire"): [
        case(lambda w: f"{_url(w)}/retire", expect(MERIDIAN, forbidden=OTHER_READERS))
    ],
    ("POST", "/certificates/{certificate_id}/verify"): [
        case(
            lambda w: f"{_url(w)}/verify",
            expect(BUYERS, forbidden=[*MERIDIAN, "nda_expired_partner"]),
        )
    ],
    ("POST", "/certificates/{certificate_id}/evidence"): [
        case(
            lambda w: f"{_url(w)}/evidence",
            expect(MERIDIAN, status=201, forbidden=OTHER_READERS),
            body=_evidence,
            multipart=True,
        )
    ],
    ("GET", "/certificates/{certificate_id}/evidence"): [
        case(lambda w: f"{_url(w)}/evidence", expect(EVIDENCE), logged=ONE_READ)
    ],
}
