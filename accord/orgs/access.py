"""Who may see which organisation, program, membership, NDA and event. The only way to reach them.

Every rule starts from the person's `Reach`: the programs they are a member of (need-to-know is
person by person), the owner of each, those whose restricted data they may read under an NDA in
force today, and whether their organisation sells (supplier or distributor). It is read with two
small queries once per request (accord.core.memo.memoised) and turned into plain id lists, so
that each visibility condition is a short `IN (...)` rather than a nest of subqueries that
Django compiles again for every check (that compiling was most of a request's time).

Sellers see only what concerns them. On a program: the owner's people and their own, never the
other partner organisations or their people, nor the program's description unless the owner
shares it (`Program.description_shared`); the same goes for the organisations list and the
program's events.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accord.core.access import get_or_404, is_person, today
from accord.core.choices import Classification
from accord.core.errors import Forbidden, NotFound
from accord.core.memo import memoised
from accord.core.models import AccessLogEntry, Event
from accord.orgs.choices import ConnectionStatus, MemberRole, NdaStatus, OrganisationKind
from accord.orgs.models import (
    Connection,
    Invitation,
    Nda,
    Organisation,
    Person,
    Program,
    ProgramMember,
    ProgramPartner,
)

# Events that name a person or an organisation taking part in a program: a seller sees them
# only when that organisation (Event.subject_organisation) is its own or the owner's.
PARTICIPATION_VERBS = (
    "added member",
    "removed member",
    "added partner",
    "removed partner",
    "changed partner responsibility",
)


@dataclass(frozen=True)
class Reach:
    """What one person may read, decided now: plain ids, computed once per request."""

    person_id: int | None = None
    organisation_id: int | None = None
    seller: bool = False
    programs: tuple[int, ...] = ()  # member of (need-to-know, person by person)
    owners: dict[int, int] = field(default_factory=dict)  # program -> owning organisation
    # program -> their role in it: who manages, never who reads (not part of sight_of).
    roles: dict[int, str] = field(default_factory=dict)
    restricted: tuple[int, ...] = ()  # programs whose owner's restricted data they may read
    owned: tuple[int, ...] = ()  # member programs their own organisation owns
    nda_partners: frozenset[int] = frozenset()  # organisations with an NDA in force with theirs

    @property
    def program_owners(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.owners.values())))


NOBODY = Reach()


def reach_of(user: Any) -> Reach:
    """The person's Reach; anonymous visitors and people without an organisation reach nothing."""
    if not is_person(user):
        return NOBODY
    return memoised(("reach", user.pk), lambda: _compute_reaches([user])[user.pk])


def remember_reaches(people: Iterable[Any]) -> None:
    """Work out the Reach of many people at once (three queries in all, not two or three a
    person) into the memo that is open (accord.core.memo.access_memo), for work that checks
    access for thousands of people (a sweep's notifications, everyone's digest)."""
    persons = [p for p in people if is_person(p)]
    for pk, reach in _compute_reaches(persons).items():
        memoised(("reach", pk), lambda reach=reach: reach)  # type: ignore[misc]


def sight_of(user: Any) -> tuple[Hashable, ...]:
    """What decides what a person may read through the *_visible_to rules that read only their
    Reach (and whether they are active): two people with the same sight see the same rows
    there, so a check made for one holds for the other. Their roles are left out: a role
    decides who manages a program (can_manage_program), never what anyone may read."""
    reach = reach_of(user)
    return (
        reach.organisation_id,
        reach.seller,
        reach.programs,
        tuple(sorted(reach.owners.items())),
        reach.restricted,
        reach.owned,
        tuple(sorted(reach.nda_partners)),
        bool(getattr(user, "is_active", False)),
    )


def _compute_reaches(people: Sequence[Any]) -> dict[int, Reach]:
    if not people:
        return {}
    # The organisation's kind: from the person when it was loaded with them (a request's user);
    # else loaded (in one query) and kept on the person, as reading user.organisation would.
    missing = sorted({p.organisation_id for p in people if not Person.organisation.is_cached(p)})
    if missing:
        loaded = Organisation.objects.in_bulk(missing)
        for person in people:
            if not Person.organisation.is_cached(person):
                person.organisation = loaded[person.organisation_id]
    kinds = {p.organisation_id: p.organisation.kind for p in people}
    memberships: dict[int, list[tuple[int, int, str]]] = {p.pk: [] for p in people}
    for person, program, owner, role in (
        ProgramMember.objects.filter(person_id__in=sorted(memberships))
        .order_by("person_id", "program_id")
        .values_list("person_id", "program_id", "program__owner_id", "role")
    ):
        memberships[person].append((program, owner, role))
    # The NDAs matter for another owner's programs, and for a seller's parts (any NDA in force
    # with a part's owner): people whose programs are all their own organisation's skip them.
    needing: set[int] = set()
    for user in people:
        org = user.organisation_id
        owners = {program: owner for program, owner, _ in memberships[user.pk]}
        if kinds[org] in OrganisationKind.sellers() or any(o != org for o in owners.values()):
            needing.add(org)
    ndas: dict[int, list[tuple[int, bool, int | None]]] = {org: [] for org in needing}
    if needing:
        for party_a, party_b, all_programs, program in (
            ndas_in_force()
            .filter(Q(party_a_id__in=sorted(needing)) | Q(party_b_id__in=sorted(needing)))
            .values_list("party_a_id", "party_b_id", "covers_all_programs", "programs")
        ):
            for org, other in ((party_a, party_b), (party_b, party_a)):
                if org in ndas:
                    ndas[org].append((other, all_programs, program))
    return {
        user.pk: _reach(user, kinds[user.organisation_id], memberships[user.pk], ndas)
        for user in people
    }


def _reach(
    user: Any,
    kind: str,
    memberships: list[tuple[int, int, str]],
    ndas: dict[int, list[tuple[int, bool, int | None]]],
) -> Reach:
    org = user.organisation_id
    seller = kind in OrganisationKind.sellers()
    owners = {program: owner for program, owner, _ in memberships}
    roles = {program: role for program, _, role in memberships}
    owned = tuple(p for p, owner in owners.items() if owner == org)
    partners: set[int] = set()
    covers_all: set[int] = set()
    covered: set[tuple[int, int]] = set()
    if seller or len(owned) < len(owners):
        for other, all_programs, program in ndas.get(org, ()):
            partners.add(other)
            if all_programs:
                covers_all.add(other)
            if program is not None:
                covered.add((other, program))
    restricted = tuple(
        p
        for p, owner in owners.items()
        if owner == org or owner in covers_all or (owner, p) in covered
    )
    return Reach(
        person_id=user.pk,
        organisation_id=org,
        seller=seller,
        programs=tuple(owners),
        owners=owners,
        roles=roles,
        restricted=restricted,
        owned=owned,
        nda_partners=frozenset(partners),
    )


def member_program_ids(user: Any) -> tuple[int, ...]:
    """The programs this person is a member of (person-level need-to-know)."""
    return reach_of(user).programs


def ndas_in_force() -> QuerySet[Nda]:
    day = today()
    return Nda.objects.filter(status=NdaStatus.ACTIVE, effective_date__lte=day).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=day)
    )


def restricted_program_ids(user: Any) -> QuerySet[Program, Any]:
    """Programs in which this person may read the owner's restricted data, decided now."""
    return Program.objects.filter(pk__in=reach_of(user).restricted).values("pk")


def programs_visible_to(user: Any, *, with_role: bool = False) -> QuerySet[Program]:
    """The person's programs; `with_role` annotates each with their own role (`my_role`) and
    the description they may read (`visible_description`, see program_description)."""
    reach = reach_of(user)
    if not reach.programs:
        return Program.objects.none()
    programs = Program.objects.filter(pk__in=reach.programs)
    if with_role:
        role = ProgramMember.objects.filter(program=OuterRef("pk"), person_id=user.pk)
        programs = programs.annotate(
            my_role=Subquery(role.values("role")[:1]),
            visible_description=_description_for(reach),
        )
    return programs


def _description_for(reach: Reach) -> Any:
    if not reach.seller:
        return F("description")
    return Case(
        When(Q(owner_id=reach.organisation_id) | Q(description_shared=True), then="description"),
        default=Value(""),
        output_field=TextField(),
    )


def program_description(user: Any, program: Program) -> str:
    """The description as this person may read it: sellers only when the owner shares it."""
    reach = reach_of(user)
    shown = not reach.seller or program.description_shared
    return program.description if shown or program.owner_id == reach.organisation_id else ""


def get_program_for_user(user: Any, pk: Any, *, write: bool = False) -> Program:
    program = get_or_404(programs_visible_to(user).select_related("owner"), pk=pk)
    if write and not can_manage_program(user, program):
        raise Forbidden("Only the program's managers can change its members and partners.")
    return program


def can_manage_program(user: Any, program: Program) -> bool:
    return reach_of(user).roles.get(program.pk) == MemberRole.MANAGER


def _sees_everyone_on(reach: Reach, program: Program) -> bool:
    """Owners and service partners see every member and partner; sellers only the owner's
    people and their own."""
    return not reach.seller or program.owner_id == reach.organisation_id


def members_visible_to(user: Any, program: Program) -> QuerySet[ProgramMember]:
    """The people of a program the person can see: once the program is visible, all of them,
    except that sellers see only the owner's people and their own."""
    reach = reach_of(user)
    if program.pk not in reach.programs:
        return ProgramMember.objects.none()
    members = ProgramMember.objects.filter(program_id=program.pk)
    if not _sees_everyone_on(reach, program):
        members = members.filter(
            person__organisation_id__in=(program.owner_id, reach.organisation_id)
        )
    return members


def visible_member_counts(user: Any) -> Any:
    """An expression for a program queryset: the number of its members the person can see."""
    reach = reach_of(user)
    org = reach.organisation_id
    if not reach.seller or org is None:
        return Count("members", distinct=True)
    seen = ProgramMember.objects.filter(program=OuterRef("pk")).filter(
        Q(person__organisation_id=org) | Q(person__organisation_id=OuterRef("owner_id"))
    )
    counted = seen.order_by().values("program").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def partners_visible_to(user: Any, program: Program) -> QuerySet[ProgramPartner]:
    """The partner organisations of a program, once the program is visible; a seller sees
    only its own organisation among them."""
    reach = reach_of(user)
    if program.pk not in reach.programs:
        return ProgramPartner.objects.none()
    partners = ProgramPartner.objects.filter(program_id=program.pk).select_related("organisation")
    if not _sees_everyone_on(reach, program):
        partners = partners.filter(organisation_id__in=(reach.organisation_id,))
    return partners


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Own organisation, plus the owners of the person's programs and, except for sellers,
    their partners."""
    reach = reach_of(user)
    if reach.organisation_id is None:
        return Organisation.objects.none()
    visible = Q(pk=reach.organisation_id) | Q(pk__in=reach.program_owners)
    if not reach.seller and reach.programs:
        partners = ProgramPartner.objects.filter(program_id__in=reach.programs)
        visible |= Q(pk__in=partners.values("organisation_id"))
    if user.is_org_admin:  # administrators manage the organisation's connections
        visible |= Q(pk__in=connected_organisation_ids(user))
    return Organisation.objects.filter(visible)


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
    """NDAs in force that cover the program, among those the person may see (their own
    organisation's: a seller learns no other partner from them)."""
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


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events of the person's programs they could see the object of, and their own org's.

    A seller sees a program's event only when it concerns the owner or itself: both who did it
    and whom it names (a member or partner added) belong to one of the two; a change of the
    description only when the owner shares the description. Never a BOM's events: sellers do
    not see BOMs.
    """
    reach = reach_of(user)
    if reach.organisation_id is None:
        return Event.objects.none()
    org = reach.organisation_id
    own_org = Q(program__isnull=True, organisation_id=org)
    if not reach.programs:
        return Event.objects.filter(own_org).select_related("actor", "program")
    in_programs = Q(program_id__in=reach.programs) & (
        Q(classification=Classification.PROGRAM)
        | Q(classification=Classification.RESTRICTED, program_id__in=reach.restricted)
        | Q(organisation_id=org)
    )
    if reach.seller:
        owner = F("program__owner_id")
        by_owner_or_self = (
            Q(organisation__isnull=True) | Q(organisation_id=org) | Q(organisation_id=owner)
        )
        about_owner_or_self = (
            Q(subject_organisation__isnull=True) & ~Q(verb__in=PARTICIPATION_VERBS)
            | Q(subject_organisation_id=org)
            | Q(subject_organisation_id=owner)
        )
        description_kept = Q(changes__has_key="description") & Q(program__description_shared=False)
        in_programs &= by_owner_or_self & about_owner_or_self & ~description_kept
        in_programs &= ~Q(object_type="parts.bom")
    return Event.objects.filter(in_programs | own_org).select_related("actor", "program")


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


def connected_organisation_ids(user: Any) -> QuerySet[Connection, Any]:
    """Organisations connected with the person's own (accepted, whoever invited), as a
    subquery of their ids."""
    org = user.organisation_id
    other = Case(When(inviter_id=org, then=F("invitee_id")), default=F("inviter_id"))
    return (
        Connection.objects.filter(
            Q(inviter_id=org) | Q(invitee_id=org), status=ConnectionStatus.ACCEPTED
        )
        .annotate(other_organisation_id=other)
        .values("other_organisation_id")
    )


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


def programs_served_by(organisation_id: int) -> QuerySet[Program]:
    """The programs of other organisations the organisation takes part in as a partner: whom
    it works for, for its own records (its cards of its customers), not for showing."""
    return Program.objects.filter(partners__organisation_id=organisation_id).exclude(
        owner_id=organisation_id
    )
