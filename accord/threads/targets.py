"""What notifications about threads and action items show: resolvers registered with
threads/notify.py, answering only the ids the person may see now (one query per kind)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse

from accord.core.memo import memoised
from accord.threads.access import action_items_visible_among, threads_visible_among
from accord.threads.notify import Target, register_target
from accord.threads.subjects import subject_kinds


def restricted_subjects(subjects: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of the subjects (kind, id) are restricted data: mailed as a link, never as text.
    What is known is kept for the memo's life (a digest run asks about the same subjects for
    each group of people), so each subject is looked up once; a subject's classification is
    the same for everyone."""
    asked = set(subjects)
    known: dict[tuple[str, int], bool] = memoised(("restricted_subjects",), dict)
    unknown: dict[str, set[int]] = {}
    for kind, pk in asked:
        if (kind, pk) not in known:
            unknown.setdefault(kind, set()).add(pk)
    kinds = subject_kinds()
    for kind, ids in unknown.items():
        entry = kinds.get(kind)
        # A kind no longer registered: treated as restricted (a link only).
        restricted = ids if entry is None else entry.restricted_among(ids)
        for pk in ids:
            known[(kind, pk)] = pk in restricted
    return {ref for ref in asked if known[ref]}


def action_item_url(item: Any) -> str:
    """Where an action item is shown: in its thread or its check-in, or among the person's own
    items when it came from a finding."""
    if item.thread_id is None and item.source_kind == "checkin":
        return reverse("checkin_detail", args=[item.source_id]) + f"#action-{item.pk}"
    if item.thread_id is None:
        return reverse("my_action_items")
    return thread_url(item.thread_id) + f"#action-{item.pk}"


_PLACEHOLDER = 987654321


@lru_cache(maxsize=16)
def _thread_url_pattern(script_prefix: str) -> str:
    return reverse("thread_detail", args=[_PLACEHOLDER])


def thread_url(pk: int) -> str:
    """reverse("thread_detail", args=[pk]), without resolving the pattern again for each of the
    thousands of targets a sweep or a digest links to."""
    return _thread_url_pattern(get_script_prefix()).replace(str(_PLACEHOLDER), str(int(pk)))


@register_target("thread", by_sight=True)
def threads_for(user: Any, ids: Sequence[int]) -> dict[int, Target]:
    rows = list(
        threads_visible_among(user, ids).only(
            "pk", "title", "subject_kind", "subject_id", "program_id"
        )
    )
    restricted = restricted_subjects((t.subject_kind, t.subject_id) for t in rows)
    return {
        t.pk: Target(
            title=t.title,
            url=thread_url(t.pk),
            restricted=(t.subject_kind, t.subject_id) in restricted,
            program_id=t.program_id,
        )
        for t in rows
    }


@register_target("action_item", by_sight=True)
def action_items_for(user: Any, ids: Sequence[int]) -> dict[int, Target]:
    """An item of a thread is restricted as the thread's subject is; one of a finding is (audit
    findings are restricted data); one of a check-in is not (its title was written in the
    meeting of the two sides, and is in the minutes mailed to them)."""
    rows = list(
        action_items_visible_among(user, ids)
        .select_related("thread")
        .only(
            "pk",
            "title",
            "program_id",
            "thread__subject_kind",
            "thread__subject_id",
            "thread_id",
            "source_kind",
            "source_id",
        )
    )
    restricted = restricted_subjects(
        (i.thread.subject_kind, i.thread.subject_id) for i in rows if i.thread is not None
    )
    return {
        item.pk: Target(
            title=item.title,
            url=action_item_url(item),
            restricted=(
                item.source_kind != "checkin"
                if item.thread is None
                else (item.thread.subject_kind, item.thread.subject_id) in restricted
            ),
            program_id=item.program_id,
        )
        for item in rows
    }
