"""The agreements API's rows of the access matrix. World (built lazily): Halcyon's SOW with
Meridian for Earbuds X2, version 1, a draft that passes the check. It is restricted data of
the two parties: EBX2's members from Halcyon (oem_buyer, oem_engineer) and Meridian
(ems_planner) read and edit it, under NDA-HAL-MER-2025; everyone else gets 404, Sunridge
(supplier_rep, on EBX2 under its own NDA) and Brightline (nda_expired_partner) too. Each read
of the terms is in the other party's access log. Halcyon's and Meridian's authorised signers
(oem_buyer, ems_planner) sign; Halcyon's engineer sees it but may not (403).
Drafting: the program's owner's members (Halcyon's); the program's partners see EBX2 but may
not draft on it (403). Retiring and reinstating: the buyer's people, who draft it (Halcyon's);
Meridian's planner sees it but may not (403)."""

from __future__ import annotations

from typing import Any

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

PARTIES = ["oem_buyer", "oem_engineer", "ems_planner"]
ONE_READ = dict.fromkeys(PARTIES, (1,))


def _agreement(w: World) -> Any:
    if "agreement" not in w:
        from accord.agreements.tests.sample import draft_ebx2

        w["agreement"] = draft_ebx2(w["oem_buyer"], w["EBX2"], w["org:meridian"])
    return w["agreement"]


def _url(w: World) -> str:
    return f"/agreements/{_agreement(w).pk}"


def _changed_terms(w: World) -> dict[str, Any]:
    from accord.agreements.tests.sample import signable

    return {"terms": signable() | {"moq": 600}}


def _current_hash(w: World) -> dict[str, Any]:
    return {"terms_hash": _agreement(w).versions.get().terms_hash}


def _retired(w: World) -> Any:
    if "retired" not in w:
        from accord.agreements.services import retire_agreement

        w["retired"] = retire_agreement(
            actor=w["oem_buyer"], agreement=_agreement(w), reason="Program ended"
        )
    return w["retired"]


def _new_agreement(w: World) -> dict[str, Any]:
    return {
        "program_id": w["EBX2"].pk,
        "partner_id": w["org:meridian"].pk,
        "title": "Box build SOW",
        "terms": {"moq": 500},
    }


def _copy(w: World) -> dict[str, Any]:
    """An export of version 1 as the version's page gives it (CSV)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accord.agreements.copies import EXPORT_HEADERS, export_rows
    from accord.core.exports import to_csv_bytes

    data = to_csv_bytes(EXPORT_HEADERS, export_rows(_agreement(w).versions.get(number=1)))
    return {"file": SimpleUploadedFile("agreement-v1.csv", data)}


AGREEMENTS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/agreements"): [case(lambda w: "/agreements", expect(SIGNED_IN))],
    ("POST", "/agreements"): [
        case(
            lambda w: "/agreements",
            expect(
                ["oem_buyer", "oem_engineer"],
                status=201,
                forbidden=["ems_planner", "supplier_rep", "nda_expired_partner"],
            ),
            body=_new_agreement,
        )
    ],
    ("GET", "/agreements/{agreement_id}"): [case(_url, expect(PARTIES), logged=ONE_READ)],
    ("PUT", "/agreements/{agreement_id}/terms"): [
        case(lambda w: f"{_url(w)}/terms", expect(PARTIES), body=_changed_terms)
    ],
    ("POST", "/agreements/{agreement_id}/sign"): [
        case(
            lambda w: f"{_url(w)}/sign",
            expect(["oem_buyer", "ems_planner"], forbidden=["oem_engineer"]),
            body=_current_hash,
        )
    ],
    ("POST", "/agreements/{agreement_id}/retire"): [
        case(
            lambda w: f"{_url(w)}/retire",
            expect(["oem_buyer", "oem_engineer"], forbidden=["ems_planner"]),
            body=lambda w: {"reason": "Program ended"},
        )
    ],
    ("POST", "/agreements/{agreement_id}/reinstate"): [
        case(
            lambda w: f"/agreements/{_retired(w).pk}/reinstate",
            expect(["oem_buyer", "oem_engineer"], forbidden=["ems_planner"]),
        )
    ],
    ("GET", "/agreements/{agreement_id}/versions/{number}"): [
        case(lambda w: f"{_url(w)}/versions/1", expect(PARTIES), logged=ONE_READ)
    ],
    ("GET", "/agreements/{agreement_id}/diff"): [
        case(lambda w: f"{_url(w)}/diff?from=1&to=1", expect(PARTIES), logged=ONE_READ)
    ],
    # Matching a copy writes nothing but the read of the terms in the other party's log.
    ("POST", "/agreements/{agreement_id}/match"): [
        case(
            lambda w: f"{_url(w)}/match",
            expect(PARTIES),
            body=_copy,
            multipart=True,
            reads=True,
            logged=ONE_READ,
        )
    ],
}
