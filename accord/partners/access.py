"""Who may see which certificate, and its evidence. The only way to reach them.

- The site's own organisation sees its certificates, records, changes and retires them (any of
  its people: quality engineers keep them, not only administrators).
- Partner organisations see the summaries (standard, number, issuer, scope, dates, status):
  organisations connected with the person's own, the owners of the programs the person is a
  member of and, except for sellers (who see only the owner and themselves on a program, as
  everywhere), the other partners of those programs.
- The evidence file is restricted data: the owner, and people of an organisation that shares
  a program with the owner (the person a member of it) under an NDA in force between the two
  that covers the program. Every download by another organisation is access-logged.
- A buyer verifies a partner's certificate: a member of a program their own organisation owns
  in which the certificate's organisation is a partner.

Anyone else gets 404, the evidence included; people who see a certificate but may not act 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accord.agreements.access import nda_covers
from accord.core.access import get_or_404, record_restricted_reads
from accord.core.errors import Forbidden, NotFound
from accord.core.memo import memoised
from accord.orgs.access import connected_organisation_ids, reach_of
from accord.orgs.models import Organisation, ProgramPartner
from accord.partners.models import Certificate, CertificateEvidence
from accord.supply.models import Site


def certificate_organisation_ids(user: Any) -> frozenset[int]:
    """The organisations whose certificates the person sees (their own among them)."""
    reach = reach_of(user)
    if reach.organisation_id is None:
        return frozenset()
    return memoised(("partners-orgs", reach.person_id), lambda: _organisations(user))


def _organisations(user: Any) -> frozenset[int]:
    reach = reach_of(user)
    ids = {reach.organisation_id, *reach.program_owners}
    connected = connected_organisation_ids(user)
    ids.update(row["other_organisation_id"] for row in connected)
    if not reach.seller and reach.programs:
        ids.update(
            ProgramPartner.objects.filter(program_id__in=reach.programs).values_list(
                "organisation_id", flat=True
            )
        )
    return frozenset(i for i in ids if i is not None)


def organisations_with_certificates_visible(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=sorted(certificate_organisation_ids(user)))


def get_organisation_for_certificates(user: Any, key: Any) -> Organisation:
    """An organisation whose certificates the person sees: by id, Accord id (slug), name, or
    the start of its Accord id when only one matches ("meridian"); else 404."""
    organisations = organisations_with_certificates_visible(user)
    text = str(key).strip()
    if text.isdigit():
        return get_or_404(organisations, pk=int(text))
    exact = organisations.filter(Q(slug__iexact=text) | Q(name__iexact=text))
    found = list(exact[:2]) or list(organisations.filter(slug__istartswith=text)[:2])
    if len(found) != 1:
        raise NotFound(f"No single organisation whose certificates you see matches {text!r}.")
    return found[0]


def sites_with_certificates_visible(user: Any) -> QuerySet[Site]:
    return Site.objects.filter(organisation_id__in=sorted(certificate_organisation_ids(user)))


def get_site_for_certificates(user: Any, pk: Any, *, write: bool = False) -> Site:
    """A site whose certificates the person sees, else 404; with `write` (recording one), 403
    unless it is their own organisation's."""
    site = get_or_404(sites_with_certificates_visible(user).select_related("organisation"), pk=pk)
    if write and not can_record(user, site.organisation_id):
        raise Forbidden("Only the site's own organisation records its certificates.")
    return site


def get_own_site_by_code(user: Any, code: str) -> Site:
    """A site of the person's own organisation by its code (the command line's way), else 404."""
    org = reach_of(user).organisation_id
    if org is None:
        raise NotFound()
    return get_or_404(
        sites_with_certificates_visible(user).filter(organisation_id=org),
        code__iexact=code.strip(),
    )


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        site__organisation_id__in=sorted(certificate_organisation_ids(user))
    )


def can_record(user: Any, organisation_id: int) -> bool:
    return reach_of(user).organisation_id == organisation_id and bool(
        getattr(user, "is_active", False)
    )


def can_verify(user: Any, certificate: Certificate) -> bool:
    """A member of a program their own organisation owns, where the certificate's
    organisation is a partner."""
    reach = reach_of(user)
    if not reach.owned or certificate.site.organisation_id == reach.organisation_id:
        return False
    return ProgramPartner.objects.filter(
        program_id__in=reach.owned, organisation_id=certificate.site.organisation_id
    ).exists()


def can_read_evidence(user: Any, certificate: Certificate) -> bool:
    reach = reach_of(user)
    owner = certificate.site.organisation_id
    if reach.organisation_id is None:
        return False
    if owner == reach.organisation_id:
        return True
    shared = ProgramPartner.objects.filter(
        Q(organisation_id=owner) | Q(program__owner_id=owner), program_id__in=reach.programs
    ).values_list("program_id", flat=True)
    return any(nda_covers(reach.organisation_id, owner, program) for program in set(shared))


def get_certificate_for_user(
    user: Any, pk: Any, *, write: bool = False, verify: bool = False
) -> Certificate:
    """A certificate the person sees, else 404. `write` (change, retire, attach evidence):
    403 unless the site's organisation is theirs; `verify`: 403 unless they buy from it."""
    certificate = get_or_404(
        certificates_visible_to(user).select_related("site", "site__organisation", "verified_by"),
        pk=pk,
    )
    if write and not can_record(user, certificate.site.organisation_id):
        raise Forbidden("Only the site's own organisation changes its certificates.")
    if verify and not can_verify(user, certificate):
        raise Forbidden(
            "A buyer verifies a partner's certificate: a member of a program of your "
            "organisation in which the certificate's organisation is a partner."
        )
    return certificate


def evidence_on_file(user: Any, certificate: Certificate) -> CertificateEvidence | None:
    """The evidence's name, size and date (not its bytes) for someone who may download it;
    None for anyone else, or when none is on file. Not a read of the file: not logged."""
    if not can_read_evidence(user, certificate):
        return None
    return (
        CertificateEvidence.objects.filter(certificate=certificate)
        .only("filename", "size", "uploaded_at", "certificate_id")
        .first()
    )


def get_evidence_for_user(
    user: Any, pk: Any, *, channel: str, path: str
) -> tuple[Certificate, CertificateEvidence]:
    """The evidence of a certificate the person may read (404 otherwise, as if there were
    none); a download by another organisation is in the owner's access log."""
    certificate = get_certificate_for_user(user, pk)
    if not can_read_evidence(user, certificate):
        raise NotFound("No evidence of this certificate is available to you.")
    evidence = CertificateEvidence.objects.filter(certificate=certificate).first()
    if evidence is None:
        raise NotFound("No evidence is on file for this certificate.")
    name = f"Evidence of certificate {certificate} ({certificate.site.code})"
    record_restricted_reads(
        user,
        [(certificate.site.organisation_id, None, "partners.certificate", certificate.pk, name)],
        channel=channel,
        path=path,
    )
    return certificate, evidence


def partner_certificates(organisation_id: int) -> QuerySet[Certificate]:
    """The certificates of one organisation, for the check before signing an agreement (run
    by its services for the parties, who see them: the partner of a program's owner)."""
    return Certificate.objects.filter(site__organisation_id=organisation_id)
