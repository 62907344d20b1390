"""Who may see which check-in, and everything in it. The only way to reach them.

A check-in is between a program's owner and one partner organisation, and only the program's
members of those two organisations see it (need-to-know, person by person):

- the owner's people who are members of the program see every check-in of it;
- a partner's people who are members see their own organisation's check-ins only (a supplier
  never sees the EMS's, nor another supplier's);
- anyone else: 404, its agenda, decisions, minutes and action items included.

Whoever sees a check-in may open it, record in it and close it (closing freezes it: the
services answer 409 after that). Lists are one queryset over plain id lists (orgs.access
Reach), never a check per check-in in Python.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accord.core.access import get_or_404, is_person
from accord.core.errors import InvalidInput, NotFound
from accord.orgs.access import reach_of
from accord.orgs.models import Organisation, Person, Program, ProgramPartner
from accord.threads.models import AgendaItem, CheckIn, CheckInParticipant, Decision

NOTHING = Q(pk__in=[])


def checkin_visibility(user: Any, prefix: str = "") -> Q:
    """The condition on CheckIn for this person (see the module's docstring)."""
    reach = reach_of(user)
    if reach.organisation_id is None or not reach.programs:
        return NOTHING
    p = prefix
    return Q(**{f"{p}program_id__in": reach.owned}) | Q(
        **{f"{p}program_id__in": reach.programs, f"{p}partner_id": reach.organisation_id}
    )


def checkins_visible_to(user: Any) -> QuerySet[CheckIn]:
    if not is_person(user):
        return CheckIn.objects.none()
    return CheckIn.objects.filter(checkin_visibility(user))


def get_checkin_for_user(user: Any, pk: Any, *, write: bool = False) -> CheckIn:
    """A check-in the person sees, else 404. Whoever sees it may record in it (`write` needs
    nothing more; a closed one is refused by the services with 409)."""
    return get_or_404(
        checkins_visible_to(user).select_related(
            "program", "program__owner", "partner", "opened_by", "closed_by", "carried_from"
        ),
        pk=pk,
    )


def may_see_checkin(person: Any, checkin: CheckIn) -> bool:
    return checkins_visible_to(person).filter(pk=checkin.pk).exists()


def visible_checkin_ids(person: Any, ids: list[int]) -> set[int]:
    return set(checkins_visible_to(person).filter(pk__in=ids).values_list("pk", flat=True))


def get_program_for_checkins(user: Any, ref: Any) -> Program:
    """A program the person is a member of, by id or code (the CLI's way), else 404."""
    reach = reach_of(user)
    programs = Program.objects.filter(pk__in=reach.programs).select_related("owner")
    if isinstance(ref, str) and not ref.strip().isdigit():
        return get_or_404(programs, code__iexact=ref.strip())
    try:
        return get_or_404(programs, pk=int(ref))
    except (TypeError, ValueError):
        raise NotFound("No such program is visible to you.") from None


def checkins_of_program(user: Any, program: Program) -> QuerySet[CheckIn]:
    return checkins_visible_to(user).filter(program_id=program.pk)


def partners_for_checkins(user: Any, program: Program) -> QuerySet[Organisation]:
    """The partners the person may hold a check-in with: every partner of the program for the
    owner's members, their own organisation for a partner's members."""
    reach = reach_of(user)
    if program.pk not in reach.programs or reach.organisation_id is None:
        return Organisation.objects.none()
    partners = ProgramPartner.objects.filter(program_id=program.pk).exclude(
        organisation_id=program.owner_id
    )
    if program.owner_id != reach.organisation_id:
        partners = partners.filter(organisation_id=reach.organisation_id)
    return Organisation.objects.filter(pk__in=partners.values("organisation_id")).order_by("name")


def chosen_partner(user: Any, program: Program, ref: Any) -> Organisation:
    """The partner a person names (id, slug, name, or the start of one) for a check-in of a
    program they are a member of, among those they may hold one with (partners_for_checkins):
    any other organisation is refused alike (422), whether it is a partner of the program or
    not, so that a partner's people learn nothing of the program's other partners."""
    text = str(ref or "").strip()
    if not text:
        raise InvalidInput("partner: name the partner organisation.", detail={"field": "partner"})
    partners = partners_for_checkins(user, program)
    lookup = Q(pk=int(text)) if text.isdigit() else Q(slug__iexact=text) | Q(name__iexact=text)
    found = partners.filter(lookup).first()
    if found is None and not text.isdigit():
        # A word the name or slug starts with ("meridian"), when it names one partner only.
        several = list(partners.filter(Q(slug__istartswith=text) | Q(name__istartswith=text))[:2])
        found = several[0] if len(several) == 1 else None
    if found is None:
        raise InvalidInput(
            f"partner: {text} is not a partner you hold check-ins with in program {program.name}.",
            detail={"field": "partner"},
        )
    return found


def eligible_people(program: Program, partner_id: int) -> QuerySet[Person]:
    """Who may take part: the active program members of the owner's organisation and of the
    partner (exactly those who see the check-in)."""
    return (
        Person.objects.filter(
            memberships__program_id=program.pk,
            organisation_id__in=[program.owner_id, partner_id],
            is_active=True,
        )
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name", "username")
        .distinct()
    )


def participants_of(user: Any, checkin: CheckIn) -> QuerySet[Person]:
    """The people of a check-in the caller reached through get_checkin_for_user."""
    ids = CheckInParticipant.objects.filter(checkin_id=checkin.pk).values("person_id")
    return (
        Person.objects.filter(pk__in=ids)
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name", "username")
    )


def agenda_of(user: Any, checkin: CheckIn) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(checkin_id=checkin.pk).select_related("waits_on", "added_by")


def decisions_of(user: Any, checkin: CheckIn) -> QuerySet[Decision]:
    return Decision.objects.filter(checkin_id=checkin.pk).select_related("recorded_by")


def get_agenda_item_for_user(user: Any, pk: Any) -> AgendaItem:
    """An agenda item of a check-in the person sees, else 404."""
    visible = checkins_visible_to(user).values("pk")
    return get_or_404(
        AgendaItem.objects.filter(checkin_id__in=visible).select_related(
            "checkin", "checkin__program", "checkin__partner"
        ),
        pk=pk,
    )
