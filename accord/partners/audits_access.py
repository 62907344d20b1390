"""Who may see and act on audits, their findings, 8Ds and evidence. The only way to reach them.

An audit is restricted data of two organisations: the auditing one (its owner, typically the
OEM that owns a program in which the audited organisation is a partner) and the audited one
(the site's organisation). Nobody else sees it: 404, evidence downloads included.

- The auditing organisation's people see its audits.
- The audited organisation's people see the audits of its sites when an NDA in force between
  the two organisations covers the audit's program (any NDA in force, for an audit tied to no
  program) and, for an audit tied to a program, only if they are members of it. Each of their
  reads (a list: one entry per owner with the number of rows; one audit or finding: one entry)
  is in the auditing organisation's access log.
- The evidence files are the audited organisation's: the auditing side downloads them only
  under an NDA in force covering the program, each download in the audited organisation's log.
- The auditing side plans audits, records findings, verifies or rejects what the audited side
  submits; the audited side fills the 8D, responds, attaches evidence and submits. Either side
  doing the other's part gets 403. Planning an audit takes a member of a program the
  person's own organisation owns in which the site's organisation is a partner.

`open_findings_visible_to(user, program=None)` gives the open findings a person sees, for the
weekly check-in's agenda and the program's gap view.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from accord.agreements.access import nda_cover_of, nda_covers
from accord.core.access import get_or_404, record_restricted_reads, record_restricted_rows_read
from accord.core.errors import Forbidden, InvalidInput, NotFound
from accord.orgs.access import reach_of
from accord.orgs.models import Organisation, Person, Program, ProgramPartner
from accord.partners.access import sites_with_certificates_visible
from accord.partners.audit_choices import FindingStatus
from accord.partners.audit_models import Audit, Finding, FindingEvidence
from accord.supply.models import Site

NOTHING = Q(pk__in=[])
AUDITING = "auditing"
AUDITED = "audited"


def _visibility(user: Any, prefix: str = "") -> Q:
    """The audits the person sees, as one condition on plain id lists (read once a request)."""
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None or not getattr(user, "is_active", False):
        return NOTHING
    p = prefix
    cover = nda_cover_of(org)
    any_nda = sorted(cover.all_programs | {other for other, _program in cover.programs})
    untied = Q(**{f"{p}program__isnull": True, f"{p}auditing_organisation_id__in": any_nda})
    covered = Q(**{f"{p}auditing_organisation_id__in": sorted(cover.all_programs)})
    for other, program in sorted(cover.programs):
        if program in reach.programs:
            covered |= Q(**{f"{p}auditing_organisation_id": other, f"{p}program_id": program})
    tied = Q(**{f"{p}program_id__in": reach.programs}) & covered
    return Q(**{f"{p}auditing_organisation_id": org}) | (
        Q(**{f"{p}audited_organisation_id": org}) & (untied | tied)
    )


def audits_visible_to(user: Any) -> QuerySet[Audit]:
    return Audit.objects.filter(_visibility(user))


def findings_visible_to(user: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(_visibility(user, "audit__"))


def open_findings_visible_to(user: Any, program: Program | int | None = None) -> QuerySet[Finding]:
    """The findings not closed yet (open, or submitted and waiting for the auditor) that the
    person sees; of one program's audits when `program` is given. The check-in agenda and the
    gap view list these; a read of them by the audited side is logged by the page showing it
    (record_findings_read)."""
    found = findings_visible_to(user).filter(status__in=FindingStatus.not_closed())
    if program is not None:
        found = found.filter(audit__program_id=getattr(program, "pk", program))
    return found.select_related("audit", "audit__site", "audit__program")


def side_of(user: Any, audit: Audit) -> str | None:
    """Which side of the audit the person is on: "auditing", "audited" or None."""
    org = reach_of(user).organisation_id
    if org is None:
        return None
    if org == audit.auditing_organisation_id:
        return AUDITING
    if org == audit.audited_organisation_id:
        return AUDITED
    return None


def _check_side(user: Any, audit: Audit, side: str | None) -> None:
    if side is None or side_of(user, audit) == side:
        return
    if side == AUDITING:
        raise Forbidden("Only the auditing organisation does this.")
    raise Forbidden("Only the audited organisation does this.")


def _program_id(audit: Audit) -> int | None:
    return audit.program_id


def record_audit_read(user: Any, audit: Audit, *, channel: str, path: str) -> None:
    """One audit (or one finding of it) read by the audited side: the auditor's log."""
    record_restricted_reads(
        user,
        [
            (
                audit.auditing_organisation_id,
                _program_id(audit),
                "partners.audit",
                audit.pk,
                f"{audit} of {audit.site.code}",
            )
        ],
        channel=channel,
        path=path,
    )


def record_finding_read(user: Any, finding: Finding, *, channel: str, path: str) -> None:
    audit = finding.audit
    record_restricted_reads(
        user,
        [
            (
                audit.auditing_organisation_id,
                _program_id(audit),
                "partners.finding",
                finding.pk,
                f"{finding} ({audit.site.code})",
            )
        ],
        channel=channel,
        path=path,
    )


def _rows_by_owner(rows: QuerySet[Any], owner: str, user: Any) -> list[tuple[int, int]]:
    org = reach_of(user).organisation_id
    found = rows.exclude(**{owner: org}).order_by().values_list(owner).annotate(n=Count("pk"))
    return [(int(o), int(n)) for o, n in found]


def record_audits_read(user: Any, ids: Iterable[int], *, channel: str, path: str) -> None:
    """A list or an export of audits: one entry per auditing organisation, its rows counted
    (one aggregate query over the rows the request returned)."""
    rows = Audit.objects.filter(pk__in=list(ids))
    record_restricted_rows_read(
        user,
        _rows_by_owner(rows, "auditing_organisation_id", user),
        model=Audit,
        description="Audits",
        channel=channel,
        path=path,
    )


def record_findings_read(user: Any, ids: Iterable[int], *, channel: str, path: str) -> None:
    rows = Finding.objects.filter(pk__in=list(ids))
    record_restricted_rows_read(
        user,
        _rows_by_owner(rows, "audit__auditing_organisation_id", user),
        model=Finding,
        description="Audit findings",
        channel=channel,
        path=path,
    )


def get_audit_for_user(
    user: Any, pk: Any, *, side: str | None = None, channel: str = "", path: str = ""
) -> Audit:
    """An audit the person sees, else 404; `side` ("auditing"/"audited"): 403 for the other
    side. With a `channel` the read is logged (the audited side's, in the auditor's log)."""
    audit = get_or_404(
        audits_visible_to(user).select_related(
            "site", "site__organisation", "auditing_organisation", "program", "lead_auditor"
        ),
        pk=pk,
    )
    _check_side(user, audit, side)
    if channel:
        record_audit_read(user, audit, channel=channel, path=path)
    return audit


def get_finding_for_user(
    user: Any, pk: Any, *, side: str | None = None, channel: str = "", path: str = ""
) -> Finding:
    """A finding the person sees, else 404; `side`: 403 for the other side; with a
    `channel` the read is logged."""
    finding = get_or_404(
        findings_visible_to(user).select_related(
            "audit",
            "audit__site",
            "audit__site__organisation",
            "audit__auditing_organisation",
            "audit__program",
            "audit__lead_auditor",
        ),
        pk=pk,
    )
    _check_side(user, finding.audit, side)
    if channel:
        record_finding_read(user, finding, channel=channel, path=path)
    return finding


def can_read_finding_evidence(user: Any, audit: Audit) -> bool:
    """The audited organisation's own people; the auditing side under an NDA in force between
    the two that covers the program (any NDA in force, for an audit tied to no program)."""
    org = reach_of(user).organisation_id
    if org is None:
        return False
    if org == audit.audited_organisation_id:
        return True
    if org != audit.auditing_organisation_id:
        return False
    other = audit.audited_organisation_id
    if audit.program_id is not None:
        return nda_covers(org, other, audit.program_id)
    cover = nda_cover_of(org)
    return other in cover.all_programs or any(o == other for o, _p in cover.programs)


def evidence_of(user: Any, finding: Finding) -> list[FindingEvidence]:
    """Names, sizes and dates of a finding's evidence (not the bytes): for who may download."""
    if not can_read_finding_evidence(user, finding.audit):
        return []
    return list(
        FindingEvidence.objects.filter(finding=finding)
        .defer("data")
        .select_related("uploaded_by")
        .order_by("id")
    )


def get_finding_evidence_for_user(
    user: Any, finding_pk: Any, evidence_pk: Any, *, channel: str, path: str
) -> FindingEvidence:
    """One evidence file of a finding the person may read (404 otherwise); a download by
    the auditing side is in the audited organisation's log."""
    finding = get_finding_for_user(user, finding_pk)
    if not can_read_finding_evidence(user, finding.audit):
        raise NotFound("No evidence of this finding is available to you.")
    evidence = get_or_404(FindingEvidence.objects.filter(finding=finding), pk=evidence_pk)
    record_restricted_reads(
        user,
        [
            (
                finding.audit.audited_organisation_id,
                finding.audit.program_id,
                "partners.findingevidence",
                evidence.pk,
                f"Evidence {evidence.filename} of {finding}",
            )
        ],
        channel=channel,
        path=path,
    )
    return evidence


# Planning an audit ---------------------------------------------------------------------------


def auditable_organisation_ids(user: Any) -> list[int]:
    """Organisations the person may audit: partners of the programs they are a member of that
    their own organisation owns."""
    reach = reach_of(user)
    if not reach.owned:
        return []
    return sorted(
        set(
            ProgramPartner.objects.filter(program_id__in=reach.owned).values_list(
                "organisation_id", flat=True
            )
        )
        - {reach.organisation_id}
    )


def auditable_sites(user: Any) -> QuerySet[Site]:
    return Site.objects.filter(
        organisation_id__in=auditable_organisation_ids(user), retired_at__isnull=True
    ).select_related("organisation")


def auditable_programs(user: Any, organisation_id: int | None = None) -> QuerySet[Program]:
    """Programs an audit may be tied to: owned by the person's organisation, the person a
    member, with the audited organisation as a partner (any partner when not given)."""
    reach = reach_of(user)
    programs = Program.objects.filter(pk__in=reach.owned)
    if organisation_id is not None:
        programs = programs.filter(partners__organisation_id=organisation_id)
    return programs.distinct().order_by("code")


def get_site_for_audit(user: Any, pk: Any) -> Site:
    """A site the person sees (a partner's), else 404; 403 unless they may audit it."""
    site = get_or_404(sites_with_certificates_visible(user).select_related("organisation"), pk=pk)
    if site.organisation_id not in auditable_organisation_ids(user):
        raise Forbidden(
            "An audit is planned by a member of a program of your organisation in which the "
            "site's organisation is a partner."
        )
    return site


def get_site_for_audit_by_code(user: Any, organisation: str, code: str) -> Site:
    """The command line's way: the organisation's Accord id (or its start) and the site code."""
    sites = sites_with_certificates_visible(user).select_related("organisation")
    text = organisation.strip()
    found = list(
        sites.filter(
            Q(organisation__slug__iexact=text) | Q(organisation__slug__istartswith=text),
            code__iexact=code.strip(),
        )[:2]
    )
    if len(found) != 1:
        raise NotFound(f"No single site {code!r} of {organisation!r} that you see.")
    return get_site_for_audit(user, found[0].pk)


def lead_auditor_candidates(user: Any) -> QuerySet[Person]:
    """The person's active colleagues: a lead auditor is a person of the auditing side."""
    org = reach_of(user).organisation_id
    if org is None:
        return Person.objects.none()
    return Person.objects.filter(organisation_id=org, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def organisations_audited_visible(user: Any) -> QuerySet[Organisation]:
    """The organisations of the audits the person sees (the list page's filter)."""
    ids = audits_visible_to(user).values("audited_organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def lead_auditor_for(user: Any, pk: Any) -> Person:
    """A colleague named as lead auditor, or InvalidInput naming the field."""
    found = lead_auditor_candidates(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise InvalidInput(
            "lead_auditor: an active person of your own organisation (the auditing side).",
            detail={"field": "lead_auditor"},
        )
    return found


def program_for_audit(user: Any, pk: Any, site: Site) -> Program:
    """A program the audit may be tied to, or InvalidInput naming the field."""
    found = (
        auditable_programs(user, site.organisation_id).filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise InvalidInput(
            f"program: not a program of your organisation, with you a member, in which "
            f"{site.organisation.name} is a partner.",
            detail={"field": "program"},
        )
    return found
