"""Who may see which organisation, program, membership and NDA. The only way to reach them."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery

from accord.core.access import get_or_404, is_person, today
from accord.core.choices import Classification
from accord.core.errors import Forbidden, NotFound
from accord.core.models import AccessLogEntry, Event
from accord.orgs.choices import ConnectionStatus, MemberRole, NdaStatus
from accord.orgs.models import (
    Connection,
    Invitation,
    Nda,
    Organisation,
    Person,
    Program,
    ProgramMember,
)


def member_program_ids(user: Any) -> QuerySet[ProgramMember, Any]:
    """A subquery of the programs this person is a member of (person-level need-to-know)."""
    return ProgramMember.objects.filter(person_id=user.pk).values("program_id")


def ndas_in_force() -> QuerySet[Nda]:
    day = today()
    return Nda.objects.filter(status=NdaStatus.ACTIVE, effective_date__lte=day).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=day)
    )


def nda_covers(organisation_id: int, owner_ref: Any, program_ref: Any) -> Exists:
    """An NDA in force between the organisation and the owner, covering the program."""
    return Exists(
        ndas_in_force()
        .filter(
            Q(party_a_id=organisation_id, party_b_id=owner_ref)
            | Q(party_b_id=organisation_id, party_a_id=owner_ref)
        )
        .filter(Q(covers_all_programs=True) | Q(programs=program_ref))
    )


def restricted_program_ids(user: Any) -> QuerySet[Program, Any]:
    """Programs in which this person may read the owner's restricted data, decided now."""
    if not is_person(user):
        return Program.objects.none().values("pk")
    return (
        Program.objects.filter(pk__in=member_program_ids(user))
        .filter(
            Q(owner_id=user.organisation_id)
            | nda_covers(user.organisation_id, OuterRef("owner_id"), OuterRef("pk"))
        )
        .values("pk")
    )


def programs_visible_to(user: Any, *, with_role: bool = False) -> QuerySet[Program]:
    """The person's programs; `with_role` annotates each with their own role (`my_role`)."""
    if not is_person(user):
        return Program.objects.none()
    programs = Program.objects.filter(pk__in=member_program_ids(user))
    if with_role:
        role = ProgramMember.objects.filter(program=OuterRef("pk"), person_id=user.pk)
        programs = programs.annotate(my_role=Subquery(role.values("role")[:1]))
    return programs


def get_program_for_user(user: Any, pk: Any, *, write: bool = False) -> Program:
    program = get_or_404(programs_visible_to(user).select_related("owner"), pk=pk)
    if write and not can_manage_program(user, program):
        raise Forbidden("Only the program's managers can change its members and partners.")
    return program


def can_manage_program(user: Any, program: Program) -> bool:
    return ProgramMember.objects.filter(
        program=program, person_id=user.pk, role=MemberRole.MANAGER
    ).exists()


def members_visible_to(user: Any, program: Program) -> QuerySet[ProgramMember]:
    """The people of a program the person can see: all of them, once the program is visible."""
    return ProgramMember.objects.filter(program__in=programs_visible_to(user), program=program)


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Own organisation, plus owners and partners of the person's programs."""
    if not is_person(user):
        return Organisation.objects.none()
    programs = member_program_ids(user)
    visible = (
        Q(pk=user.organisation_id)
        | Q(programs__in=programs)
        | Q(partnerships__program__in=programs)
    )
    if user.is_org_admin:  # administrators manage the organisation's connections
        visible |= Q(pk__in=connected_organisation_ids(user))
    return Organisation.objects.filter(visible).distinct()


def ndas_visible_to(user: Any) -> QuerySet[Nda]:
    """An NDA is the business of its two parties only."""
    if not is_person(user):
        return Nda.objects.none()
    org = user.organisation_id
    return Nda.objects.filter(Q(party_a_id=org) | Q(party_b_id=org))


def get_nda_for_user(user: Any, pk: Any, *, write: bool = False) -> Nda:
    nda = get_or_404(ndas_visible_to(user).select_related("party_a", "party_b"), pk=pk)
    if write and not user.is_org_admin:
        raise Forbidden("Only an organisation administrator can change NDAs.")
    return nda


def ndas_in_force_for_program(user: Any, program: Program) -> QuerySet[Nda]:
    """NDAs in force that cover the program, among those the person may see."""
    parties = {program.owner_id, *program.partners.values_list("organisation_id", flat=True)}
    return (
        ndas_visible_to(user)
        .filter(pk__in=ndas_in_force().values("pk"))
        .filter(
            Q(programs=program)
            | Q(covers_all_programs=True, party_a_id__in=parties, party_b_id__in=parties)
        )
        .distinct()
    )


def candidate_members_for(user: Any, program: Program) -> QuerySet[Any]:
    """People who could be added to the program: active people of the owner and partner
    organisations who are not members yet. Empty unless the person manages the program."""
    from accord.orgs.models import Person

    if not is_person(user) or not can_manage_program(user, program):
        return Person.objects.none()
    organisations = Q(organisation_id=program.owner_id) | Q(
        organisation__partnerships__program=program
    )
    return (
        Person.objects.filter(organisations, is_active=True)
        .exclude(memberships__program=program)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "last_name", "first_name", "username")
    )


def get_organisation_for_user(user: Any, pk: Any) -> Organisation:
    return get_or_404(organisations_visible_to(user), pk=pk)


def partners_visible_to(user: Any, program: Program) -> QuerySet[Any]:
    """The partner organisations of a program, once the program is visible."""
    from accord.orgs.models import ProgramPartner

    return ProgramPartner.objects.filter(
        program__in=programs_visible_to(user), program=program
    ).select_related("organisation")


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events of the person's programs they could see the object of, and their own org's."""
    if not is_person(user):
        return Event.objects.none()
    org = user.organisation_id
    in_programs = Q(program__in=member_program_ids(user)) & (
        Q(classification=Classification.PROGRAM)
        | Q(classification=Classification.RESTRICTED, program__in=restricted_program_ids(user))
        | Q(organisation_id=org)
    )
    own_org = Q(program__isnull=True, organisation_id=org)
    events = Event.objects.filter(in_programs | own_org).select_related("actor", "program")
    if user.organisation.is_seller:
        # Sellers never see BOMs, so neither do they see what happened to one.
        events = events.exclude(object_type="parts.bom")
    return events


def events_for_object(user: Any, obj: Model) -> QuerySet[Event]:
    """History of an object the caller has already fetched through its app's access.py."""
    return events_visible_to(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


# The organisation's own people, its connections and its invitations ---------------------------


def people_visible_to(user: Any) -> QuerySet[Person]:
    """A person's colleagues (their own organisation's people, deactivated ones included).
    People of other organisations appear only as members of shared programs."""
    if not is_person(user):
        return Person.objects.none()
    return Person.objects.filter(organisation_id=user.organisation_id).select_related(
        "organisation"
    )


def get_person_for_user(user: Any, pk: Any, *, write: bool = False) -> Person:
    person = get_or_404(people_visible_to(user), pk=pk)
    if write and not (user.is_org_admin and user.is_active):
        raise Forbidden("Only an administrator of your organisation can change its people.")
    return person


def invitations_visible_to(user: Any) -> QuerySet[Invitation]:
    """Invitations to join the organisation: its administrators' business."""
    if not is_person(user) or not user.is_org_admin:
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation_id=user.organisation_id).select_related(
        "created_by", "person"
    )


def get_invitation_for_user(user: Any, pk: Any) -> Invitation:
    return get_or_404(invitations_visible_to(user).select_related("organisation"), pk=pk)


def connections_visible_to(user: Any) -> QuerySet[Connection]:
    """The organisation's connections with others, pending and declined ones included: its
    administrators' business (program managers meet the connected organisations only when they
    add a partner)."""
    if not is_person(user) or not user.is_org_admin:
        return Connection.objects.none()
    org = user.organisation_id
    return Connection.objects.filter(Q(inviter_id=org) | Q(invitee_id=org)).select_related(
        "inviter", "invitee", "created_by", "answered_by"
    )


def get_connection_for_user(user: Any, pk: Any, *, write: bool = False) -> Connection:
    """Only administrators see connections, so `write` needs nothing more."""
    return get_or_404(connections_visible_to(user), pk=pk)


def connected_organisation_ids(user: Any) -> QuerySet[Organisation, Any]:
    """Organisations connected with the person's own (accepted both ways), as a subquery."""
    org = user.organisation_id
    accepted = Connection.objects.filter(status=ConnectionStatus.ACCEPTED)
    return Organisation.objects.filter(
        Q(pk__in=accepted.filter(inviter_id=org).values("invitee_id"))
        | Q(pk__in=accepted.filter(invitee_id=org).values("inviter_id"))
    ).values("pk")


def partner_candidates_for(user: Any, program: Program) -> QuerySet[Organisation]:
    """Organisations a program manager may add as partners: connected with the owner, not
    partners yet. Empty unless the person manages the program."""
    if not is_person(user) or not can_manage_program(user, program):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(pk__in=connected_organisation_ids(user))
        .exclude(partnerships__program=program)
        .order_by("name")
    )


def programs_for_nda(user: Any) -> QuerySet[Program]:
    """Programs a person may name as covered when registering or amending an NDA: those they
    see that their own organisation owns, or that the other party owns (checked by the
    service)."""
    return programs_visible_to(user).select_related("owner").order_by("name")


def can_read_nda_document(user: Any, nda: Nda) -> bool:
    """The signed document: administrators of the two parties, and the parties' managers of a
    program the NDA covers."""
    if not is_person(user) or user.organisation_id not in {nda.party_a_id, nda.party_b_id}:
        return False
    if user.is_org_admin:
        return True
    managed = ProgramMember.objects.filter(person_id=user.pk, role=MemberRole.MANAGER)
    if nda.covers_all_programs:
        return managed.filter(program__owner_id__in=[nda.party_a_id, nda.party_b_id]).exists()
    return managed.filter(program__in=nda.programs.all()).exists()


def get_nda_document_for_user(user: Any, pk: Any, *, channel: str, path: str) -> Nda:
    """An NDA whose signed document the person may download: 404 otherwise (the document is
    as invisible as anything else they may not see). Every download is access-logged for
    both parties."""
    nda = get_nda_for_user(user, pk)
    if not can_read_nda_document(user, nda) or not nda.document:
        raise NotFound("No document of this NDA is available to you.")
    for owner in (nda.party_a, nda.party_b):
        AccessLogEntry.objects.create(
            reader=user,
            reader_organisation_id=user.organisation_id,
            owner=owner,
            object_type="orgs.nda_document",
            object_id=str(nda.pk),
            object_repr=f"Signed document of NDA {nda.reference}"[:300],
            channel=channel,
            path=path[:500],
        )
    return nda
