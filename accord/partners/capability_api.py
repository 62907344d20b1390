"""API: capabilities of sites (processes with their limits, a volume band, the ITAR flag),
read by the organisations that see the site's certificate summaries and kept by the site's own
organisation; and the search of sites by capability, certificate in force, country, ITAR and
volume band."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, OrgRef, Text, WholeNumber, omittable
from accord.core.access import today
from accord.partners.api import CertificateSiteRef
from accord.partners.capabilities import (
    add_capability,
    change_capability,
    retire_capability,
    set_profile,
)
from accord.partners.capability_access import (
    capabilities_visible_to,
    get_capability_for_user,
    get_site_for_capabilities,
    sites_with_capabilities_visible,
)
from accord.partners.capability_queries import (
    SearchCriteria,
    search_sites,
    site_capabilities,
    site_matches,
    with_profile,
)
from accord.partners.choices import Process, Standard, VolumeBand

router = Router(tags=["capabilities"])

Pitch = Annotated[Text, Field(min_length=1, max_length=12, description='mm, e.g. "0.4".')]
Limits = Annotated[Text, Field(max_length=500)]
Country = Annotated[Text, Field(min_length=2, max_length=2, description="ISO 3166 alpha-2.")]


class CapabilityOut(Schema):
    id: int
    site: CertificateSiteRef
    organisation: OrgRef
    process: Process
    process_name: str
    max_board_mm: int | None = Field(description="The longest board side, mm.")
    min_pitch_mm: str | None = Field(description="The finest component pitch, mm.")
    max_layers: int | None
    limits: str
    retired_at: dt.datetime | None


class CapabilityIn(InputSchema):
    site_id: Id
    process: Process
    max_board_mm: WholeNumber | None = None
    min_pitch_mm: Pitch | None = None
    max_layers: WholeNumber | None = None
    limits: Limits = ""


class CapabilityPatch(InputSchema):
    """The limits to change (null clears a number); the others stay."""

    max_board_mm: WholeNumber | None = None
    min_pitch_mm: Pitch | None = None
    max_layers: WholeNumber | None = None
    limits: Limits = omittable()


class CapabilityFilters(InputSchema):
    organisation_id: Id | None = None
    site_id: Id | None = None
    process: Process | None = None
    include_retired: bool = False


class ProfileOut(Schema):
    site: CertificateSiteRef
    organisation: OrgRef
    country: str
    volume_band: VolumeBand | None
    itar_registered: bool
    processes: list[Process]
    certificates: list[str] = Field(description="The labels of its certificates in force today.")


class ProfileIn(InputSchema):
    """What is left out stays."""

    volume_band: VolumeBand = omittable()
    itar_registered: bool = omittable()


class SearchFilters(InputSchema):
    process: list[Process] = Field(default_factory=list, max_length=len(Process))
    standard: Standard | None = None
    ipc_class: Annotated[WholeNumber, Field(ge=1, le=3)] | None = None
    country: Country | None = None
    itar: bool | None = None
    volume: VolumeBand | None = None


def _out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "site": c.site,
        "organisation": c.site.organisation,
        "process": c.process,
        "process_name": c.get_process_display(),
        "max_board_mm": c.max_board_mm,
        "min_pitch_mm": None if c.min_pitch_mm is None else str(c.min_pitch_mm.normalize()),
        "max_layers": c.max_layers,
        "limits": c.limits,
        "retired_at": c.retired_at,
    }


def _profiles(sites: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "site": m.site,
            "organisation": m.site.organisation,
            "country": m.site.country,
            "volume_band": m.volume_band or None,
            "itar_registered": m.itar_registered,
            "processes": m.processes,
            "certificates": m.certificates,
        }
        for m in site_matches(sites, today())
    ]


@router.get("/capabilities", response=Page[CapabilityOut])
def list_capabilities(
    request: HttpRequest, filters: Query[CapabilityFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Capabilities of the sites whose certificate summaries you see (your organisation's, and
    its partners'); retired ones only on request."""
    rows = site_capabilities(capabilities_visible_to(person(request)))
    if not filters.include_retired:
        rows = rows.filter(retired_at__isnull=True)
    if filters.organisation_id is not None:
        rows = rows.filter(site__organisation_id=filters.organisation_id)
    if filters.site_id is not None:
        rows = rows.filter(site_id=filters.site_id)
    if filters.process is not None:
        rows = rows.filter(process=filters.process)
    return paginate(request, rows, paging, lambda page: [_out(c) for c in page])


@router.post("/capabilities", response={201: CapabilityOut})
@idempotent
def create_capability(request: HttpRequest, payload: CapabilityIn) -> Status[Any]:
    """Add a process a site of your organisation runs, with its limits (409 if on record)."""
    user = person(request)
    site = get_site_for_capabilities(user, payload.site_id, write=True)
    capability = add_capability(actor=user, site=site, **payload.model_dump(exclude={"site_id"}))
    return Status(201, CapabilityOut.model_validate(_out(capability)))


@router.get("/capabilities/search", response=Page[ProfileOut])
def search_capabilities(
    request: HttpRequest, filters: Query[SearchFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Sites you may see that meet every criterion: each process on record, a certificate of
    the standard in force today (of at least the IPC class given), the country, the ITAR
    registration, the volume band."""
    criteria = SearchCriteria(
        processes=tuple(filters.process),
        standard=filters.standard or "",
        min_ipc_class=filters.ipc_class,
        country=(filters.country or "").upper(),
        itar=filters.itar,
        volume_band=filters.volume or "",
    )
    sites = search_sites(sites_with_capabilities_visible(person(request)), criteria, today())
    return paginate(request, sites, paging, _profiles)


@router.get("/capabilities/{capability_id}", response=CapabilityOut)
def get_capability(request: HttpRequest, capability_id: Id) -> dict[str, Any]:
    return _out(get_capability_for_user(person(request), capability_id))


@router.patch("/capabilities/{capability_id}", response=CapabilityOut)
def patch_capability(
    request: HttpRequest, capability_id: Id, payload: CapabilityPatch
) -> dict[str, Any]:
    """Change some limits (the site's own organisation)."""
    user = person(request)
    capability = get_capability_for_user(user, capability_id, write=True)
    changes = payload.model_dump(include=payload.model_fields_set)
    return _out(change_capability(actor=user, capability=capability, **changes))


@router.post("/capabilities/{capability_id}/retire", response=CapabilityOut)
def retire_capability_endpoint(request: HttpRequest, capability_id: Id) -> dict[str, Any]:
    """The site no longer runs the process (the site's own organisation)."""
    user = person(request)
    capability = get_capability_for_user(user, capability_id, write=True)
    return _out(retire_capability(actor=user, capability=capability))


def _profile(user: Any, site_id: int) -> dict[str, Any]:
    site = with_profile(sites_with_capabilities_visible(user).filter(pk=site_id)).get()
    return _profiles([site])[0]


@router.get("/sites/{site_id}/capability-profile", response=ProfileOut)
def get_capability_profile(request: HttpRequest, site_id: Id) -> dict[str, Any]:
    """A site's capability profile: its country, volume band, ITAR registration, the processes
    it runs and its certificates in force."""
    user = person(request)
    site = get_site_for_capabilities(user, site_id)
    return _profile(user, site.pk)


@router.put("/sites/{site_id}/capability-profile", response=ProfileOut)
def put_capability_profile(request: HttpRequest, site_id: Id, payload: ProfileIn) -> dict[str, Any]:
    """Set the volume band and the ITAR flag of a site of your organisation."""
    user = person(request)
    site = get_site_for_capabilities(user, site_id, write=True)
    set_profile(actor=user, site=site, **payload.model_dump(include=payload.model_fields_set))
    return _profile(user, site.pk)
