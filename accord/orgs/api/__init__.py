"""API: the caller, organisations, programs and their members, NDAs."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import ConfigDict, Field, model_validator

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, OrgRef, PersonRef, ProgramRef, Text, omittable
from accord.core.access import get_or_404, today
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.text import normalise_username
from accord.orgs import access
from accord.orgs import services as org_services
from accord.orgs.api import connections, people
from accord.orgs.api.schemas import (
    NdaForm,
    NdaPatch,
    PartnerOrganisationIn,
    PartnerOrganisationOut,
    ProgramIn,
    ProgramPartnerIn,
    ProgramPartnerPatch,
    ProgramPatch,
    present,
)
from accord.orgs.choices import MemberRole
from accord.orgs.documents import NDA_UPLOAD_DOC, PDF_DOC, nda_file_response, read_document
from accord.orgs.models import Nda, Person, Program, ProgramMember, ProgramPartner

router = Router()
router.add_router("", people.router)
router.add_router("", connections.router)


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
    can_sign_agreements: bool = Field(
        description="May sign agreements for the organisation (its administrators grant it)."
    )
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


class MemberIn(InputSchema):
    """Exactly one of person_id and username (the schema says so with oneOf)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["person_id"]}, {"required": ["username"]}]}
    )

    person_id: Id = omittable()
    username: Annotated[Text, Field(min_length=1, max_length=150)] = omittable()
    role: MemberRole = MemberRole.MEMBER

    @model_validator(mode="after")
    def one_person(self) -> "MemberIn":
        if ("person_id" in self.model_fields_set) == ("username" in self.model_fields_set):
            raise ValueError("Give either person_id or username, not both.")
        return self


class NdaQuery(InputSchema):
    in_force: bool = omittable()
    party: Id = omittable()


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
        username = normalise_username(payload.username)  # stored normalised (create_person)
        by_person, by_member = Q(username=username), Q(person__username=username)
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
        "can_sign_agreements": user.can_sign_agreements,
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


# Writes: organisations, programs, partners, NDAs ----------------------------------------------


@router.post("/organisations", response={201: PartnerOrganisationOut}, tags=["organisations"])
@idempotent(redact=("invitation",))
def create_organisation(
    request: HttpRequest, payload: PartnerOrganisationIn
) -> Status[PartnerOrganisationOut]:
    """A partner organisation and its first administrator, connected with the caller's own
    (administrators). The administrator sets a password at `invitation.link`, shown once."""
    return connections.create_partner_organisation(request, payload)


@router.post("/programs", response={201: ProgramDetail}, tags=["programs"])
@idempotent
def create_program(request: HttpRequest, payload: ProgramIn) -> Status[ProgramDetail]:
    """A program of the caller's organisation (OEMs); the caller becomes its first manager."""
    user = person(request)
    program = org_services.create_program(
        actor=user,
        code=payload.code,
        name=payload.name,
        description=payload.description,
        status=payload.status,
        description_shared=payload.description_shared,
    )
    return Status(201, ProgramDetail.model_validate(get_program(request, program.pk)))


@router.patch("/programs/{program_id}", response=ProgramDetail, tags=["programs"])
def update_program(request: HttpRequest, program_id: Id, payload: ProgramPatch) -> Any:
    """Change a program's name, description or status, or archive/restore it (managers)."""
    user = person(request)
    program = access.get_program_for_user(user, program_id, write=True)
    changes = present(payload)
    archived = changes.pop("archived", None)
    if archived is False and program.is_archived:
        program = org_services.archive_program(actor=user, program=program, archived=False)
    if changes:
        program = org_services.edit_program(actor=user, program=program, **changes)
    if archived and not program.is_archived:
        org_services.archive_program(actor=user, program=program, archived=True)
    return get_program(request, program_id)


@router.post("/programs/{program_id}/partners", response={201: PartnerOut}, tags=["programs"])
@idempotent
def add_partner(
    request: HttpRequest, program_id: Id, payload: ProgramPartnerIn
) -> Status[PartnerOut]:
    """Add an organisation connected with the owner as a partner (managers). Its people can
    then be made members."""
    user = person(request)
    program = access.get_program_for_user(user, program_id, write=True)
    organisation = (
        access.partner_candidates_for(user, program).filter(pk=payload.organisation_id).first()
    )
    if organisation is None:
        if (
            access.partners_visible_to(user, program)
            .filter(organisation_id=payload.organisation_id)
            .exists()
        ):
            raise Conflict("This organisation is a partner of the program already.")
        raise InvalidInput(
            "No organisation connected with yours has this id.",
            detail={"field": "organisation_id"},
        )
    partner = org_services.add_program_partner(
        actor=user,
        program=program,
        organisation=organisation,
        responsibility=payload.responsibility,
    )
    return Status(201, PartnerOut.model_validate(partner))


def _partner(user: Person, program: Program, org_id: int) -> ProgramPartner:
    return get_or_404(access.partners_visible_to(user, program), organisation_id=org_id)


@router.patch("/programs/{program_id}/partners/{org_id}", response=PartnerOut, tags=["programs"])
def update_partner(
    request: HttpRequest, program_id: Id, org_id: Id, payload: ProgramPartnerPatch
) -> Any:
    user = person(request)
    program = access.get_program_for_user(user, program_id, write=True)
    partner = _partner(user, program, org_id)
    return org_services.update_program_partner(
        actor=user, program=program, partner=partner, responsibility=payload.responsibility
    )


@router.delete("/programs/{program_id}/partners/{org_id}", response={204: None}, tags=["programs"])
def remove_partner(request: HttpRequest, program_id: Id, org_id: Id) -> Status[None]:
    """The organisation leaves the program, and its people lose their membership at once."""
    user = person(request)
    program = access.get_program_for_user(user, program_id, write=True)
    partner = _partner(user, program, org_id)
    org_services.remove_program_partner(actor=user, program=program, partner=partner)
    return Status(204, None)


def _nda_out(user: Person, nda_id: int) -> Nda:
    return get_or_404(ndas_for_output(user, access.ndas_visible_to(user)), pk=nda_id)


def _covered_programs(user: Person, program_ids: list[int]) -> list[Program]:
    wanted = set(program_ids)
    found = list(access.programs_for_nda(user).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise InvalidInput(
            "Some of these programs do not exist or are not yours to see.",
            detail={"field": "program_ids"},
        )
    return found


@router.post("/ndas", response={201: NdaOut}, tags=["ndas"], openapi_extra=NDA_UPLOAD_DOC)
@idempotent
def register_nda(
    request: HttpRequest,
    form: Form[NdaForm],
    document: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[NdaOut]:
    """Register an NDA between the caller's organisation and another (administrators), with
    its signed PDF (`document`, optional: it can be attached later)."""
    user = person(request)
    if not user.is_org_admin:
        raise Forbidden("Only an organisation administrator can register NDAs.")
    counterparty = get_or_404(access.organisations_visible_to(user), pk=form.counterparty_id)
    assert user.organisation is not None
    nda = org_services.register_nda(
        actor=user,
        reference=form.reference,
        title=form.title,
        party_a=user.organisation,
        party_b=counterparty,
        effective_date=form.effective_date,
        expiry_date=form.expiry_date,
        programs=_covered_programs(user, form.program_ids),
        covers_all_programs=form.covers_all_programs,
        document=read_document(document),
    )
    return Status(201, NdaOut.model_validate(_nda_out(user, nda.pk)))


@router.patch("/ndas/{nda_id}", response=NdaOut, tags=["ndas"])
def amend_nda(request: HttpRequest, nda_id: Id, payload: NdaPatch) -> Any:
    """Amend an NDA: a new expiry (null for no fixed end), the programs covered (administrators
    of either party). Programs of the other party you cannot see stay covered."""
    user = person(request)
    nda = access.get_nda_for_user(user, nda_id, write=True)
    changes = present(payload)
    programs = None
    if "program_ids" in changes:
        hidden = nda.programs.exclude(pk__in=access.programs_for_nda(user).values("pk"))
        programs = [*_covered_programs(user, changes["program_ids"]), *hidden]
    org_services.amend_nda(
        actor=user,
        nda=nda,
        expiry_date=changes.get("expiry_date", ...),
        programs=programs,
        covers_all_programs=changes.get("covers_all_programs"),
    )
    return _nda_out(user, nda_id)


@router.post(
    "/ndas/{nda_id}/document", response=NdaOut, tags=["ndas"], openapi_extra=NDA_UPLOAD_DOC
)
def attach_nda_document(request: HttpRequest, nda_id: Id, document: File[UploadedFile]) -> Any:
    """Attach or replace the signed PDF (administrators of either party)."""
    user = person(request)
    nda = access.get_nda_for_user(user, nda_id, write=True)
    org_services.amend_nda(actor=user, nda=nda, document=read_document(document))
    return _nda_out(user, nda_id)


@router.get("/ndas/{nda_id}/document", tags=["ndas"], openapi_extra=PDF_DOC)
def download_nda_document(request: HttpRequest, nda_id: Id) -> FileResponse:
    """The signed PDF: for administrators of the two parties and the parties' managers of a
    program it covers. Every download is recorded in both parties' access logs."""
    nda = access.get_nda_document_for_user(
        person(request), nda_id, channel="api", path=request.path
    )
    return nda_file_response(nda)


@router.post("/ndas/{nda_id}/terminate", response=NdaOut, tags=["ndas"])
def terminate_nda(request: HttpRequest, nda_id: Id) -> Any:
    """End the NDA today (administrators of either party): the restricted data it opened is
    no longer shared, at once."""
    user = person(request)
    nda = access.get_nda_for_user(user, nda_id, write=True)
    org_services.terminate_nda(actor=user, nda=nda)
    return _nda_out(user, nda_id)
