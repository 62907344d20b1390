"""API: agreements (statements of work) the caller's organisation is party to, their versions,
terms, the check before signing, the term-level diff between versions, signing, retiring and
reinstating.

Every response that holds terms (prices, fees) is in the other party's access log; the list
holds none."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from accord.agreements.access import (
    agreements_visible_to,
    get_agreement_for_user,
    get_program_for_drafting,
    get_version_for_user,
    latest_versions,
    log_terms_read,
)
from accord.agreements.copies import match_copy
from accord.agreements.diff import diff_terms
from accord.agreements.models import Agreement, AgreementVersion
from accord.agreements.queries import agreement_detail
from accord.agreements.services import (
    create_agreement,
    reinstate_agreement,
    retire_agreement,
    save_terms,
    sign_agreement_version,
)
from accord.agreements.terms import Terms, parse_terms
from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, Text
from accord.core.access import get_or_404
from accord.core.errors import NotFound
from accord.orgs.access import organisations_visible_to
from accord.parts.bom_import.inputs import read_upload

router = Router(tags=["agreements"])


class AgreementOut(Schema):
    id: int
    title: str
    program_id: int
    program: str
    buyer: str
    partner: str
    current_version: int | None
    status: str = Field(description="The current version's: draft, signed, superseded or void.")
    retired: bool = Field(
        description="Retired (ended): readable, nothing more drafted or signed, in force for no "
        "purchase order dated on or after the day of retirement."
    )
    retired_at: dt.datetime | None
    retired_by: str | None
    retire_reason: str


class SignatureOut(Schema):
    side: str
    organisation: str
    signer: str
    signed_hash: str
    signed_at: dt.datetime
    voided_at: dt.datetime | None


class AgreementVersionOut(Schema):
    number: int
    status: str
    terms_hash: str = Field(description="SHA-256 of the canonical JSON of the terms.")
    created_at: dt.datetime
    signed_at: dt.datetime | None
    signatures: list[SignatureOut]


class VersionTermsOut(AgreementVersionOut):
    terms: dict[str, Any]


class ProblemOut(Schema):
    clause: str
    message: str


class AgreementDetailOut(AgreementOut):
    current: VersionTermsOut | None
    notes: list[ProblemOut] = Field(
        default_factory=list,
        description="What the check cannot tell, e.g. a partner with no certificate recorded: "
        "shown to the signers, never blocking.",
    )
    problems: list[ProblemOut] = Field(
        description="What the check finds in the current draft; signing waits until empty."
    )
    versions: list[AgreementVersionOut]


class AgreementIn(InputSchema):
    program_id: Id
    partner_id: Id
    title: Text = Field(min_length=1, max_length=200)
    terms: Terms | None = None


class TermsIn(InputSchema):
    terms: Terms


class SignIn(InputSchema):
    terms_hash: Text = Field(
        min_length=64, max_length=64, description="The hash of the version as you read it."
    )


class AgreementRetireIn(InputSchema):
    reason: Text = Field(min_length=1, max_length=500, description="Why the agreement ends.")


class AgreementListParams(InputSchema):
    retired: bool | None = Field(
        None, description="Only retired agreements (true) or those in use (false)."
    )


class DiffParams(InputSchema):
    from_version: int = Field(..., alias="from", ge=1, le=10**6)
    to_version: int = Field(..., alias="to", ge=1, le=10**6)


class DiffOut(Schema):
    from_version: int
    to_version: int
    lines: list[str]


def _status(agreement: Agreement, current: AgreementVersion | None) -> str:
    return current.status if current else ""


def _summary(agreement: Agreement, current: AgreementVersion | None) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "program_id": agreement.program_id,
        "program": agreement.program.name,
        "buyer": agreement.buyer.name,
        "partner": agreement.partner.name,
        "current_version": current.number if current else None,
        "status": _status(agreement, current),
        "retired": agreement.retired_at is not None,
        "retired_at": agreement.retired_at,
        "retired_by": str(agreement.retired_by) if agreement.retired_by else None,
        "retire_reason": agreement.retire_reason,
    }


def _version(version: AgreementVersion, *, terms: bool = False) -> dict[str, Any]:
    out = {
        "number": version.number,
        "status": version.status,
        "terms_hash": version.terms_hash,
        "created_at": version.created_at,
        "signed_at": version.signed_at,
        "signatures": [
            {
                "side": s.side,
                "organisation": s.organisation.name,
                "signer": str(s.signer),
                "signed_hash": s.signed_hash,
                "signed_at": s.signed_at,
                "voided_at": s.voided_at,
            }
            for s in version.signatures.all()
        ],
    }
    if terms:
        out["terms"] = version.terms
    return out


def _detail(request: HttpRequest, agreement: Agreement) -> AgreementDetailOut:
    detail = agreement_detail(agreement)
    log_terms_read(person(request), agreement, channel="api", path=request.path)
    current = detail.current
    return AgreementDetailOut.model_validate(
        {
            **_summary(agreement, current),
            "current": _version(current, terms=True) if current else None,
            "problems": [{"clause": p.clause, "message": p.message} for p in detail.problems],
            "notes": [{"clause": p.clause, "message": p.message} for p in detail.notes],
            "versions": [_version(v) for v in detail.versions],
        }
    )


@router.get("/agreements", response=Page[AgreementOut])
def list_agreements(
    request: HttpRequest, filters: Query[AgreementListParams], paging: Query[PageParams]
) -> dict[str, Any]:
    """The agreements of the caller's organisation they may see: titles and states, no terms;
    `retired=true` the retired ones only, `retired=false` those in use."""
    user = person(request)
    found = agreements_visible_to(user).select_related("program", "buyer", "partner", "retired_by")
    if filters.retired is not None:
        found = found.filter(retired_at__isnull=not filters.retired)

    def rows(page: Any) -> list[dict[str, Any]]:
        current = latest_versions(user, page)
        return [_summary(a, current.get(a.pk)) for a in page]

    return paginate(request, found, paging, rows)


@router.post("/agreements", response={201: AgreementDetailOut})
@idempotent
def create_agreement_endpoint(request: HttpRequest, payload: AgreementIn) -> Status[Any]:
    """The program's owner drafts version 1 with a partner of the program (an NDA in force
    between the two must cover the program)."""
    user = person(request)
    program = get_program_for_drafting(user, payload.program_id)
    partner = get_or_404(organisations_visible_to(user), pk=payload.partner_id)
    agreement = create_agreement(
        actor=user,
        program=program,
        partner=partner,
        title=payload.title,
        terms=payload.terms or {},
    )
    return Status(201, _detail(request, get_agreement_for_user(user, agreement.pk)))


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut)
def get_agreement(request: HttpRequest, agreement_id: Id) -> AgreementDetailOut:
    """The agreement, its current version's terms and hash, the check's problems and every
    version with its signatures."""
    return _detail(request, get_agreement_for_user(person(request), agreement_id))


@router.put("/agreements/{agreement_id}/terms", response=VersionTermsOut)
def put_agreement_terms(
    request: HttpRequest, agreement_id: Id, payload: TermsIn
) -> VersionTermsOut:
    """Edit the terms: the draft changes; a draft one side signed is voided for a new one; after
    a signed version, a new draft starts. A signed version never changes."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    version = save_terms(actor=user, agreement=agreement, terms=payload.terms)
    return VersionTermsOut.model_validate(_version(version, terms=True))


@router.post("/agreements/{agreement_id}/sign", response=AgreementVersionOut)
def sign_agreement(request: HttpRequest, agreement_id: Id, payload: SignIn) -> AgreementVersionOut:
    """Sign the current draft's hash for your side (authorised signers only: 403 otherwise).
    Another hash answers 409, and so does signing twice; problems of the check 422."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id, sign=True)
    version = sign_agreement_version(actor=user, agreement=agreement, terms_hash=payload.terms_hash)
    return AgreementVersionOut.model_validate(_version(version))


@router.post("/agreements/{agreement_id}/retire", response=AgreementOut)
def retire_agreement_endpoint(
    request: HttpRequest, agreement_id: Id, payload: AgreementRetireIn
) -> dict[str, Any]:
    """End the agreement (the buyer's people, who draft it; the partner: 403). Every version
    stays readable; drafting, editing and signing answer 409 until it is reinstated. The
    invoice check finds it in force for purchase orders dated before the day of retirement
    only. 409 when it is retired already."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id, buyer=True)
    retire_agreement(actor=user, agreement=agreement, reason=payload.reason)
    return _summary_of(user, agreement_id)


@router.post("/agreements/{agreement_id}/reinstate", response=AgreementOut)
def reinstate_agreement_endpoint(request: HttpRequest, agreement_id: Id) -> dict[str, Any]:
    """Undo the retirement (the buyer's people): in force again, its draft editable and
    signable. 409 when it is not retired."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id, buyer=True)
    reinstate_agreement(actor=user, agreement=agreement)
    return _summary_of(user, agreement_id)


def _summary_of(user: Any, agreement_id: int) -> dict[str, Any]:
    agreement = get_agreement_for_user(user, agreement_id)
    return _summary(agreement, latest_versions(user, [agreement]).get(agreement.pk))


@router.get("/agreements/{agreement_id}/versions/{number}", response=VersionTermsOut)
def get_agreement_version(request: HttpRequest, agreement_id: Id, number: Id) -> VersionTermsOut:
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    version = get_version_for_user(user, agreement, number)
    log_terms_read(user, agreement, channel="api", path=request.path)
    return VersionTermsOut.model_validate(_version(version, terms=True))


@router.get("/agreements/{agreement_id}/diff", response=DiffOut)
def diff_agreement_versions(
    request: HttpRequest, agreement_id: Id, params: Query[DiffParams]
) -> DiffOut:
    """The clauses that differ between two versions, one line each ("tier 5,000: 9.80 →
    9.60")."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    versions = {
        v.number: v
        for v in agreement.versions.filter(number__in=[params.from_version, params.to_version])
    }
    if params.from_version not in versions or params.to_version not in versions:
        raise NotFound("No such version.")
    log_terms_read(user, agreement, channel="api", path=request.path)
    lines = diff_terms(
        parse_terms(versions[params.from_version].terms),
        parse_terms(versions[params.to_version].terms),
    )
    return DiffOut(from_version=params.from_version, to_version=params.to_version, lines=lines)


class CopyMatchOut(Schema):
    matched: bool = Field(description="Whether the printed hash is a version of this agreement.")
    version: int | None = Field(description="The version the printed hash names, if any.")
    status: str | None = Field(description="That version's: draft, signed, superseded or void.")
    state: str | None
    printed_hash: str
    file_hash: str = Field(description="The SHA-256 of the terms rebuilt from the file's rows.")
    intact: bool = Field(description="Whether the file's terms hash to the printed hash.")
    differences: list[str] = Field(
        description="When not intact: the clauses in which the file differs from the version."
    )
    summary: str


@router.post("/agreements/{agreement_id}/match", response=CopyMatchOut)
def match_agreement_copy(
    request: HttpRequest, agreement_id: Id, file: File[UploadedFile]
) -> dict[str, Any]:
    """An exported copy of the terms (CSV or XLSX from a version's page) matched to the version
    of this agreement its printed SHA-256 names; its rows hashed again, and the clauses in which
    it differs listed. A hash that is no version of this agreement says so (never which other
    agreement has it). 422 for a file that is no such export, 413 for one too large."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    data, filename = read_upload(file)
    result = match_copy(agreement, data, filename)
    log_terms_read(user, agreement, channel="api", path=request.path)
    return result.as_dict()
