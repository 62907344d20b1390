"""A program's gap view: each partner site against each requirement, with a verdict.

Set-based: six small queries (the requirements, the last planned build, the partners, their
plants, the certificates and the capabilities of those plants), then plain Python over those
small sets; never a query per site.

The sites: the plants (not warehouses or hubs, which build nothing) of the program's partner
organisations whose kind the requirement names. A certificate requirement, for a site:
- missing: no certificate of the standard in force today (none, retired, expired, suspended
  or not yet valid);
- out of scope: one is in force, but none covers the required processes and product category
  or, for IPC-A-610, reaches the minimum class;
- expiring before the last build: one covers it but every such one ends before the program's
  last planned build (the latest due date of its scheduled builds);
- unverified: one covers it through the last build, but no buyer verified it;
- met: a verified one covers it through the last build.
A process requirement is met when the site runs every process named (a capability on record),
else missing; a country requirement when the site's country is among those allowed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from accord.orgs.models import Program, ProgramPartner
from accord.partners.choices import GapVerdict, Process, RequirementKind
from accord.partners.models import Certificate, ProgramRequirement, SiteCapability
from accord.supply.choices import BuildStatus, SiteKind
from accord.supply.models import Build, Site

PROCESS_LABELS = {p.value: str(p.label) for p in Process}
SEVERITY = {verdict.value: n for n, verdict in enumerate(GapVerdict)}
HEADERS = ["Organisation", "Site", "Country", "Requirement", "Verdict", "Detail", "Certificate"]


@dataclass(frozen=True)
class GapRow:
    organisation_id: int
    organisation: str
    site_id: int
    site_code: str
    site_name: str
    country: str
    requirement_id: int
    requirement: str
    verdict: GapVerdict
    detail: str
    certificate_id: int | None = None
    certificate: str = ""

    @property
    def severity(self) -> int:
        return SEVERITY[self.verdict.value]

    def cells(self) -> list[Any]:
        return [
            self.organisation,
            self.site_code,
            self.country,
            self.requirement,
            str(self.verdict.label),
            self.detail,
            self.certificate,
        ]


@dataclass
class GapReport:
    program: Program
    day: dt.date
    last_build: dt.date | None
    requirements: list[ProgramRequirement]
    rows: list[GapRow] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        """The count of each verdict (every verdict named, zeros included) and the total."""
        counts = Counter(row.verdict.value for row in self.rows)
        return {v.value: counts.get(v.value, 0) for v in GapVerdict} | {"total": len(self.rows)}


def _names(processes: list[str]) -> str:
    return ", ".join(PROCESS_LABELS.get(p, p) for p in processes)


def _in_force(c: Certificate, day: dt.date) -> bool:
    return not c.suspended and c.valid_from <= day <= c.valid_until


def _scope_gap(c: Certificate, r: ProgramRequirement) -> str:
    """Why the certificate does not cover the requirement ("" when it does)."""
    if r.min_ipc_class and (c.ipc_class or 0) < r.min_ipc_class:
        return f"Class {c.ipc_class} is below the required Class {r.min_ipc_class}"
    lacking = [p for p in r.processes if p not in c.processes]
    if lacking:
        return f"its scope lacks {_names(lacking)}"
    if r.product_category and r.product_category.lower() not in {
        x.lower() for x in c.product_categories
    }:
        return f"its scope lacks the product category {r.product_category}"
    return ""


def _certificate_verdict(
    r: ProgramRequirement, certificates: list[Certificate], day: dt.date, last: dt.date | None
) -> tuple[GapVerdict, str, Certificate | None]:
    of_standard = [c for c in certificates if c.standard == r.standard]
    if not of_standard:
        return GapVerdict.MISSING, f"No {r.standard} certificate on record", None
    held = [c for c in of_standard if _in_force(c, day)]
    if not held:
        latest = max(of_standard, key=lambda c: c.valid_until)
        why = (
            "suspended"
            if latest.suspended
            else f"expired {latest.valid_until}"
            if latest.valid_until < day
            else f"valid only from {latest.valid_from}"
        )
        return GapVerdict.MISSING, f"No {r.standard} certificate in force ({why})", latest
    fitting = [c for c in held if not _scope_gap(c, r)]
    if not fitting:
        best = max(held, key=lambda c: (c.ipc_class or 0, len(c.processes), c.valid_until))
        return GapVerdict.OUT_OF_SCOPE, f"{best.label} {best.number}: {_scope_gap(best, r)}", best
    lasting = [c for c in fitting if last is None or c.valid_until >= last]
    if not lasting:
        best = max(fitting, key=lambda c: c.valid_until)
        return (
            GapVerdict.EXPIRING,
            f"{best.label} {best.number} valid until {best.valid_until}, last build {last}",
            best,
        )
    verified = [c for c in lasting if c.verified_at is not None]
    if verified:
        best = max(verified, key=lambda c: c.valid_until)
        return GapVerdict.MET, f"{best.label} {best.number}, valid until {best.valid_until}", best
    best = max(lasting, key=lambda c: c.valid_until)
    return GapVerdict.UNVERIFIED, f"{best.label} {best.number}: no buyer verified it", best


def _verdict(
    r: ProgramRequirement,
    site: Site,
    certificates: list[Certificate],
    processes: set[str],
    day: dt.date,
    last: dt.date | None,
) -> tuple[GapVerdict, str, Certificate | None]:
    if r.kind == RequirementKind.CERTIFICATE:
        return _certificate_verdict(r, certificates, day, last)
    if r.kind == RequirementKind.PROCESS:
        lacking = [p for p in r.processes if p not in processes]
        if lacking:
            return GapVerdict.MISSING, f"No {_names(lacking)} capability on record", None
        return GapVerdict.MET, f"Runs {_names(r.processes)}", None
    if site.country in r.countries:
        return GapVerdict.MET, f"In {site.country}", None
    where = f"In {site.country}" if site.country else "No country on record"
    return GapVerdict.MISSING, f"{where}; allowed: {', '.join(r.countries)}", None


def last_build_date(program: Program) -> dt.date | None:
    """The due date of the program's last scheduled build (None without one)."""
    found = Build.objects.filter(program=program, status=BuildStatus.SCHEDULED).aggregate(
        last=Max("due_date")
    )
    return found["last"]


def gap_report(
    program: Program, *, organisations: frozenset[int] | None, day: dt.date
) -> GapReport:
    """The program's gaps, the rows of the organisations given (None: every partner's).
    The caller decided who sees which organisations (requirement_access.gap_organisations)."""
    requirements = list(
        ProgramRequirement.objects.filter(program=program, retired_at__isnull=True).order_by(
            "kind", "standard", "pk"
        )
    )
    report = GapReport(program, day, last_build_date(program), requirements)
    if not requirements or organisations == frozenset():
        return report
    partners = ProgramPartner.objects.filter(program=program).exclude(
        organisation_id=program.owner_id
    )
    if organisations is not None:
        partners = partners.filter(organisation_id__in=sorted(organisations))
    kinds = dict(partners.values_list("organisation_id", "organisation__kind"))
    wanted = {k for r in requirements for k in r.partner_kinds}
    orgs = [o for o, kind in kinds.items() if kind in wanted]
    if not orgs:
        return report
    sites = list(
        Site.objects.filter(organisation_id__in=orgs, kind=SiteKind.PLANT, retired_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name", "code")
    )
    site_ids = [s.pk for s in sites]
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for c in Certificate.objects.filter(site_id__in=site_ids, retired_at__isnull=True):
        certificates[c.site_id].append(c)
    processes: dict[int, set[str]] = defaultdict(set)
    for site_id, process in SiteCapability.objects.filter(
        site_id__in=site_ids, retired_at__isnull=True
    ).values_list("site_id", "process"):
        processes[site_id].add(process)
    for site in sites:
        for r in requirements:
            if kinds[site.organisation_id] not in r.partner_kinds:
                continue
            verdict, detail, certificate = _verdict(
                r, site, certificates[site.pk], processes[site.pk], day, report.last_build
            )
            report.rows.append(
                GapRow(
                    organisation_id=site.organisation_id,
                    organisation=site.organisation.name,
                    site_id=site.pk,
                    site_code=site.code,
                    site_name=site.name,
                    country=site.country,
                    requirement_id=r.pk,
                    requirement=r.label,
                    verdict=verdict,
                    detail=detail,
                    certificate_id=certificate.pk if certificate else None,
                    certificate=f"{certificate.label} {certificate.number}" if certificate else "",
                )
            )
    return report


# Sort keys of the gap table (page and CLI): name -> key of a row.
SORTS: dict[str, Any] = {
    "organisation": lambda r: (r.organisation.lower(), r.site_code.lower()),
    "site": lambda r: (r.site_code.lower(), r.organisation.lower()),
    "country": lambda r: r.country,
    "requirement": lambda r: r.requirement.lower(),
    "verdict": lambda r: -r.severity,
}


def sorted_rows(rows: list[GapRow], sort: str) -> list[GapRow]:
    """The rows by a key of SORTS ("-verdict" reverses it); the order is stable."""
    name = sort.removeprefix("-")
    key = SORTS.get(name, SORTS["organisation"])
    ordered = sorted(rows, key=lambda r: (r.organisation.lower(), r.site_code, r.requirement))
    return sorted(ordered, key=key, reverse=sort.startswith("-"))
