"""What notifications about threads and action items show: resolvers registered with
threads/notify.py, answering only the ids the person may see now (one query per kind)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse

from accord.threads.access import action_items_visible_among, threads_visible_among
from accord.threads.notify import Target, register_target
from accord.threads.subjects import subject_kinds


def restricted_kinds() -> set[str]:
    """Kinds whose subjects may be restricted data: mailed as a link, never as text."""
    return {kind for kind, entry in subject_kinds().items() if entry.restricted is not None}


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
    restricted = restricted_kinds()
    rows = threads_visible_among(user, ids)
    return {
        t.pk: Target(
            title=t.title,
            url=thread_url(t.pk),
            restricted=t.subject_kind in restricted,
            program_id=t.program_id,
        )
        for t in rows.only("pk", "title", "subject_kind", "program_id")
    }


@register_target("action_item", by_sight=True)
def action_items_for(user: Any, ids: Sequence[int]) -> dict[int, Target]:
    restricted = restricted_kinds()
    rows = (
        action_items_visible_among(user, ids)
        .select_related("thread")
        .only(
            "pk",
            "title",
            "program_id",
            "thread__subject_kind",
            "thread_id",
            "source_kind",
            "source_id",
        )
    )
    return {
        item.pk: Target(
            title=item.title,
            url=action_item_url(item),
            restricted=item.thread is None or item.thread.subject_kind in restricted,
            program_id=item.program_id,
        )
        for item in rows
    }
