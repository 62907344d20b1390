"""API: the build schedule of the caller's programs. Every change makes a new version of the
build (who, when, what), the earlier ones kept; a schedule is the program owner's forecast, so
another organisation's reading it is access-logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, Quantity, Text, omittable
from accord.core.access import get_or_404
from accord.core.errors import Forbidden
from accord.orgs.access import get_program_for_user, reach_of
from accord.supply import services
from accord.supply.access import (
    builds_visible_to,
    can_schedule_builds,
    get_build_for_user,
    log_build_read,
    log_builds_read,
    parts_for_builds,
    versions_of_build,
)
from accord.supply.api.common import (
    DateIn,
    PartRef,
    ProgramRow,
    QuantityIn,
    Row,
    SiteRef,
    username,
    visible_site,
)
from accord.supply.choices import BuildStatus, Firmness
from accord.supply.models import Build

router = Router(tags=["supply"])
BUILD_RELATED = ("program", "assembly", "site")


class BuildOut(Row):
    id: int
    program: ProgramRow
    assembly: PartRef
    site: SiteRef | None
    reference: str
    quantity: Quantity
    due_date: dt.date
    firmness: str
    version: int
    status: str
    created_at: dt.datetime


class VersionOut(Row):
    version: int
    quantity: Quantity
    due_date: dt.date
    firmness: str
    status: str
    changed_by: str | None = Field(description="The username of who made this version.")
    changed_at: dt.datetime
    note: str


class BuildQuery(PageParams):
    program: Id | None = None
    firmness: Firmness | None = None
    status: BuildStatus | None = None


class BuildIn(InputSchema):
    program_id: Id
    assembly_id: Id = Field(description="An assembly with a BOM in the program.")
    quantity: QuantityIn
    due_date: DateIn
    firmness: Firmness = Firmness.FORECAST
    site_id: Id | None = None
    reference: Text = Field("", max_length=80)
    note: Text = Field("", max_length=300)


class BuildPatch(InputSchema):
    """What changes; at least one of quantity, due_date, firmness. A new version records it."""

    quantity: QuantityIn = omittable(description="Zero or more, a decimal string.")
    due_date: DateIn = omittable()
    firmness: Firmness = omittable()
    note: Text = Field("", max_length=300, description="Why: kept with the version.")


class RetireIn(InputSchema):
    note: Text = Field("", max_length=300)


def _build_out(build: Build) -> BuildOut:
    return BuildOut.model_validate(build)


def _version_rows(versions: Sequence[Any]) -> list[VersionOut]:
    return [
        VersionOut.model_validate(
            {
                "version": v.version,
                "quantity": v.quantity,
                "due_date": v.due_date,
                "firmness": v.firmness,
                "status": v.status,
                "changed_by": username(v.changed_by),
                "changed_at": v.changed_at,
                "note": v.note,
            }
        )
        for v in versions
    ]


def _describe(params: BuildQuery) -> str:
    said = [f"program {params.program}"] if params.program else []
    said += [value for value in (params.firmness, params.status) if value]
    if params.page > 1:
        said.append(f"page {params.page}")
    return ", ".join(said)


@router.get("/builds", response=Page[BuildOut])
def list_builds(request: HttpRequest, params: Query[BuildQuery]) -> dict[str, Any]:
    """The builds of the caller's programs whose schedule they may see, by due date.

    Another organisation's reading a program owner's schedule is recorded in the owner's access
    log: one entry per owner and request, with the number of its builds on the page."""
    user = person(request)
    builds = builds_visible_to(user).select_related(*BUILD_RELATED)
    if params.program:
        builds = builds.filter(program_id=params.program)
    if params.firmness:
        builds = builds.filter(firmness=params.firmness)
    if params.status:
        builds = builds.filter(status=params.status)
    page = paginate(request, builds.order_by("due_date", "pk"), params)
    log_builds_read(
        user,
        [build.pk for build in page["results"]],
        description=_describe(params),
        channel="api",
        path=request.path,
    )
    return page


@router.post("/builds", response={201: BuildOut})
@idempotent
def schedule_build(request: HttpRequest, payload: BuildIn) -> Status[BuildOut]:
    """Schedule a build of an assembly that has a BOM in one of the caller's programs."""
    user = person(request)
    if reach_of(user).organisation_id is None or reach_of(user).seller:
        raise Forbidden("Suppliers and distributors do not schedule builds.")
    program = get_program_for_user(user, payload.program_id)
    if not can_schedule_builds(user, program.pk):
        raise Forbidden("Only the program's members may schedule its builds.")
    build = services.schedule_build(
        actor=user,
        program=program,
        assembly=get_or_404(parts_for_builds(user), pk=payload.assembly_id),
        quantity_due=payload.quantity,
        due_date=payload.due_date,
        firmness=payload.firmness,
        site=None if payload.site_id is None else visible_site(user, payload.site_id),
        reference=payload.reference,
        note=payload.note,
    )
    return Status(201, _build_out(get_build_for_user(user, build.pk)))


def _read(request: HttpRequest, build_id: int) -> Build:
    user = person(request)
    build = get_build_for_user(user, build_id)
    log_build_read(user, build, channel="api", path=request.path)
    return build


@router.get("/builds/{build_id}", response=BuildOut)
def get_build(request: HttpRequest, build_id: Id) -> BuildOut:
    return _build_out(_read(request, build_id))


@router.patch("/builds/{build_id}", response=BuildOut)
def change_build(request: HttpRequest, build_id: Id, payload: BuildPatch) -> BuildOut:
    """Another quantity, due date or firmness: a new version of the build."""
    user = person(request)
    build = services.change_build(
        actor=user,
        build=get_build_for_user(user, build_id, write=True),
        quantity_due=payload.quantity,
        due_date=payload.due_date,
        firmness=payload.firmness,
        note=payload.note,
    )
    return _build_out(get_build_for_user(user, build.pk))


@router.post("/builds/{build_id}/retire", response=BuildOut)
def retire_build(request: HttpRequest, build_id: Id, payload: RetireIn) -> BuildOut:
    """The build will not be made: a last version, retired; it leaves the plan."""
    user = person(request)
    build = services.retire_build(
        actor=user, build=get_build_for_user(user, build_id, write=True), note=payload.note
    )
    return _build_out(get_build_for_user(user, build.pk))


@router.get("/builds/{build_id}/versions", response=Page[VersionOut])
def list_build_versions(
    request: HttpRequest, build_id: Id, paging: Query[PageParams]
) -> dict[str, Any]:
    """Every version of the build, newest first: what changed, who changed it and when."""
    user = person(request)
    versions = versions_of_build(user, _read(request, build_id)).select_related("changed_by")
    return paginate(
        request,
        versions.order_by("-version"),
        paging,
        rows=_version_rows,
    )
