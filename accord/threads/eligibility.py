"""Who may be named in a thread: mentioned, made owner of an action item. Only people who may
see it; anyone else is refused with the reason (no side-effect access)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from accord.core.errors import InvalidInput
from accord.core.text import normalise_username
from accord.orgs.access import reach_of
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Person, ProgramMember
from accord.threads.access import may_see_thread
from accord.threads.models import Thread, ThreadInvitation
from accord.threads.subjects import subject_kind

# "@username" where a word starts (an e-mail address is not a mention).
MENTION = re.compile(r"(?<![\w.@])@([\w.+-]*\w)")


def mentioned_usernames(body: str) -> list[str]:
    seen: list[str] = []
    for match in MENTION.finditer(body):
        name = normalise_username(match.group(1))
        if name and name not in seen:
            seen.append(name)
    return seen


def _sells(person: Person) -> bool:
    organisation = person.organisation
    return organisation is not None and organisation.kind in OrganisationKind.sellers()


def refusals(thread: Thread, people: Iterable[Person]) -> dict[int, str]:
    """person id -> why they may not see the thread; people who may are left out. Membership
    and invitations are read once for all; the subject rule is asked per remaining person."""
    people = list(people)
    program = thread.program
    members = set(
        ProgramMember.objects.filter(
            program_id=thread.program_id, person_id__in=[p.pk for p in people]
        ).values_list("person_id", flat=True)
    )
    invited = set(
        ThreadInvitation.objects.filter(thread_id=thread.pk).values_list(
            "organisation_id", flat=True
        )
    )
    restricted = subject_kind(thread.subject_kind).is_restricted(thread.subject_id)
    reasons: dict[int, str] = {}
    for person in people:
        name = f"@{person.username}"
        if not person.is_active or person.pk not in members:
            reasons[person.pk] = f"{name} is not a member of program {program.name}."
        elif _sells(person) and person.organisation_id not in invited:
            reasons[person.pk] = f"{name}: their organisation was not invited to this thread."
        elif restricted and thread.program_id not in reach_of(person).restricted:
            reasons[person.pk] = (
                f"{name}: no NDA in force covers program {program.name} for their organisation."
            )
        elif not may_see_thread(person, thread):
            reasons[person.pk] = f"{name} may not see the subject of this thread."
    return reasons


def people_named(usernames: Iterable[str]) -> dict[str, Person]:
    names = [normalise_username(u) for u in usernames if u.strip()]
    return {
        p.username: p
        for p in Person.objects.filter(username__in=names).select_related("organisation")
    }


def checked_people(thread: Thread, usernames: Iterable[str], *, field: str) -> list[Person]:
    """The people named, each of whom may see the thread; else InvalidInput (422) giving the
    reason for every one refused. An unknown name reads as a non-member (no directory probe)."""
    names = []
    for username in usernames:
        name = normalise_username(username).lstrip("@")
        if name and name not in names:
            names.append(name)
    found = people_named(names)
    problems = []
    program = thread.program
    for name in names:
        if name not in found:
            problems.append(f"@{name} is not a member of program {program.name}.")
    reasons = refusals(thread, found.values())
    problems.extend(reasons[p.pk] for p in found.values() if p.pk in reasons)
    if problems:
        raise InvalidInput(
            f"{field}: " + " ".join(problems),
            detail={"field": field, "refused": problems},
        )
    return [found[n] for n in names]


def mentionable(thread: Thread) -> QuerySet[Person]:
    """The people who may see the thread, among the program's active members."""
    candidates = list(
        Person.objects.filter(memberships__program_id=thread.program_id, is_active=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "username")
    )
    refused = refusals(thread, candidates)
    return Person.objects.filter(pk__in=[p.pk for p in candidates if p.pk not in refused])


def mentionable_for(user: Any, thread: Thread) -> QuerySet[Person]:
    """mentionable(thread) as the person may list them: a seller sees only the program
    owner's people and its own (as on the program's page), never the other partners'."""
    from accord.orgs.access import members_visible_to

    seen = members_visible_to(user, thread.program).values("person_id")
    return mentionable(thread).filter(pk__in=seen)
