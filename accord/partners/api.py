"""API: certificates of sites. Partners read the summaries; the site's own organisation records,
changes and retires them and attaches the evidence; a buyer verifies; the evidence file is
restricted (the owner, and organisations sharing a program with it under an NDA in force)
and each download by another organisation is access-logged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import Q
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.openapi import file_download_doc
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, LongText, OrgRef, Text, WholeNumber, omittable
from accord.core.access import today
from accord.partners.access import (
    certificates_visible_to,
    get_certificate_for_user,
    get_evidence_for_user,
    get_site_for_certificates,
)
from accord.partners.choices import CertificateStatus, Process, Standard
from accord.partners.queries import certificate_rows
from accord.partners.services import (
    EVIDENCE_KINDS,
    attach_evidence,
    create_certificate,
    evidence_max_mb,
    retire_certificate,
    update_certificate,
    verify_certificate,
)
from accord.scorecards.attachments import file_response, read_upload

router = Router(tags=["certificates"])

IpcClass = Annotated[WholeNumber, Field(ge=1, le=3)]
Number = Annotated[Text, Field(min_length=1, max_length=100)]
Issuer = Annotated[Text, Field(min_length=1, max_length=200)]
Category = Annotated[Text, Field(min_length=1, max_length=100)]
Scope = Annotated[LongText, Field(max_length=2000)]


class CertificateSiteRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str


class CertificateOut(Schema):
    id: int
    site: CertificateSiteRef
    organisation: OrgRef
    standard: Standard
    ipc_class: int | None = Field(description="The class of an IPC-A-610 listing.")
    label: str = Field(description='The standard as people write it: "IPC-A-610 Class 3".')
    number: str
    issuer: str
    processes: list[Process]
    product_categories: list[str]
    scope_text: str
    valid_from: dt.date
    valid_until: dt.date
    suspended: bool
    status: CertificateStatus = Field(
        description="Today: suspended, expired, not yet valid, expiring (within 90 days), valid."
    )
    verified_by: str | None
    verified_at: dt.datetime | None
    retired_at: dt.datetime | None
    has_evidence: bool


class CertificateIn(InputSchema):
    site_id: Id
    standard: Standard
    ipc_class: IpcClass | None = Field(None, description="Required for IPC-A-610 (1, 2 or 3).")
    number: Number
    issuer: Issuer
    processes: list[Process] = Field(default_factory=list, max_length=len(Process))
    product_categories: list[Category] = Field(default_factory=list, max_length=20)
    scope_text: Scope = ""
    valid_from: dt.date
    valid_until: dt.date
    suspended: bool = False


class CertificatePatch(InputSchema):
    """The fields to change; the others stay."""

    standard: Standard = omittable()
    ipc_class: IpcClass | None = Field(None, description="Null clears it (not IPC-A-610).")
    number: Number = omittable()
    issuer: Issuer = omittable()
    processes: list[Process] = omittable(max_length=len(Process))
    product_categories: list[Category] = omittable(max_length=20)
    scope_text: Scope = omittable()
    valid_from: dt.date = omittable()
    valid_until: dt.date = omittable()
    suspended: bool = omittable()


class CertificateFilters(InputSchema):
    organisation_id: Id | None = None
    site_id: Id | None = None
    standard: Standard | None = None
    status: CertificateStatus | None = None
    include_retired: bool = False


def _out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "site": c.site,
        "organisation": c.site.organisation,
        "standard": c.standard,
        "ipc_class": c.ipc_class,
        "label": c.label,
        "number": c.number,
        "issuer": c.issuer,
        "processes": c.processes,
        "product_categories": c.product_categories,
        "scope_text": c.scope_text,
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
        "suspended": c.suspended,
        "status": c.status,
        "verified_by": c.verified_by.get_full_name() or c.verified_by.username
        if c.verified_by
        else None,
        "verified_at": c.verified_at,
        "retired_at": c.retired_at,
        "has_evidence": c.has_evidence,
    }


def _one(user: Any, pk: int) -> CertificateOut:
    row = certificate_rows(certificates_visible_to(user).filter(pk=pk), today()).get()
    return CertificateOut.model_validate(_out(row))


@router.get("/certificates", response=Page[CertificateOut])
def list_certificates(
    request: HttpRequest, filters: Query[CertificateFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Certificates of the sites of your organisation and of its partners (connected, or in a
    program you are a member of), their status today; retired ones only on request."""
    user = person(request)
    rows = certificate_rows(certificates_visible_to(user), today())
    if not filters.include_retired:
        rows = rows.filter(retired_at__isnull=True)
    if filters.organisation_id is not None:
        rows = rows.filter(site__organisation_id=filters.organisation_id)
    if filters.site_id is not None:
        rows = rows.filter(site_id=filters.site_id)
    if filters.standard is not None:
        rows = rows.filter(standard=filters.standard)
    if filters.status is not None:
        rows = rows.filter(Q(status=filters.status))
    rows = rows.order_by("site__organisation__name", "site__code", "standard", "number")
    return paginate(request, rows, paging, lambda page: [_out(c) for c in page])


@router.post("/certificates", response={201: CertificateOut})
@idempotent
def create_certificate_endpoint(request: HttpRequest, payload: CertificateIn) -> Status[Any]:
    """Record a certificate of a site of your own organisation."""
    user = person(request)
    site = get_site_for_certificates(user, payload.site_id, write=True)
    certificate = create_certificate(
        actor=user, site=site, **payload.model_dump(exclude={"site_id"})
    )
    return Status(201, _one(user, certificate.pk))


@router.get("/certificates/{certificate_id}", response=CertificateOut)
def get_certificate(request: HttpRequest, certificate_id: Id) -> CertificateOut:
    user = person(request)
    get_certificate_for_user(user, certificate_id)
    return _one(user, certificate_id)


@router.patch("/certificates/{certificate_id}", response=CertificateOut)
def patch_certificate(
    request: HttpRequest, certificate_id: Id, payload: CertificatePatch
) -> CertificateOut:
    """Change some fields (the site's own organisation); a change of what a buyer verified
    clears the verification."""
    user = person(request)
    certificate = get_certificate_for_user(user, certificate_id, write=True)
    changes = payload.model_dump(include=payload.model_fields_set)
    update_certificate(actor=user, certificate=certificate, **changes)
    return _one(user, certificate.pk)


@router.post("/certificates/{certificate_id}/retire", response=CertificateOut)
def retire_certificate_endpoint(request: HttpRequest, certificate_id: Id) -> CertificateOut:
    """No longer held: kept for the record, counts for nothing (the site's organisation)."""
    user = person(request)
    certificate = get_certificate_for_user(user, certificate_id, write=True)
    retire_certificate(actor=user, certificate=certificate)
    return _one(user, certificate.pk)


@router.post("/certificates/{certificate_id}/verify", response=CertificateOut)
def verify_certificate_endpoint(request: HttpRequest, certificate_id: Id) -> CertificateOut:
    """A buyer confirms it checked a partner's certificate: a member of a program of its
    organisation in which the certificate's organisation is a partner."""
    user = person(request)
    certificate = get_certificate_for_user(user, certificate_id, verify=True)
    verify_certificate(actor=user, certificate=certificate)
    return _one(user, certificate.pk)


@router.post(
    "/certificates/{certificate_id}/evidence",
    response={201: CertificateOut},
    openapi_extra={
        "description": "multipart/form-data; `file` is the certificate's document (PDF, PNG or "
        "JPEG, checked by its content), replacing the one on file; it clears a verification."
    },
)
@idempotent
def upload_certificate_evidence(
    request: HttpRequest, certificate_id: Id, file: File[UploadedFile]
) -> Status[Any]:
    user = person(request)
    certificate = get_certificate_for_user(user, certificate_id, write=True)
    checked = read_upload(file, kinds=EVIDENCE_KINDS, field="file", max_mb=evidence_max_mb())
    attach_evidence(actor=user, certificate=certificate, file=checked)
    return Status(201, _one(user, certificate.pk))


@router.get(
    "/certificates/{certificate_id}/evidence",
    openapi_extra=file_download_doc(
        "The evidence, as an attachment, with its checked content type.",
        (k.content_type for k in EVIDENCE_KINDS.values()),
    ),
)
def download_certificate_evidence(request: HttpRequest, certificate_id: Id) -> FileResponse:
    """The evidence file: the owner, and organisations sharing a program with it under an NDA
    in force (404 for anyone else); another organisation's download is in the owner's log."""
    _certificate, evidence = get_evidence_for_user(
        person(request), certificate_id, channel="api", path=request.path
    )
    return file_response(evidence)
