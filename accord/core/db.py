"""Small database helpers that keep bulk work set-based on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Aggregate, CharField, Value

T = TypeVar("T")


class GroupConcat(Aggregate):
    """Concatenate strings of a group with a separator (SQLite group_concat, PG string_agg)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def __init__(self, expression: Any, separator: str = " ", **extra: Any) -> None:
        super().__init__(expression, Value(separator), **extra)

    def as_postgresql(self, compiler: Any, conn: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, conn, function="STRING_AGG", **extra)


def chunked(items: Sequence[T] | Iterable[T], size: int = 5000) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def refresh_planner_statistics() -> None:
    """After bulk writes: without statistics SQLite picks scans and list pages get 50x slower."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
