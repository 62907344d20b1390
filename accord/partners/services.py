"""Every write to certificates: record, change, retire, verify, attach the evidence.

Each runs in one transaction and records an event of the acting organisation (no program:
a certificate belongs to a site, not to a program). A change of what a buyer verified (the
standard, class, number, issuer, scope or dates) or new evidence clears the verification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import text_input
from accord.orgs.models import Person
from accord.partners.access import can_record, can_verify
from accord.partners.choices import Process, Standard
from accord.partners.models import Certificate, CertificateEvidence
from accord.scorecards.attachments import KINDS as ATTACHMENT_KINDS
from accord.scorecards.attachments import AttachedFile, Kind
from accord.supply.models import Site

# Evidence: a scan or the issuer's PDF; nothing else (issue 14: PDF, PNG or JPEG).
EVIDENCE_KINDS: dict[str, Kind] = {
    ext: ATTACHMENT_KINDS[ext] for ext in (".pdf", ".png", ".jpg", ".jpeg")
}
MAX_CATEGORIES = 20
# Fields whose change voids a buyer's verification.
VERIFIED_FIELDS = (
    "standard",
    "ipc_class",
    "number",
    "issuer",
    "processes",
    "product_categories",
    "scope_text",
    "valid_from",
    "valid_until",
)
FIELDS = (*VERIFIED_FIELDS, "suspended")


def evidence_max_mb() -> int:
    return int(settings.MAX_EVIDENCE_MB)


def parse_standard(value: Any) -> str:
    """A standard as people write it ("ISO13485", "iso 13485"), or InvalidInput."""
    text = str(value or "").strip()
    for standard in Standard:
        if text.replace(" ", "").lower() == standard.value.replace(" ", "").lower():
            return standard.value
    raise InvalidInput(
        f"standard: one of {', '.join(Standard.values)} (got {text!r}).",
        detail={"field": "standard"},
    )


def parse_ipc_class(
    standard: str,
    value: Any,
    *,
    field: str = "ipc_class",
    holder: str = "listing",
    names: str = "its class",
) -> int | None:
    """The IPC-A-610 class (1 to 3) an IPC-A-610 listing or requirement must name and no other
    standard may; blank is none."""
    if value is None or str(value).strip() == "":
        number = None
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0
    if standard == Standard.IPC_A_610:
        if number not in (1, 2, 3):
            raise InvalidInput(
                f"{field}: an IPC-A-610 {holder} names {names}, 1, 2 or 3.",
                detail={"field": field},
            )
        return number
    if number is not None:
        raise InvalidInput(
            f"{field}: only an IPC-A-610 {holder} has a class ({standard} has none).",
            detail={"field": field},
        )
    return None


_PROCESS_NAMES = {
    **{p.value: p.value for p in Process},
    **{str(p.label).lower(): p.value for p in Process},
}


def parse_processes(values: Iterable[Any]) -> list[str]:
    """Processes by value ("box_build") or name ("Box build"), in the fixed list's order."""
    found = set()
    for value in values:
        key = str(value).strip().lower()
        if not key:
            continue
        if key not in _PROCESS_NAMES:
            raise InvalidInput(
                f"processes: {str(value).strip()!r} is not one of "
                f"{', '.join(str(p.label) for p in Process)}.",
                detail={"field": "processes"},
            )
        found.add(_PROCESS_NAMES[key])
    return [p.value for p in Process if p.value in found]


def _categories(values: Iterable[Any]) -> list[str]:
    kept: list[str] = []
    for value in values:
        category = text_input(str(value), "product_categories", max_length=100)
        if category and category.lower() not in {c.lower() for c in kept}:
            kept.append(category)
    if len(kept) > MAX_CATEGORIES:
        raise InvalidInput(
            f"product_categories: at most {MAX_CATEGORIES}.",
            detail={"field": "product_categories"},
        )
    return kept


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput(f"{field}: a date (YYYY-MM-DD).", detail={"field": field}) from None


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    """Every field of a certificate checked, or InvalidInput naming the first one wrong."""
    standard = parse_standard(values.get("standard"))
    valid_from = _date(values.get("valid_from"), "valid_from")
    valid_until = _date(values.get("valid_until"), "valid_until")
    if valid_until < valid_from:
        raise InvalidInput(
            f"valid_until: the expiry {valid_until} is before the issue date {valid_from}.",
            detail={"field": "valid_until"},
        )
    return {
        "standard": standard,
        "ipc_class": parse_ipc_class(standard, values.get("ipc_class")),
        "number": text_input(values.get("number"), "number", max_length=100, required=True),
        "issuer": text_input(values.get("issuer"), "issuer", max_length=200, required=True),
        "processes": parse_processes(values.get("processes") or []),
        "product_categories": _categories(values.get("product_categories") or []),
        "scope_text": text_input(
            values.get("scope_text"), "scope_text", max_length=2000, multiline=True
        ),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "suspended": bool(values.get("suspended", False)),
    }


def _duplicate(site: Site, standard: str, number: str, exclude: int | None = None) -> None:
    found = Certificate.objects.filter(
        site=site, standard=standard, number__iexact=number, retired_at__isnull=True
    )
    if exclude is not None:
        found = found.exclude(pk=exclude)
    if found.exists():
        raise Conflict(
            f"The site {site.code} holds a {standard} certificate numbered {number} already.",
            detail={"field": "number"},
        )


def _record(actor: Person, verb: str, certificate: Certificate, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=certificate,
        changes=changes,
        classification=Classification.INTERNAL,
        subject_organisation=certificate.site.organisation,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def create_certificate(*, actor: Person, site: Site, **values: Any) -> Certificate:
    """A certificate of a site of the actor's own organisation."""
    if not can_record(actor, site.organisation_id):
        raise Forbidden("Only the site's own organisation records its certificates.")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    fields = _cleaned(values)
    if site.retired_at is not None:
        raise Conflict(f"The site {site.code} is retired: it holds no new certificates.")
    with transaction.atomic():
        _duplicate(site, fields["standard"], fields["number"])
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(site=site, created_by=actor, **fields)
        except IntegrityError:
            raise Conflict(
                f"The site {site.code} holds a {fields['standard']} certificate numbered "
                f"{fields['number']} already.",
                detail={"field": "number"},
            ) from None
        _record(
            actor,
            "recorded certificate",
            certificate,
            {"site": site.code, **{k: _plain(v) for k, v in fields.items()}},
        )
    return certificate


def update_certificate(*, actor: Person, certificate: Certificate, **changes: Any) -> Certificate:
    """Change some fields (the others stay); a change of what was verified clears the
    verification."""
    if not can_record(actor, certificate.site.organisation_id):
        raise Forbidden("Only the site's own organisation changes its certificates.")
    if certificate.retired_at is not None:
        raise Conflict("This certificate is retired: record a new one instead.")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = {name: getattr(certificate, name) for name in FIELDS}
    if "standard" in changes and "ipc_class" not in changes:
        current["ipc_class"] = None  # a new standard: its class only if it is IPC-A-610
    fields = _cleaned(current | changes)
    changed = {
        name: [_plain(getattr(certificate, name)), _plain(value)]
        for name, value in fields.items()
        if getattr(certificate, name) != value
    }
    if not changed:
        return certificate
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.retired_at is not None:
            raise Conflict("This certificate is retired: record a new one instead.")
        _duplicate(certificate.site, fields["standard"], fields["number"], exclude=certificate.pk)
        for name, value in fields.items():
            setattr(certificate, name, value)
        unverified = certificate.verified_at is not None and bool(
            set(changed) & set(VERIFIED_FIELDS)
        )
        if unverified:
            certificate.verified_by = None
            certificate.verified_at = None
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            raise Conflict(
                f"The site {certificate.site.code} holds a {fields['standard']} certificate "
                f"numbered {fields['number']} already.",
                detail={"field": "number"},
            ) from None
        _record(
            actor,
            "changed certificate",
            certificate,
            {**changed, "verification cleared": unverified},
        )
    return certificate


def retire_certificate(*, actor: Person, certificate: Certificate) -> Certificate:
    """No longer held (withdrawn, replaced): kept for the record, counts for nothing."""
    if not can_record(actor, certificate.site.organisation_id):
        raise Forbidden("Only the site's own organisation retires its certificates.")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.retired_at is not None:
            raise Conflict("This certificate is retired already.")
        certificate.retired_at = timezone.now()
        certificate.save(update_fields=["retired_at", "updated_at"])
        _record(actor, "retired certificate", certificate, {"number": certificate.number})
    return certificate


def verify_certificate(*, actor: Person, certificate: Certificate) -> Certificate:
    """A buyer confirms it checked the certificate (with its issuer, typically)."""
    if not can_verify(actor, certificate):
        raise Forbidden(
            "A buyer verifies a partner's certificate: a member of a program of your "
            "organisation in which the certificate's organisation is a partner."
        )
    if certificate.retired_at is not None:
        raise Conflict("This certificate is retired: there is nothing to verify.")
    with transaction.atomic():
        Certificate.objects.select_for_update().filter(pk=certificate.pk).first()
        certificate.verified_by = actor
        certificate.verified_at = timezone.now()
        certificate.save(update_fields=["verified_by", "verified_at", "updated_at"])
        _record(actor, "verified certificate", certificate, {"number": certificate.number})
    return certificate


def attach_evidence(
    *, actor: Person, certificate: Certificate, file: AttachedFile
) -> CertificateEvidence:
    """The certificate's document (replacing the one on file); it clears the verification."""
    if not can_record(actor, certificate.site.organisation_id):
        raise Forbidden("Only the site's own organisation attaches its certificates' evidence.")
    if certificate.retired_at is not None:
        raise Conflict("This certificate is retired: record a new one instead.")
    with transaction.atomic():
        Certificate.objects.select_for_update().filter(pk=certificate.pk).first()
        evidence, _created = CertificateEvidence.objects.update_or_create(
            certificate=certificate,
            defaults={
                "filename": file.filename,
                "content_type": file.content_type,
                "size": len(file.data),
                "sha256": file.sha256,
                "data": file.data,
                "uploaded_by": actor,
            },
        )
        cleared = certificate.verified_at is not None
        if cleared:
            certificate.verified_by = None
            certificate.verified_at = None
            certificate.save(update_fields=["verified_by", "verified_at", "updated_at"])
        _record(
            actor,
            "attached certificate evidence",
            certificate,
            {"file": file.filename, "sha256": file.sha256, "verification cleared": cleared},
        )
    return evidence
