"""API: a program's requirements of its partner sites (read by its members, kept by the
owner's members) and its gap view (the owner's members see every partner site; a partner's
members their own organisation's sites only; anyone else 404)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.schemas import Id, InputSchema, ProgramRef, Text, WholeNumber, omittable
from accord.core.access import today
from accord.orgs.choices import OrganisationKind
from accord.partners.choices import GapVerdict, Process, RequirementKind, Standard
from accord.partners.gaps import gap_report
from accord.partners.requirement_access import (
    gap_organisations,
    get_program_for_requirements,
    get_requirement_for_user,
    requirements_visible_to,
)
from accord.partners.requirements import add_requirement, change_requirement, retire_requirement

router = Router(tags=["program requirements"])

Category = Annotated[Text, Field(max_length=100)]
Note = Annotated[Text, Field(max_length=300)]
Country = Annotated[Text, Field(min_length=2, max_length=2)]


class RequirementOut(Schema):
    id: int
    program: ProgramRef
    kind: RequirementKind
    label: str = Field(description='How people name it: "IPC-A-610 Class 3 (SMT)".')
    standard: Standard | None
    min_ipc_class: int | None
    processes: list[Process]
    product_category: str
    countries: list[str]
    partner_kinds: list[OrganisationKind]
    note: str
    retired_at: dt.datetime | None


class RequirementIn(InputSchema):
    kind: RequirementKind
    standard: Standard | None = Field(None, description="A certificate requirement's standard.")
    min_ipc_class: Annotated[WholeNumber, Field(ge=1, le=3)] | None = Field(
        None, description="Required for IPC-A-610 (1, 2 or 3)."
    )
    processes: list[Process] = Field(
        default_factory=list,
        max_length=len(Process),
        description="A certificate's required scope, or the capabilities required.",
    )
    product_category: Category = ""
    countries: list[Country] = Field(default_factory=list, max_length=50)
    partner_kinds: list[OrganisationKind] = Field(
        default_factory=lambda: [OrganisationKind.EMS], min_length=1, max_length=4
    )
    note: Note = ""


class RequirementPatch(InputSchema):
    """Any field but the kind (retire it and add another for that); the fields left out keep
    their values, and the result is checked as a new requirement would be. A new standard
    without min_ipc_class drops the old class."""

    standard: Standard | None = omittable(description="A certificate requirement's standard.")
    min_ipc_class: Annotated[WholeNumber, Field(ge=1, le=3)] | None = omittable(
        description="Required for IPC-A-610 (1, 2 or 3); null for any other standard."
    )
    processes: list[Process] = omittable(max_length=len(Process))
    product_category: Category = omittable()
    countries: list[Country] = omittable(max_length=50)
    # No min_length: an empty list is the service's to refuse, with the page's message.
    partner_kinds: list[OrganisationKind] = omittable(max_length=4)
    note: Note = omittable()


class GapRowOut(Schema):
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
    certificate_id: int | None


class GapsOut(Schema):
    program: ProgramRef
    day: dt.date
    last_build: dt.date | None = Field(description="The due date of its last scheduled build.")
    summary: dict[str, int] = Field(description="The count of each verdict, and the total.")
    rows: list[GapRowOut]


def _out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "program": r.program,
        "kind": r.kind,
        "label": r.label,
        "standard": r.standard or None,
        "min_ipc_class": r.min_ipc_class,
        "processes": r.processes,
        "product_category": r.product_category,
        "countries": r.countries,
        "partner_kinds": r.partner_kinds,
        "note": r.note,
        "retired_at": r.retired_at,
    }


@router.get("/programs/{program_id}/requirements", response=list[RequirementOut])
def list_requirements(
    request: HttpRequest, program_id: Id, include_retired: bool = False
) -> list[dict[str, Any]]:
    """What the program requires of its partner sites (its members)."""
    user = person(request)
    program = get_program_for_requirements(user, program_id)
    rows = requirements_visible_to(user).filter(program=program).select_related("program")
    if not include_retired:
        rows = rows.filter(retired_at__isnull=True)
    return [_out(r) for r in rows.order_by("kind", "standard", "pk")]


@router.post("/programs/{program_id}/requirements", response={201: RequirementOut})
@idempotent
def create_requirement(request: HttpRequest, program_id: Id, payload: RequirementIn) -> Status[Any]:
    """Add a requirement (the owner's members of the program)."""
    user = person(request)
    program = get_program_for_requirements(user, program_id, write=True)
    requirement = add_requirement(actor=user, program=program, **payload.model_dump())
    return Status(201, RequirementOut.model_validate(_out(requirement)))


@router.get("/requirements/{requirement_id}", response=RequirementOut)
def get_requirement(request: HttpRequest, requirement_id: Id) -> dict[str, Any]:
    return _out(get_requirement_for_user(person(request), requirement_id))


@router.patch("/requirements/{requirement_id}", response=RequirementOut)
def patch_requirement(
    request: HttpRequest, requirement_id: Id, payload: RequirementPatch
) -> dict[str, Any]:
    user = person(request)
    requirement = get_requirement_for_user(user, requirement_id, write=True)
    changes = payload.model_dump(include=payload.model_fields_set)
    return _out(change_requirement(actor=user, requirement=requirement, **changes))


@router.post("/requirements/{requirement_id}/retire", response=RequirementOut)
def retire_requirement_endpoint(request: HttpRequest, requirement_id: Id) -> dict[str, Any]:
    user = person(request)
    requirement = get_requirement_for_user(user, requirement_id, write=True)
    return _out(retire_requirement(actor=user, requirement=requirement))


@router.get("/programs/{program_id}/gaps", response=GapsOut)
def program_gaps(request: HttpRequest, program_id: Id) -> dict[str, Any]:
    """Each partner site against each requirement: met, unverified, expiring before the last
    build, out of scope or missing. The owner's members see every partner's sites; a
    partner's members their own organisation's only."""
    user = person(request)
    program = get_program_for_requirements(user, program_id)
    report = gap_report(program, organisations=gap_organisations(user, program), day=today())
    return {
        "program": program,
        "day": report.day,
        "last_build": report.last_build,
        "summary": report.summary,
        "rows": [row.__dict__ for row in report.rows],
    }
