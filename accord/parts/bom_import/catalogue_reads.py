"""The catalogue rows a plan was made from, kept so that a later commit can check them again.

A plan (matching.plan_import) is a pure function of the parsed lines, the options and the rows
its queries return. Every query of the plan goes through `read_rows`; while `recording()` is
active, each query is kept with the rows it returned. `RecordedReads.still_hold()` runs the
same queries again, in the same order, and says whether every one returns the same rows: then
a plan made now would be the plan made then, and the work between the queries (most of a
plan's time) need not be done again. The queries run in order and stop at the first change:
a later query's parameters come from earlier rows, which are then the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import QuerySet


class RecordedReads:
    def __init__(self) -> None:
        self.reads: list[tuple[QuerySet[Any, Any], list[Any]]] = []

    def still_hold(self) -> bool:
        """True when every recorded query returns the rows it returned when recorded."""
        return all(list(query.all()) == rows for query, rows in self.reads)

    def __len__(self) -> int:
        return len(self.reads)


_recording: ContextVar[RecordedReads | None] = ContextVar("catalogue_reads", default=None)


def read_rows(query: QuerySet[Any, Any]) -> list[Any]:
    """The query's rows as a list, kept with the query while a recording is active."""
    rows = list(query)
    if (recorded := _recording.get()) is not None:
        recorded.reads.append((query.all(), rows))
    return rows


@contextmanager
def recording() -> Iterator[RecordedReads]:
    recorded = RecordedReads()
    token = _recording.set(recorded)
    try:
        yield recorded
    finally:
        _recording.reset(token)
