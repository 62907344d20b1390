"""Read-side: certificate lists with their status (set-based: one query with the status and
whether evidence is on file as SQL expressions), and what the agreements' check before
signing needs to know of a partner's certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from accord.agreements.checks import PartnerCertificates
from accord.partners.choices import Process
from accord.partners.models import Certificate, CertificateEvidence
from accord.partners.status import in_force, with_status

# Sort keys of the lists (pages and API): name -> field.
SORTS = {
    "standard": "standard",
    "number": "number",
    "issuer": "issuer",
    "site": "site__code",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "status": "status",
}


_PROCESS_LABELS = dict(Process.choices)


def processes_text(values: Sequence[str]) -> str:
    """The processes of a scope by their names: "SMT, Box build"."""
    return ", ".join(str(_PROCESS_LABELS.get(v, v)) for v in values)


def certificate_rows(certificates: QuerySet[Certificate], day: dt.date) -> QuerySet[Any]:
    """Certificates (reached through access.py) with `status` as of the day and
    `has_evidence`, their site and organisation joined."""
    evidence = CertificateEvidence.objects.filter(certificate=OuterRef("pk"))
    return (
        with_status(certificates, day)
        .annotate(has_evidence=Exists(evidence))
        .select_related("site", "site__organisation", "verified_by")
    )


def partner_certificates(organisation: Any, day: dt.date) -> PartnerCertificates:
    """What the organisation's sites hold on the day, for the check before signing: two
    small queries (any recorded; the standards in force)."""
    mine = Certificate.objects.filter(site__organisation_id=organisation.pk)
    recorded = mine.filter(retired_at__isnull=True).exists()
    held = frozenset(
        (standard, ipc_class)
        for standard, ipc_class in mine.filter(in_force(day))
        .values_list("standard", "ipc_class")
        .distinct()
    )
    return PartnerCertificates(partner=organisation.name, recorded=recorded, held=held)
