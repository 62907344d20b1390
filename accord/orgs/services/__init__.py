"""Every write to organisations, people, programs, membership and NDAs.

Split by subject: people and invitations (people.py), connections between organisations
(connections.py), programs after creation (programs.py), NDAs after registration (ndas.py).
Import every service from here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import diff_fields, record_event
from accord.core.memo import forget_memoised
from accord.core.text import checked_text, normalise_username, text_input
from accord.orgs.choices import MemberRole, OrganisationKind, PersonRole, ProgramStatus
from accord.orgs.models import Nda, Organisation, Person, Program, ProgramMember, ProgramPartner
from accord.orgs.services.connections import (
    answer_connection,
    are_connected,
    connect_organisations,
    create_partner_organisation,
    invite_organisation,
)
from accord.orgs.services.ndas import (
    SignedDocument,
    amend_nda,
    check_covered_programs,
    store_document,
    terminate_nda,
)
from accord.orgs.services.people import (
    IssuedInvitation,
    accept_invitation,
    add_person,
    deactivate_person,
    invitation_for_secret,
    invite_person,
    reactivate_person,
    reissue_invitation,
    revoke_invitation,
    set_signing_right,
    update_person,
)
from accord.orgs.services.programs import (
    archive_program,
    edit_program,
    remove_program_partner,
    require_manager,
    require_not_archived,
    update_program_partner,
)

PROGRAM_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

__all__ = [
    "IssuedInvitation",
    "SignedDocument",
    "accept_invitation",
    "add_person",
    "add_program_member",
    "add_program_partner",
    "amend_nda",
    "answer_connection",
    "archive_program",
    "connect_organisations",
    "create_organisation",
    "create_partner_organisation",
    "create_person",
    "create_program",
    "deactivate_person",
    "edit_program",
    "invitation_for_secret",
    "invite_organisation",
    "invite_person",
    "reactivate_person",
    "register_nda",
    "reissue_invitation",
    "remove_program_member",
    "remove_program_partner",
    "revoke_invitation",
    "set_signing_right",
    "terminate_nda",
    "update_person",
    "update_program",
    "update_program_partner",
]


def create_organisation(
    *, actor: Person | None, name: str, kind: str, country: str = "", website: str = ""
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise InvalidInput(f"Unknown organisation kind {kind!r}.", detail={"field": "kind"})
    name = checked_text(name.strip(), field="name")
    country = checked_text(country.strip(), field="country")
    website = checked_text(website.strip(), field="website")
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
    # Stored normalised, the spelling sign-in looks up and the lockout counts under.
    username = normalise_username(checked_text(username, field="username"))
    if not username or len(username) > 150:
        raise InvalidInput("A username has 1 to 150 characters.", detail={"field": "username"})
    first_name = checked_text(first_name.strip(), field="first_name")
    last_name = checked_text(last_name.strip(), field="last_name")
    email = checked_text(email.strip(), field="email")
    title = checked_text(title.strip(), field="title")
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
    code = text_input(code, "code", max_length=40, required=True)
    if not PROGRAM_CODE.fullmatch(code):
        raise InvalidInput(
            "A program code is letters, digits, hyphens and underscores, e.g. EBX2.",
            detail={"field": "code"},
        )
    name = text_input(name, "name", max_length=200, required=True)
    description = text_input(description, "description", max_length=10_000, multiline=True)
    if status and status not in ProgramStatus.values:
        raise InvalidInput(f"Unknown program status {status!r}.", detail={"field": "status"})
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
    responsibility = text_input(responsibility, "responsibility", max_length=200)
    with transaction.atomic():
        require_manager(actor, program)
        require_not_archived(program)
        if organisation.pk == program.owner_id:
            raise InvalidInput("The owner is not a partner of its own program.")
        if not are_connected(program.owner_id, organisation.pk):
            raise InvalidInput(
                f"{program.owner} and {organisation} are not connected: invite the organisation "
                "(or create it as a partner) first.",
                detail={"field": "organisation"},
            )
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
        require_not_archived(program)
        allowed_orgs = {
            program.owner_id,
            *program.partners.values_list("organisation_id", flat=True),
        }
        if not person.is_active:
            raise InvalidInput(f"{person} is deactivated.", detail={"field": "person"})
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
    document: SignedDocument | None = None,
) -> Nda:
    """Record an NDA between two organisations, with its signed PDF when there is one."""
    if actor is not None and not (
        actor.is_active and actor.is_org_admin and actor.organisation_id in {party_a.pk, party_b.pk}
    ):
        raise Forbidden("Only an administrator of one of the parties can register an NDA.")
    if party_a.pk == party_b.pk:
        raise InvalidInput("An NDA needs two different parties.", detail={"field": "party_b"})
    reference = text_input(reference, "reference", max_length=80, required=True)
    title = text_input(title, "title", max_length=200)
    if expiry_date is not None and expiry_date < effective_date:
        raise InvalidInput(
            "The expiry date is before the effective date.", detail={"field": "expiry_date"}
        )
    chosen = check_covered_programs({party_a.pk, party_b.pk}, programs)
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
        nda.programs.set(chosen)
        if document is not None:
            store_document(nda, document)
        changes = {
            "parties": [party_a.name, party_b.name],
            "effective_date": effective_date.isoformat(),
            "expiry_date": expiry_date.isoformat() if expiry_date else None,
            "programs": [p.name for p in chosen],
            "covers_all_programs": covers_all_programs,
            "document": document.filename if document else None,
        }
        for party in (party_a, party_b):
            record_event(
                actor=actor,
                verb="registered NDA",
                obj=nda,
                organisation=party,
                classification=Classification.INTERNAL,
                changes=changes,
            )
    forget_memoised()
    return nda
