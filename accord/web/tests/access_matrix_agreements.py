"""The agreement pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use): Halcyon's SOW with Meridian for Earbuds X2, version 1, a draft that
passes the check (accord/agreements/tests/sample.py). EBX2's members from the two parties
(oem_buyer, oem_engineer from Halcyon, ems_planner from Meridian) see it under their NDA; each
read of its terms is one entry in the other party's access log. Everyone else gets 404:
Sunridge's rep (an EBX2 member, not a party), Brightline's (NDA lapsed), Meridian's quality
engineer (not on EBX2), Roverly's and Quillon's people. Both sides edit the draft; only the
authorised signers (oem_buyer, ems_planner) sign, Halcyon's engineer gets 403. Halcyon's
people (the buyer, who drafts) retire the agreement and reinstate a retired one; Meridian's
planner sees it but may not (403).
Everyone opens the list and the drafting form (which offers their own organisation's programs
only); drafting on EBX2 is for Halcyon's members: the others' form refuses the program (422).
"""

from __future__ import annotations

import json
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
EVERYONE = dict.fromkeys(PERSONAS, 200)
PARTIES = ("oem_buyer", "oem_engineer", "ems_planner")


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def agreements_world(people: Any, programs: Any, orgs: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def build() -> Any:
        if not built:
            from accord.agreements.tests.sample import draft_ebx2

            built["agreement"] = draft_ebx2(people["oem_buyer"], programs["EBX2"], orgs["meridian"])
        return built["agreement"]

    def retired() -> Any:
        if "retired" not in built:
            from accord.agreements.services import retire_agreement

            built["retired"] = retire_agreement(
                actor=people["oem_buyer"], agreement=build(), reason="Program ended"
            )
        return built["retired"]

    return {"agreement": build, "retired_agreement": retired}


def _pk(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["agreement"]().pk}


def _changed_terms(w: dict[str, Any]) -> dict[str, Any]:
    from accord.agreements.tests.sample import signable

    return {"terms": json.dumps(signable() | {"moq": 600})}


def _copy(w: dict[str, Any]) -> dict[str, Any]:
    """An export of version 1 as the version's page gives it (CSV)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accord.agreements.copies import EXPORT_HEADERS, export_rows
    from accord.core.exports import to_csv_bytes

    data = to_csv_bytes(EXPORT_HEADERS, export_rows(w["agreement"]().versions.get(number=1)))
    return {"file": SimpleUploadedFile("agreement-v1.csv", data)}


def _current_hash(w: dict[str, Any]) -> dict[str, Any]:
    return {"terms_hash": w["agreement"]().versions.get().terms_hash}


READERS = _only(dict.fromkeys(PARTIES, 200))
ONE_READ: dict[str, tuple[int, ...]] = dict.fromkeys(PARTIES, (1,))

AGREEMENTS_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "agreement_list": (lambda w: {}, EVERYONE),
    "agreement_create": (lambda w: {}, EVERYONE),
    "agreement_detail": (_pk, READERS),
    "agreement_terms": (_pk, READERS),
    "agreement_diff": (_pk, READERS),
    "agreement_version": (lambda w: {**_pk(w), "number": 1}, READERS),
    # The form only: no terms read until a copy is uploaded.
    "agreement_copy_check": (_pk, READERS),
}
AGREEMENTS_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "agreement_detail": ONE_READ,
    "agreement_terms": ONE_READ,
    "agreement_diff": ONE_READ,
    "agreement_version": ONE_READ,
}
AGREEMENTS_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "agreement_create": (
        lambda w: {},
        lambda w: {"program": w["EBX2"].pk, "partner": w["meridian"].pk, "title": "Box build"},
        {**dict.fromkeys(PERSONAS, 422), "oem_buyer": 302, "oem_engineer": 302},
    ),
    "agreement_terms": (_pk, _changed_terms, _only(dict.fromkeys(PARTIES, 302))),
    "agreement_sign": (
        _pk,
        _current_hash,
        _only({"oem_buyer": 302, "ems_planner": 302, "oem_engineer": 403}),
    ),
    "agreement_retire": (
        _pk,
        lambda w: {"reason": "Program ended"},
        _only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    "agreement_reinstate": (
        lambda w: {"pk": w["retired_agreement"]().pk},
        lambda w: {},
        _only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    # The parties match a copy of version 1 (200, the result on the page): a read, nothing
    # written but the read of the terms in the other party's access log.
    "agreement_copy_check": (_pk, _copy, _only(dict.fromkeys(PARTIES, 200))),
}
AGREEMENTS_READ_POSTS: dict[str, dict[str, tuple[int, ...]]] = {
    "agreement_copy_check": ONE_READ,
}
