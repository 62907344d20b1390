"""Read-side: the program's BOM lines the check before signing needs, and what an agreement's
page and the API show of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from accord.agreements.checks import (
    BomLineRef,
    PartnerCertificates,
    Problem,
    certification_notes,
    check_terms,
)
from accord.agreements.choices import VersionStatus
from accord.agreements.models import Agreement, AgreementVersion, Signature
from accord.agreements.terms import parse_terms
from accord.core.access import today
from accord.orgs.models import Program
from accord.parts.choices import BomStatus
from accord.parts.models import BomLine


def program_bom_lines(program: Program) -> list[BomLineRef]:
    """The fitted lines of the program's BOMs that are not obsolete, in one query. A line whose
    part is an assembly with its own BOM in the program is built, not procured: its own lines
    count instead."""
    lines = (
        BomLine.objects.filter(bom__program=program, dnp=False)
        .exclude(bom__status=BomStatus.OBSOLETE)
        .exclude(part__boms__program=program)
        .order_by("bom__assembly__number", "bom__revision", "position")
        .values_list("bom__assembly__number", "bom__revision", "position", "part__number")
        .distinct()
    )
    return [
        BomLineRef(bom=f"BOM {assembly} rev {revision}", position=position, part=part)
        for assembly, revision, position, part in lines
    ]


def partner_certificates_of(agreement: Agreement) -> PartnerCertificates:
    """The partner's certificates in force today, for the check before signing (both parties
    see the partner's certificate summaries: it is a partner of the buyer's program)."""
    from accord.partners.queries import partner_certificates

    return partner_certificates(agreement.partner, today())


@dataclass(frozen=True)
class AgreementDetail:
    """What the agreement's page and the API show: every version with its signatures, the
    current one, and what the check finds in the current draft."""

    versions: list[AgreementVersion]
    current: AgreementVersion | None
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)  # shown, never blocking


def agreement_detail(agreement: Agreement) -> AgreementDetail:
    versions = list(
        agreement.versions.order_by("-number").prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("signer", "organisation"),
            )
        )
    )
    by_status = {v.status: v for v in versions}
    current = (
        by_status.get(VersionStatus.DRAFT)
        or by_status.get(VersionStatus.SIGNED)
        or (versions[0] if versions else None)
    )
    problems: list[Problem] = []
    notes: list[Problem] = []
    if current is not None and current.status == VersionStatus.DRAFT:
        terms = parse_terms(current.terms)
        partner = partner_certificates_of(agreement)
        problems = check_terms(terms, program_bom_lines(agreement.program), partner)
        notes = certification_notes(terms, partner)
    return AgreementDetail(versions=versions, current=current, problems=problems, notes=notes)
