"""Small database helpers that keep bulk work set-based on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db import models as dj_models
from django.db.models import Aggregate, CharField, Value
from django.utils import timezone

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


def insert_rows(
    model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 5000
) -> int:
    """Insert many rows with one prepared statement (SQLite executemany, PostgreSQL COPY).

    Django's bulk_create writes one multi-row INSERT per few hundred rows, which SQLite must
    parse again each time; here the statement is prepared once. Values are converted by each
    field's own get_db_prep_save, so callers pass the same Python values as to the ORM. The
    caller makes sure no row collides with a unique constraint (rows are new by construction).
    """
    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    # Columns the caller leaves out get the model's defaults, as Model.save() would give them.
    rest = [
        f
        for f in meta.concrete_fields
        if not f.primary_key and f not in given and f.db_default is dj_models.NOT_PROVIDED
    ]
    now = timezone.now()
    defaults = [now if _automatic_time(f) else f.get_default() for f in rest]
    fields = given + rest
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    is_json = [isinstance(f, dj_models.JSONField) for f in fields]

    def prepared(row: Sequence[Any]) -> list[Any]:
        return [
            json.dumps(value) if json_field else field.get_db_prep_save(value, connection)
            for field, json_field, value in zip(fields, is_json, (*row, *defaults), strict=True)
        ]

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        # Table and column names come from the model, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        for chunk in chunked(rows, batch):
            cursor.executemany(sql, [prepared(row) for row in chunk])
            count += len(chunk)
    return count


def _automatic_time(field: Any) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
