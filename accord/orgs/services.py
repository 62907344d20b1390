"""Every write to organisations, people, programs, membership and NDAs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accord.core.access import forget_memoised
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import diff_fields, record_event
from accord.orgs.choices import MemberRole, NdaStatus, OrganisationKind, PersonRole, ProgramStatus
from accord.orgs.models import Nda, Organisation, Person, Program, ProgramMember, ProgramPartner


def create_organisation(
    *, actor: Person | None, name: str, kind: str, country: str = "", website: str = ""
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise InvalidInput(f"Unknown organisation kind {kind!r}.", detail={"field": "kind"})
    name = name.strip()
    if not name:
        raise InvalidInput("An organisation needs a name.", detail={"field": "name"})
    with transaction.atomic():
        if Organisation.objects.filter(name__iexact=name).exists():
            raise Conflict(f"An organisation named {name!r} already exists.")
        base = slugify(name)[:70] or "org"
        slug, n = base, 1
        while Organisation.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        org = Organisation.objects.create(
            name=name, slug=slug, kind=kind, country=country.upper()[:2], website=website
        )
        record_event(
            actor=actor,
            verb="created",
            obj=org,
            organisation=org,
            classification=Classification.INTERNAL,
            changes={"name": name, "kind": kind},
        )
    return org


def create_person(
    *,
    actor: Person | None,
    organisation: Organisation,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    role: str = "",
    title: str = "",
    is_org_admin: bool = False,
) -> Person:
    if actor is not None and not (actor.is_org_admin and actor.organisation_id == organisation.pk):
        raise Forbidden("Only an administrator of the organisation can add its people.")
    if role and role not in PersonRole.values:
        raise InvalidInput(f"Unknown role {role!r}.", detail={"field": "role"})
    with transaction.atomic():
        if Person.objects.filter(username__iexact=username).exists():
            raise Conflict(f"The username {username!r} is taken.")
        person = Person(
            organisation=organisation,
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            role=role,
            title=title,
            is_org_admin=is_org_admin,
        )
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save()
        record_event(
            actor=actor,
            verb="added person",
            obj=person,
            organisation=organisation,
            classification=Classification.INTERNAL,
            changes={"username": username, "role": role, "is_org_admin": is_org_admin},
        )
    return person


def create_program(
    *,
    actor: Person,
    code: str,
    name: str,
    description: str = "",
    status: str = "",
    description_shared: bool = False,
) -> Program:
    """The creator's organisation owns the program and the creator becomes its first manager.

    description_shared: show the description to the program's suppliers and distributors too
    (by default only the owner and its service partners, e.g. the EMS, read it)."""
    if actor.organisation is None or actor.organisation.kind != OrganisationKind.OEM:
        raise Forbidden("Programs are created by OEMs.")
    with transaction.atomic():
        if Program.objects.filter(owner=actor.organisation, code=code).exists():
            raise Conflict(f"A program with the code {code!r} already exists.")
        program = Program.objects.create(
            owner=actor.organisation,
            code=code,
            name=name,
            description=description,
            description_shared=description_shared,
            **({"status": status} if status else {}),
        )
        ProgramMember.objects.create(
            program=program, person=actor, role=MemberRole.MANAGER, added_by=actor
        )
        record_event(
            actor=actor,
            verb="created program",
            obj=program,
            program=program,
            changes={
                "code": code,
                "name": name,
                **({"description_shared": True} if description_shared else {}),
            },
        )
    forget_memoised()
    return program


def update_program(
    *, actor: Person, program: Program, description: str | None = None, status: str | None = None
) -> Program:
    """Change a program's description or status; managers only (the caller checked access)."""
    if status is not None and status not in ProgramStatus.values:
        raise InvalidInput(f"Unknown program status {status!r}.", detail={"field": "status"})
    with transaction.atomic():
        if not ProgramMember.objects.filter(
            program=program, person=actor, role=MemberRole.MANAGER
        ).exists():
            raise Forbidden("Only a manager of the program can change it.")
        program = Program.objects.select_for_update().get(pk=program.pk)
        before = {"description": program.description, "status": program.status}
        if description is not None:
            program.description = description.strip()
        if status is not None:
            program.status = status
        program.save(update_fields=["description", "status"])
        after = {"description": program.description, "status": program.status}
        record_event(
            actor=actor,
            verb="updated program",
            obj=program,
            program=program,
            changes=diff_fields(before, after),
        )
    return program


def add_program_partner(
    *, actor: Person, program: Program, organisation: Organisation, responsibility: str = ""
) -> ProgramPartner:
    with transaction.atomic():
        if organisation.pk == program.owner_id:
            raise InvalidInput("The owner is not a partner of its own program.")
        partner, created = ProgramPartner.objects.get_or_create(
            program=program, organisation=organisation, defaults={"responsibility": responsibility}
        )
        if not created:
            raise Conflict(f"{organisation} is already a partner of {program}.")
        record_event(
            actor=actor,
            verb="added partner",
            obj=program,
            program=program,
            subject_organisation=organisation,
            changes={"partner": organisation.name, "responsibility": responsibility},
        )
    forget_memoised()
    return partner


def add_program_member(
    *, actor: Person, program: Program, person: Person, role: str = MemberRole.MEMBER
) -> ProgramMember:
    """Grant need-to-know to one person of the owner or of a partner organisation."""
    if role not in MemberRole.values:
        raise InvalidInput(f"Unknown member role {role!r}.", detail={"field": "role"})
    with transaction.atomic():
        allowed_orgs = {
            program.owner_id,
            *program.partners.values_list("organisation_id", flat=True),
        }
        if person.organisation_id not in allowed_orgs:
            raise InvalidInput(
                f"{person} works for {person.organisation}, which is not a partner of this "
                "program. Add the organisation as a partner first.",
                detail={"field": "person"},
            )
        if role == MemberRole.MANAGER and person.organisation_id != program.owner_id:
            raise InvalidInput("Program managers come from the owning organisation.")
        try:
            with transaction.atomic():
                member = ProgramMember.objects.create(
                    program=program, person=person, role=role, added_by=actor
                )
        except IntegrityError:
            raise Conflict(f"{person} is already a member of {program}.") from None
        record_event(
            actor=actor,
            verb="added member",
            obj=program,
            program=program,
            subject_organisation=person.organisation,
            changes={
                "person": person.username,
                "organisation": str(person.organisation),
                "role": role,
            },
        )
    forget_memoised()
    return member


def remove_program_member(*, actor: Person, program: Program, person: Person) -> None:
    with transaction.atomic():
        member = (
            ProgramMember.objects.select_for_update().filter(program=program, person=person).first()
        )
        if member is None:
            raise NotFound(f"{person} is not a member of {program}.")
        if (
            member.role == MemberRole.MANAGER
            and not ProgramMember.objects.filter(program=program, role=MemberRole.MANAGER)
            .exclude(pk=member.pk)
            .exists()
        ):
            raise Conflict("A program keeps at least one manager.")
        member.delete()
        record_event(
            actor=actor,
            verb="removed member",
            obj=program,
            program=program,
            subject_organisation=person.organisation,
            changes={"person": person.username, "organisation": str(person.organisation)},
        )
    forget_memoised()


def register_nda(
    *,
    actor: Person | None,
    reference: str,
    party_a: Organisation,
    party_b: Organisation,
    effective_date: dt.date,
    expiry_date: dt.date | None,
    programs: Iterable[Program] = (),
    covers_all_programs: bool = False,
    title: str = "",
) -> Nda:
    if actor is not None and not (
        actor.is_org_admin and actor.organisation_id in {party_a.pk, party_b.pk}
    ):
        raise Forbidden("Only an administrator of one of the parties can register an NDA.")
    if party_a.pk == party_b.pk:
        raise InvalidInput("An NDA needs two different parties.")
    if expiry_date is not None and expiry_date < effective_date:
        raise InvalidInput(
            "The expiry date is before the effective date.", detail={"field": "expiry_date"}
        )
    with transaction.atomic():
        nda = Nda.objects.create(
            reference=reference,
            title=title,
            party_a=party_a,
            party_b=party_b,
            effective_date=effective_date,
            expiry_date=expiry_date,
            covers_all_programs=covers_all_programs,
        )
        programs = list(programs)
        nda.programs.set(programs)
        record_event(
            actor=actor,
            verb="registered NDA",
            obj=nda,
            organisation=party_a,
            classification=Classification.INTERNAL,
            changes={
                "parties": [party_a.name, party_b.name],
                "effective_date": effective_date.isoformat(),
                "expiry_date": expiry_date.isoformat() if expiry_date else None,
                "programs": [p.name for p in programs],
            },
        )
    forget_memoised()
    return nda


def terminate_nda(*, actor: Person, nda: Nda) -> Nda:
    with transaction.atomic():
        nda = Nda.objects.select_for_update().get(pk=nda.pk)
        if nda.status == NdaStatus.TERMINATED:
            raise Conflict("This NDA is already terminated.")
        nda.status = NdaStatus.TERMINATED
        nda.save(update_fields=["status"])
        record_event(
            actor=actor,
            verb="terminated NDA",
            obj=nda,
            classification=Classification.INTERNAL,
            changes={"status": [NdaStatus.ACTIVE, NdaStatus.TERMINATED]},
        )
    forget_memoised()
    return nda
