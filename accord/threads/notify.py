"""Notifying people of something, and showing it to them again only while they may see it.

A notification stores a reference (target kind and id), never the target's text. Each kind of
target registers a resolver: given a person and some ids, it answers the ones that person may
see now, with what to show (title, link, whether it is restricted). Access is checked:

- when notifying: a recipient who may not see the target gets nothing (no side-effect access);
- when shown, mailed or digested: a lapsed NDA or a removed membership stops delivery at once.

Resolvers take many ids at once so that an inbox page costs the same few queries for 5 rows as
for 50 (one call per kind on the page, not one per row).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.access import is_person
from accord.core.memo import access_memo
from accord.orgs.access import remember_reaches, sight_of
from accord.threads.models import Channel, Mute, Notification, NotificationPreference


@dataclass(frozen=True)
class Target:
    """What a notification shows of its target, for one person who may see it."""

    title: str
    url: str
    # Restricted subjects are mailed as a link, never as text.
    restricted: bool = False
    program_id: int | None = None


Resolver = Callable[[Any, Sequence[int]], dict[int, Target]]
_resolvers: dict[str, Resolver] = {}
# Kinds whose resolver reads only the person's sight (orgs.access.sight_of): many people are
# checked with one call for each group of them who see alike.
_by_sight: set[str] = set()
# The most ids one resolver call is given.
RESOLVE_CHUNK = 5000


def register_target(kind: str, *, by_sight: bool = False) -> Callable[[Resolver], Resolver]:
    """Decorator: `@register_target("thread") def threads_for(user, ids) -> {id: Target}`.
    The resolver answers only the ids the person may see now. `by_sight`: its answer depends
    on nothing but the person's sight (it reads only *_visible_to rules of their Reach), so
    that one call answers for everyone with the same sight."""

    def register(resolver: Resolver) -> Resolver:
        _resolvers[kind] = resolver
        if by_sight:
            _by_sight.add(kind)
        else:
            _by_sight.discard(kind)
        return resolver

    return register


def target_kinds() -> tuple[str, ...]:
    return tuple(sorted(_resolvers))


def resolve_targets(user: Any, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Target]:
    """The targets among `refs` the person may see now: one resolver call per kind."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, pk in refs:
        by_kind[kind].add(pk)
    found: dict[tuple[str, int], Target] = {}
    with access_memo():  # the person's programs and NDAs read once for every kind
        for kind, ids in by_kind.items():
            resolver = _resolvers.get(kind)
            if resolver is None:
                continue
            for pk, target in resolver(user, sorted(ids)).items():
                found[(kind, pk)] = target
    return found


def resolve_targets_of_many(
    wanted: Iterable[tuple[Any, Iterable[tuple[str, int]]]],
) -> dict[int, dict[tuple[str, int], Target]]:
    """resolve_targets for many people at once (person, refs), by person id: their Reach read
    together, and for kinds resolved by sight one resolver call for each group of people who
    see alike (with the union of their ids), not one a person."""
    people: dict[int, Any] = {}
    asked: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for person, refs in wanted:
        people[person.pk] = person
        asked[person.pk].update(refs)
    found: dict[int, dict[tuple[str, int], Target]] = {pk: {} for pk in people}
    with access_memo():
        remember_reaches(people.values())
        groups: dict[tuple[str, Hashable], tuple[Any, set[int]]] = {}
        alone: dict[int, list[tuple[str, int]]] = defaultdict(list)
        # Each group is checked as its first person by id among all those given (with refs
        # or not): the same person for each call of a digest's sources, so that what was
        # built for them (memoised) is reused.
        first: dict[Hashable, Any] = {}
        for pk in sorted(people):
            if is_person(people[pk]):
                first.setdefault(sight_of(people[pk]), people[pk])
        for pk in sorted(asked):
            person = people[pk]
            if not is_person(person):
                continue
            for kind, target in asked[pk]:
                if kind in _by_sight:
                    seen_as = sight_of(person)
                    groups.setdefault((kind, seen_as), (first[seen_as], set()))[1].add(target)
                else:
                    alone[pk].append((kind, target))
        answers: dict[tuple[str, Hashable], dict[int, Target]] = {}
        for (kind, sight), (someone, ids) in groups.items():
            ordered = sorted(ids)
            answer: dict[int, Target] = {}
            for start in range(0, len(ordered), RESOLVE_CHUNK):  # within any IN (...) limit
                answer.update(_resolvers[kind](someone, ordered[start : start + RESOLVE_CHUNK]))
            answers[(kind, sight)] = answer
        for pk, refs in asked.items():
            person = people[pk]
            if not is_person(person):
                continue
            for kind, target in refs:
                if kind in _by_sight:
                    hit = answers[(kind, sight_of(person))].get(target)
                    if hit is not None:
                        found[pk][(kind, target)] = hit
            if alone.get(pk):
                found[pk].update(resolve_targets(person, alone[pk]))
    return found


def may_see_target(user: Any, kind: str, pk: int) -> bool:
    return (kind, pk) in resolve_targets(user, [(kind, pk)])


@dataclass(frozen=True)
class Notice:
    """One notification to write for notify_many: the target's id, to whom, in which group."""

    pk: int
    recipients: Sequence[Any]
    group_key: str = ""


def notify(
    *,
    actor: Any,
    recipients: Iterable[Any],
    event: str,
    kind: str,
    pk: int,
    group_key: str = "",
    now: dt.datetime | None = None,
) -> list[Notification]:
    """Notify each recipient who may see the target (never the actor), inside the caller's
    transaction. Nobody who muted the group, nor who turned both the inbox and e-mail off for
    the event, gets one; with the inbox off for the event it is written for e-mail only.
    Returns the notifications written."""
    return notify_many(
        actor=actor,
        event=event,
        kind=kind,
        notices=[Notice(pk=pk, recipients=list(recipients), group_key=group_key)],
        now=now,
    )


def notify_many(
    *,
    actor: Any,
    event: str,
    kind: str,
    notices: Sequence[Notice],
    now: dt.datetime | None = None,
) -> list[Notification]:
    """notify() for many targets of one kind at once (a sweep's escalations): the same rules,
    with mutes and preferences read in one query each and each recipient's access checked once
    for all the targets they are to hear of (one resolver call a person, not one a target)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the service's transaction")
    if kind not in _resolvers:
        raise LookupError(f"No resolver is registered for notifications about {kind!r}.")
    actor_id = getattr(actor, "pk", None)
    batches: list[tuple[Notice, list[Any]]] = []
    for notice in notices:
        seen: set[int] = set()
        people: list[Any] = []
        for person in notice.recipients:
            if person.pk in seen or person.pk == actor_id or not person.is_active:
                continue
            seen.add(person.pk)
            people.append(person)
        if people:
            batches.append((notice, people))
    if not batches:
        return []
    ids = sorted({p.pk for _, people in batches for p in people})
    groups = sorted({n.group_key or f"{kind}:{n.pk}" for n, _ in batches})
    muted = set(
        Mute.objects.filter(person_id__in=ids, group_key__in=groups).values_list(
            "person_id", "group_key"
        )
    )
    off = set(
        NotificationPreference.objects.filter(
            person_id__in=ids, event=event, enabled=False
        ).values_list("person_id", "channel")
    )
    wanted: list[tuple[Notice, Any, bool, bool]] = []
    asked: dict[int, tuple[Any, set[int]]] = {}
    for notice, people in batches:
        group = notice.group_key or f"{kind}:{notice.pk}"
        for person in people:
            inbox = (person.pk, Channel.INBOX) not in off
            email = (person.pk, Channel.EMAIL) not in off
            if (person.pk, group) in muted or not (inbox or email):
                continue
            wanted.append((notice, person, inbox, email))
            asked.setdefault(person.pk, (person, set()))[1].add(notice.pk)
    # No side-effect access: every recipient's targets checked now, together.
    resolved = resolve_targets_of_many(
        (person, [(kind, t) for t in targets]) for person, targets in asked.values()
    )
    seen_by = {pk: {target for _, target in refs} for pk, refs in resolved.items()}
    moment = now or timezone.now()
    rows = [
        Notification(
            recipient=person,
            event=event,
            target_kind=kind,
            target_id=notice.pk,
            group_key=notice.group_key,
            actor_id=actor_id,
            created_at=moment,
            in_inbox=inbox,
            # Nothing to mail: the e-mail sweep need not look at it.
            mail_checked_at=None if email else moment,
        )
        for notice, person, inbox, email in wanted
        if notice.pk in seen_by[person.pk]
    ]
    return Notification.objects.bulk_create(rows, batch_size=1000)
