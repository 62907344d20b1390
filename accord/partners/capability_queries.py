"""Read-side of capabilities: a site's capability profile, and the search of sites by
process, certificate, country, ITAR registration and volume band.

The search is one query over the sites the person may see (each criterion an EXISTS or a
join in SQL); the matched page's processes and certificates in force are then read in two
queries for all its sites at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accord.partners.choices import Process
from accord.partners.models import Certificate, SiteCapability
from accord.partners.status import in_force
from accord.supply.models import Site

PROCESS_LABELS = {p.value: str(p.label) for p in Process}
SEARCH_HEADERS = [
    "Organisation",
    "Site",
    "Name",
    "Country",
    "Volume band",
    "ITAR registered",
    "Processes",
    "Certificates in force",
]


@dataclass(frozen=True)
class SearchCriteria:
    processes: tuple[str, ...] = ()
    standard: str = ""
    min_ipc_class: int | None = None
    country: str = ""
    itar: bool | None = None
    volume_band: str = ""


@dataclass
class SiteMatch:
    site: Site
    volume_band: str
    itar_registered: bool
    processes: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)

    @property
    def process_names(self) -> str:
        return ", ".join(PROCESS_LABELS.get(p, p) for p in self.processes)

    def cells(self) -> list[Any]:
        return [
            self.site.organisation.name,
            self.site.code,
            self.site.name,
            self.site.country,
            self.volume_band,
            "yes" if self.itar_registered else "no",
            self.process_names,
            ", ".join(self.certificates),
        ]


def with_profile(sites: QuerySet[Site]) -> QuerySet[Site]:
    """The sites with `volume` and `itar` from their capability profile (blank, no if none)."""
    return sites.annotate(
        volume=Coalesce(F("capability_profile__volume_band"), Value("")),
        itar=Coalesce(F("capability_profile__itar_registered"), Value(False)),
    ).select_related("organisation")


def search_sites(sites: QuerySet[Site], criteria: SearchCriteria, day: dt.date) -> QuerySet[Site]:
    """The sites (reached through the access rules) that meet every criterion: each process
    on record, a certificate of the standard in force on the day (of at least the class),
    the country, the ITAR flag, the volume band. One query."""
    found = with_profile(sites.filter(retired_at__isnull=True))
    for process in criteria.processes:
        found = found.filter(
            Exists(
                SiteCapability.objects.filter(
                    site=OuterRef("pk"), process=process, retired_at__isnull=True
                )
            )
        )
    if criteria.standard:
        held = Certificate.objects.filter(in_force(day), site=OuterRef("pk"))
        held = held.filter(standard=criteria.standard)
        if criteria.min_ipc_class:
            held = held.filter(ipc_class__gte=criteria.min_ipc_class)
        found = found.filter(Exists(held))
    if criteria.country:
        found = found.filter(country__iexact=criteria.country)
    if criteria.itar is True:
        found = found.filter(capability_profile__itar_registered=True)
    elif criteria.itar is False:
        found = found.exclude(Q(capability_profile__itar_registered=True))
    if criteria.volume_band:
        found = found.filter(capability_profile__volume_band=criteria.volume_band)
    return found.order_by("organisation__name", "code", "pk")


def site_matches(sites: Sequence[Any], day: dt.date) -> list[SiteMatch]:
    """The sites (annotated by with_profile) with their processes and the labels of their
    certificates in force: two queries for all of them."""
    ids = [s.pk for s in sites]
    processes: dict[int, list[str]] = defaultdict(list)
    for site_id, process in (
        SiteCapability.objects.filter(site_id__in=ids, retired_at__isnull=True)
        .order_by("site_id", "process")
        .values_list("site_id", "process")
    ):
        processes[site_id].append(process)
    certificates: dict[int, list[str]] = defaultdict(list)
    for c in Certificate.objects.filter(in_force(day), site_id__in=ids).order_by(
        "standard", "number"
    ):
        if c.label not in certificates[c.site_id]:
            certificates[c.site_id].append(c.label)
    order = {p.value: n for n, p in enumerate(Process)}
    return [
        SiteMatch(
            site=s,
            volume_band=s.volume,
            itar_registered=bool(s.itar),
            processes=sorted(processes[s.pk], key=lambda p: order.get(p, 99)),
            certificates=certificates[s.pk],
        )
        for s in sites
    ]


def site_capabilities(capabilities: QuerySet[SiteCapability]) -> QuerySet[SiteCapability]:
    """Capabilities (reached through the access rules) in the fixed list's order."""
    return capabilities.select_related("site", "site__organisation").order_by(
        "site__code", "process", "pk"
    )
