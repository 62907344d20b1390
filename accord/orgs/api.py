"""API: the caller, organisations, programs and their members, NDAs."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, model_validator

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, OrgRef, PersonRef, ProgramRef, Text
from accord.core.access import get_or_404, today
from accord.core.errors import Conflict, InvalidInput
from accord.orgs import access
from accord.orgs import services as org_services
from accord.orgs.choices import MemberRole
from accord.orgs.models import Nda, Person, Program, ProgramMember

router = Router()


# Schemas ---------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    country: str
    website: str


class MyProgramOut(ProgramRef):
    role: str | None

    @staticmethod
    def resolve_role(obj: Any) -> str | None:
        return getattr(obj, "my_role", None)


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    title: str
    is_org_admin: bool
    organisation: OrganisationOut | None
    programs: list[MyProgramOut]


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    description: str = Field(
        description="Empty for a supplier or distributor unless the owner shares it."
    )
    status: str
    owner: OrgRef
    my_role: str | None = None

    @staticmethod
    def resolve_description(obj: Any) -> str:
        # Annotated by access.programs_visible_to(with_role=True): what the caller may read.
        # (A dict is an already serialised program, e.g. ProgramDetail built from ProgramOut.)
        return str(obj["description"] if isinstance(obj, dict) else obj.visible_description)


class PartnerOut(Schema):
    organisation: OrgRef
    responsibility: str


class MemberPersonOut(PersonRef):
    organisation: OrgRef | None


class MemberOut(Schema):
    person: MemberPersonOut
    role: str
    added_at: dt.datetime


class NdaOut(Schema):
    id: int
    reference: str
    title: str
    party_a: OrgRef
    party_b: OrgRef
    effective_date: dt.date
    expiry_date: dt.date | None
    status: str
    in_force: bool
    covers_all_programs: bool
    programs: list[ProgramRef]
    has_document: bool

    @staticmethod
    def resolve_in_force(obj: Nda) -> bool:
        return obj.in_force_on(today())

    @staticmethod
    def resolve_programs(obj: Nda) -> list[Program]:
        # Only the programs the caller is a member of: the others are not their business.
        return list(getattr(obj, "visible_programs", []))

    @staticmethod
    def resolve_has_document(obj: Nda) -> bool:
        return bool(obj.document)


class ProgramDetail(ProgramOut):
    partners: list[PartnerOut]
    members: list[MemberOut]
    ndas_in_force: list[NdaOut]


class MemberIn(Schema):
    person_id: Id | None = None
    username: Annotated[Text, Field(min_length=1, max_length=150)] | None = None
    role: MemberRole = MemberRole.MEMBER

    @model_validator(mode="after")
    def one_person(self) -> "MemberIn":
        if (self.person_id is None) == (self.username is None):
            raise ValueError("Give either person_id or username.")
        return self


class NdaQuery(Schema):
    in_force: bool | None = None
    party: Id | None = None


# Reads shared by several endpoints -------------------------------------------------------------


def programs_with_role(user: Any) -> QuerySet[Program]:
    """Visible programs, each with the caller's own role in it."""
    return access.programs_visible_to(user, with_role=True).select_related("owner")


def ndas_for_output(user: Any, qs: QuerySet[Nda]) -> QuerySet[Nda]:
    """NDAs with their parties, and the programs they cover that the caller may see."""
    return qs.select_related("party_a", "party_b").prefetch_related(
        Prefetch("programs", queryset=access.programs_visible_to(user), to_attr="visible_programs")
    )


def members_for_output(user: Any, program: Program) -> QuerySet[ProgramMember]:
    return access.members_visible_to(user, program).select_related("person__organisation")


def person_to_add(user: Person, program: Program, payload: MemberIn) -> Person:
    """The person named in the body, among those the manager may add to the program."""
    if payload.person_id is not None:
        by_person, by_member = Q(pk=payload.person_id), Q(person_id=payload.person_id)
    else:
        by_person, by_member = Q(username=payload.username), Q(person__username=payload.username)
    candidate = access.candidate_members_for(user, program).filter(by_person).first()
    if candidate is not None:
        return candidate
    if access.members_visible_to(user, program).filter(by_member).exists():
        raise Conflict("This person is already a member of the program.")
    raise InvalidInput(
        "No one by that id or username can be added: they must be an active person of the "
        "program's owner or of a partner organisation.",
        detail={"field": "person_id" if payload.person_id is not None else "username"},
    )


# The caller --------------------------------------------------------------------------------------


@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller, their organisation and the programs they are a member of."""
    user = person(request)
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "email": user.email,
        "role": user.role,
        "title": user.title,
        "is_org_admin": user.is_org_admin,
        "organisation": user.organisation,
        "programs": list(programs_with_role(user).order_by("name", "pk")),
    }


# Organisations -----------------------------------------------------------------------------------


@router.get("/organisations", response=Page[OrganisationOut], tags=["organisations"])
def list_organisations(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The caller's organisation and the owners and partners of their programs."""
    return paginate(request, access.organisations_visible_to(person(request)), paging)


@router.get("/organisations/{org_id}", response=OrganisationOut, tags=["organisations"])
def get_organisation(request: HttpRequest, org_id: Id) -> Any:
    return access.get_organisation_for_user(person(request), org_id)


# Programs ----------------------------------------------------------------------------------------


@router.get("/programs", response=Page[ProgramOut], tags=["programs"])
def list_programs(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """Programs the caller is a member of."""
    return paginate(request, programs_with_role(person(request)), paging)


@router.get("/programs/{program_id}", response=ProgramDetail, tags=["programs"])
def get_program(request: HttpRequest, program_id: Id) -> dict[str, Any]:
    """A program with its partners, members, and the NDAs in force that cover it (those the
    caller's organisation is party to). A supplier or distributor sees the owner's people and
    its own, and only its own organisation among the partners."""
    user = person(request)
    program = get_or_404(programs_with_role(user), pk=program_id)
    return {
        **ProgramOut.model_validate(program).model_dump(),
        "partners": list(access.partners_visible_to(user, program)),
        "members": list(members_for_output(user, program)),
        "ndas_in_force": list(
            ndas_for_output(user, access.ndas_in_force_for_program(user, program))
        ),
    }


@router.get("/programs/{program_id}/members", response=Page[MemberOut], tags=["programs"])
def list_members(request: HttpRequest, program_id: Id, paging: Query[PageParams]) -> Any:
    user = person(request)
    program = access.get_program_for_user(user, program_id)
    return paginate(request, members_for_output(user, program), paging)


@router.post("/programs/{program_id}/members", response={201: MemberOut}, tags=["programs"])
@idempotent
def add_member(request: HttpRequest, program_id: Id, payload: MemberIn) -> Status[MemberOut]:
    """Grant need-to-know to one person of the owner or a partner (program managers only)."""
    user = person(request)
    program = access.get_program_for_user(user, program_id, write=True)
    candidate = person_to_add(user, program, payload)
    member = org_services.add_program_member(
        actor=user, program=program, person=candidate, role=payload.role
    )
    member = members_for_output(user, program).get(pk=member.pk)
    return Status(201, MemberOut.model_validate(member))


@router.delete(
    "/programs/{program_id}/members/{person_id}", response={204: None}, tags=["programs"]
)
def remove_member(request: HttpRequest, program_id: Id, person_id: Id) -> Status[None]:
    """Withdraw a person's access to the program (program managers only)."""
    user = person(request)
    program = access.get_program_for_user(user, program_id, write=True)
    member = get_or_404(members_for_output(user, program), person_id=person_id)
    org_services.remove_program_member(actor=user, program=program, person=member.person)
    return Status(204, None)


# NDAs --------------------------------------------------------------------------------------------


@router.get("/ndas", response=Page[NdaOut], tags=["ndas"])
def list_ndas(request: HttpRequest, filters: Query[NdaQuery], paging: Query[PageParams]) -> Any:
    """NDAs the caller's organisation is party to. in_force: only those in force today (or
    only those not); party: only those with this other organisation."""
    user = person(request)
    qs = access.ndas_visible_to(user)
    if filters.in_force is not None:
        in_force = Q(pk__in=access.ndas_in_force().values("pk"))
        qs = qs.filter(in_force) if filters.in_force else qs.exclude(in_force)
    if filters.party is not None:
        qs = qs.filter(Q(party_a_id=filters.party) | Q(party_b_id=filters.party))
    return paginate(request, ndas_for_output(user, qs), paging)


@router.get("/ndas/{nda_id}", response=NdaOut, tags=["ndas"])
def get_nda(request: HttpRequest, nda_id: Id) -> Any:
    user = person(request)
    return get_or_404(ndas_for_output(user, access.ndas_visible_to(user)), pk=nda_id)
