"""The certificate pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use): Meridian's plant PEN1 with its ISO 9001 certificate, the PDF on
file. The same rules as the API's (accord/api/tests/access_matrix/partners_cases.py):
summaries for Meridian's people, Halcyon's, Roverly's and Brightline's (404 for Sunridge, a
seller, and Quillon); Meridian's people record, change, retire and attach evidence (the other
readers 403); Halcyon's two and Roverly's manager verify (Meridian's and Brightline's 403); the
evidence file for Meridian, Halcyon and Roverly (NDAs in force), each download by another
organisation one entry in Meridian's access log; Brightline 404 (no NDA with Meridian)."""

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
MERIDIAN = ("ems_planner", "ems_quality")
OTHER_READERS = ("oem_buyer", "oem_engineer", "other_oem_user", "nda_expired_partner")
BUYERS = ("oem_buyer", "oem_engineer", "other_oem_user")


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def partners_world(people: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def build() -> Any:
        if not built:
            from accord.partners.tests.sample import penang, with_evidence

            built["certificate"] = with_evidence(
                people["ems_quality"], penang(people["ems_planner"])
            )
        return built["certificate"]

    return {"certificate": build}


def _pk(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["certificate"]().pk}


def _site(w: dict[str, Any]) -> dict[str, Any]:
    return {"site_id": w["certificate"]().site_id}


def _form(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "standard": "IPC-A-610",
        "ipc_class": "3",
        "number": "MATRIX-610",
        "issuer": "IPC",
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
        "processes": ["smt"],
    }


def _evidence(w: dict[str, Any]) -> dict[str, Any]:
    from accord.partners.tests.sample import PDF

    return {"file": SimpleUploadedFile("matrix.pdf", PDF)}


READERS = _only(dict.fromkeys((*MERIDIAN, *OTHER_READERS), 200))


def _meridian(status: int) -> dict[str, int]:
    return _only(dict.fromkeys(MERIDIAN, status) | dict.fromkeys(OTHER_READERS, 403))


PARTNERS_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "certificate_list": (_site, READERS),
    "certificate_create": (_site, _meridian(200)),
    "certificate_detail": (_pk, READERS),
    "certificate_edit": (_pk, _meridian(200)),
    "certificate_evidence": (_pk, _only(dict.fromkeys((*MERIDIAN, *BUYERS), 200))),
}
PARTNERS_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "certificate_evidence": dict.fromkeys(BUYERS, (1,)),
}
PARTNERS_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "certificate_create": (_site, _form, _meridian(302)),
    "certificate_edit": (_pk, lambda w: _form(w) | {"number": "EDITED"}, _meridian(302)),
    "certificate_retire": (_pk, lambda w: {}, _meridian(302)),
    "certificate_evidence_upload": (_pk, _evidence, _meridian(302)),
    "certificate_verify": (
        _pk,
        lambda w: {},
        _only(dict.fromkeys(BUYERS, 302) | dict.fromkeys((*MERIDIAN, "nda_expired_partner"), 403)),
    ),
}
