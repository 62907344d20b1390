"""Small database helpers that keep bulk work set-based on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db import models as dj_models
from django.db.models import Aggregate, CharField, Value
from django.db.models.expressions import RawSQL
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


def rows_of(query: Any) -> list[tuple[Any, ...]]:
    """A values_list query's rows as the driver returns them, in one fetch: none of Django's
    per-value converters, which cost more than the fetch (SQLite dates stay text)."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (a person who may see nothing)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def blobs_of(query: Any) -> list[tuple[bytes | None, ...]]:
    """A values_list query of binary columns as bytes, in one fetch. PostgreSQL hands them in
    its binary format: as text (hex) a few hundred megabytes took seven times as long to
    fetch and decode."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return []
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        import psycopg

        # Django's cursors bind on the client, which hands out text only.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return [tuple(_bytes(v) for v in row) for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(_bytes(v) for v in row) for row in cursor.fetchall()]


def _bytes(value: Any) -> bytes | None:
    return value if value is None or isinstance(value, bytes) else bytes(value)


def _as_text_value(column: str, dtype: Any, vendor: str) -> str:
    """SQL giving a column of the reader's query in a form the bulk reader parses fast:
    times as microseconds since 1970 (UTC), the rest as they are."""
    import polars as pl

    if isinstance(dtype, pl.Datetime):
        if vendor == "postgresql":
            return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
        # Django keeps SQLite times as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]"; its cursor
        # takes %% for a percent sign.
        return (
            f"(CAST(strftime('%%s', {column}) AS INTEGER) * 1000000"
            f" + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
        )
    return column


def frame_of_query(query: Any, schema: dict[str, Any]) -> Any:
    """A values_list query's rows as a Polars frame of `schema` (one name and type per
    values_list column, in its order), without a Python object per value (frame_of_sql).
    Give decimals as Cast(..., FloatField()), so that both databases hand out floats."""
    import polars as pl

    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (a person who may see nothing)
        return pl.DataFrame(schema=schema)
    # The columns in the order the SQL selects them (Django's `selected`, in values_list's
    # order since 5.2).
    in_sql = list(query.query.selected)
    position = {name: index for index, name in enumerate(in_sql)}
    aliases = ", ".join(f"c{i}" for i in range(len(in_sql)))
    ordered = ", ".join(f"c{position[given]}" for given in query._fields)
    return frame_of_sql(
        f"WITH q({aliases}) AS ({sql}) SELECT {ordered} FROM q",  # noqa: S608
        params,
        schema,
    )


def frame_of_sql(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> Any:
    """The rows of a SELECT (one column per `schema` entry, in its order) as a Polars frame:
    the database writes them as CSV text (PostgreSQL in pieces of CSV_PIECE rows, SQLite as
    one value) and Polars parses it in bulk. A row at a time, the driver's and Polars'
    conversions took 5 s for 100,000 lines; COPY hands out one message per row, a Python
    step per row, a second per hundred thousand rows."""
    import io

    import polars as pl

    vendor = connection.vendor
    aliases = ", ".join(f"c{i}" for i in range(len(schema)))
    fields = " || ',' || ".join(
        _csv_field(_as_text_value(f"c{index}", dtype, vendor), dtype, vendor)
        for index, dtype in enumerate(schema.values())
    )
    names = list(schema)
    data = io.BytesIO()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # In pieces of CSV_PIECE rows: one text value is capped at a gigabyte.
            cursor.execute(
                f"WITH q({aliases}) AS ({sql}), "  # noqa: S608
                f"r AS (SELECT {fields} AS line, row_number() OVER () - 1 AS n FROM q) "
                f"SELECT string_agg(line, E'\\n' ORDER BY n) FROM r "
                f"GROUP BY n / {CSV_PIECE} ORDER BY n / {CSV_PIECE}",
                params,
            )
            for (piece,) in cursor.fetchall():
                data.write(piece.encode())
                data.write(b"\n")
        else:
            cursor.execute(
                f"WITH q({aliases}) AS ({sql}) "  # noqa: S608
                f"SELECT group_concat({fields}, char(10)) FROM q",
                params,
            )
            data.write((cursor.fetchone()[0] or "").encode())
    raw_schema = {n: _raw_type(t) for n, t in schema.items()}
    raw = (
        pl.read_csv(
            data.getvalue(),
            has_header=False,
            new_columns=names,
            schema=raw_schema,
        )
        if data.tell()
        else pl.DataFrame(schema=raw_schema)
    )
    columns = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            column = column.str.to_date("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            column = column.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        columns.append(column.cast(dtype).alias(name))
    return raw.select(columns)


CSV_PIECE = 100_000


def _csv_field(value: str, dtype: Any, vendor: str) -> str:
    """A CSV field in SQL: text quoted (quotes doubled), NULL as nothing."""
    import polars as pl

    if dtype == pl.String:
        text = f"CAST({value} AS TEXT)" if vendor == "postgresql" else value  # json, too
        quoted = f"""'"' || replace({text}, '"', '""') || '"'"""
        return f"CASE WHEN {value} IS NULL THEN '' ELSE {quoted} END"
    if vendor == "postgresql":
        return f"coalesce(CAST({value} AS TEXT), '')"
    return f"ifnull(CAST({value} AS TEXT), '')"


def _raw_type(dtype: Any) -> Any:
    """How the bulk reader receives a column before it converts it: dates as ISO text,
    times as integers (microseconds), the rest as they are."""
    import polars as pl

    if dtype == pl.Date:
        return pl.String
    if isinstance(dtype, pl.Datetime):
        return pl.Int64
    return dtype


def refresh_planner_statistics() -> None:
    """After bulk writes: without statistics SQLite picks scans and list pages get 50x slower."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            # A GIN index (the trigram search indexes) keeps new entries in a pending list that
            # every search reads through until (auto)vacuum merges it: after bulk writes, a
            # search took 6.5 ms instead of 0.1 ms on 10,000 parts. Merge the lists we own now.
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE a.amname = 'gin' AND c.relnamespace = current_schema()::regnamespace "
                "AND pg_has_role(c.relowner, 'MEMBER')"
            )


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


def update_rows(model: type[Any], fields: Sequence[str], objects: Sequence[Any]) -> int:
    """Write `fields` of each of the model instances back to its row, with one prepared
    UPDATE ... WHERE pk = %s run for them all (executemany; pipelined on PostgreSQL).

    Django's bulk_update builds a CASE WHEN per field for every row, which costs more to build
    than to run when thousands of rows have values of their own (e-mails sent with their own
    subject). Values are converted by each field's get_db_prep_save, as the ORM would."""
    if not objects:
        return 0
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in given)
    # Table and column names come from the model, quoted; values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608

    def prepared(obj: Any) -> list[Any]:
        values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in given]
        return [*values, obj.pk]

    with connection.cursor() as cursor:
        cursor.executemany(sql, [prepared(obj) for obj in objects])
    return len(objects)


def _automatic_time(field: Any) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


# Set-based writes through temporary tables ---------------------------------------------------
#
# A long import must not hold the database's write lock (SQLite has one for the whole file)
# while it parses and matches. It computes its rows first, loads them into TEMP tables (SQLite
# keeps those in a database of their own, so filling them takes no lock on the main one), and
# then publishes them in one short transaction of INSERT ... SELECT statements joined on the
# natural keys. Rows that exist by then are used as they are (ON CONFLICT DO NOTHING), so a
# concurrent import of the same parts cannot make the publication fail half-way.


class TempTable:
    """A temporary table of this connection: columns typed like the model fields they feed."""

    def __init__(self, name: str, columns: Sequence[tuple[str, Any]]) -> None:
        """`columns`: (name, a model field or a SQL type). Values of a field column are
        converted by that field, as the ORM would convert them."""
        self.name = name
        self.columns = [name for name, _ in columns]
        self._specs = [spec for _, spec in columns]
        self._fields = [spec if isinstance(spec, dj_models.Field) else None for spec in self._specs]

    @property
    def quoted(self) -> str:
        return connection.ops.quote_name(self.name)

    def create(self) -> None:
        quote = connection.ops.quote_name
        types = [
            spec.db_type(connection) if isinstance(spec, dj_models.Field) else spec
            for spec in self._specs
        ]
        body = ", ".join(f"{quote(c)} {t}" for c, t in zip(self.columns, types, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.quoted}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.quoted} ({body})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.quoted}")

    def load(self, rows: Iterable[Sequence[Any]], *, batch: int = 5000) -> int:
        """Insert the rows (one prepared statement; COPY on PostgreSQL)."""
        prepared = self._preparer()
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.quoted} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(prepared(row))
                        count += 1
                # Autovacuum never analyzes temporary tables: without statistics the planner
                # guesses their size when it joins them to the catalogue.
                cursor.execute(f"ANALYZE {self.quoted}")
                return count
            placeholders = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {self.quoted} ({names}) VALUES ({placeholders})"  # noqa: S608
            with _temp_write_batch():
                for chunk in chunked(rows, batch):
                    cursor.executemany(sql, [prepared(row) for row in chunk])
                    count += len(chunk)
        return count

    def _preparer(self) -> Any:
        """A function converting a row for the driver. Only values the driver cannot take as
        they are go through their field (dates, JSON); the rest pass untouched, which for
        hundreds of thousands of values is most of the loading time saved."""
        converters = [_converter(field) for field in self._fields]
        if not any(converters):
            return list
        pairs = list(enumerate(converters))

        def prepared(row: Sequence[Any]) -> list[Any]:
            values = list(row)
            for i, convert in pairs:
                if convert is not None and values[i] is not None:
                    values[i] = convert(values[i])
            return values

        return prepared


def _converter(field: Any) -> Any:
    if field is None:
        return None
    if isinstance(field, dj_models.JSONField):
        return json.dumps
    if isinstance(field, dj_models.DateField | dj_models.TimeField | dj_models.DurationField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None  # text, numbers, booleans and decimals: the drivers adapt them


@contextmanager
def _temp_write_batch() -> Iterator[None]:
    """On SQLite outside any transaction: one deferred transaction around the inserts into
    temp tables instead of one per row (4x faster). A deferred transaction that writes only
    the temp database takes no lock on the main one."""
    if connection.vendor != "sqlite" or not connection.get_autocommit():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")


@contextmanager
def temp_tables(*tables: TempTable) -> Iterator[None]:
    """Create the tables on entry, drop them on exit (also after an error)."""
    from django.db import DatabaseError

    for table in tables:
        table.create()
    try:
        yield
    finally:
        for table in tables:
            try:
                table.drop()
            except DatabaseError:  # a broken connection takes its temp tables with it
                break


def insert_select(
    model: type[Any],
    columns: Sequence[str],
    select: str,
    rest: str,
    *,
    select_params: Sequence[Any] = (),
    rest_params: Sequence[Any] = (),
    ignore_conflicts: bool = True,
) -> int:
    """INSERT INTO <model's table> (columns) SELECT <select> <rest>: the rows of a query.

    `select` gives one expression per column; the model's other columns get their defaults as
    Model.save() would. `rest` is the FROM ... WHERE ... part and must have a WHERE (SQLite's
    upsert syntax needs one). With ignore_conflicts, rows colliding with a unique constraint
    are skipped (ON CONFLICT DO NOTHING). Returns the number of rows inserted."""
    if " WHERE " not in f" {' '.join(rest.upper().split())} ":
        raise ValueError("insert_select needs a WHERE clause (WHERE true will do)")
    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    others = [
        f
        for f in meta.concrete_fields
        if not f.primary_key and f not in given and f.db_default is dj_models.NOT_PROVIDED
    ]
    now = timezone.now()
    defaults = [
        json.dumps(f.get_default())
        if isinstance(f, dj_models.JSONField)
        else f.get_db_prep_save(now if _automatic_time(f) else f.get_default(), connection)
        for f in others
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*given, *others])
    default_exprs = "".join(f", {typed_parameter(f)}" for f in others)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    # Table and column names come from the model, quoted; values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) "
        f"SELECT {select}{default_exprs} {rest}{conflict}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *defaults, *rest_params])
        return max(cursor.rowcount, 0)


def one_of(values: Iterable[Any], sql_type: Literal["text", "bigint"] = "text") -> RawSQL:
    """The values as a subquery for a `field__in=` filter, bound as one parameter: a JSON
    array on SQLite, an array of `sql_type` on PostgreSQL. Django's own `__in` binds each value
    on its own: for the 7,500 MPN keys of a 5,000-line BOM that took 15-25 ms more per query,
    and SQLite refuses statements of more than 32,766 parameters."""
    items = list(values)
    if sql_type not in ("text", "bigint"):
        raise ValueError(f"one_of: unsupported type {sql_type!r}")
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [items])  # noqa: S611 (type checked)
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(items)])


def typed_parameter(field: Any) -> str:
    """A parameter typed as the field's column: PostgreSQL cannot infer the type of a bare
    parameter in a SELECT list."""
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.db_type(connection)})"
    return "%s"


def insert_frame(model: type[Any], frame: Any) -> int:
    """Insert the rows of a Polars frame whose columns are the model's column names (e.g.
    `rated_id`): PostgreSQL COPY of the frame written as CSV, SQLite one prepared statement.
    Unlike insert_rows no value passes through Python one by one, which for the hundreds of
    thousands of rows of a recompute is most of its time. Columns are given, never defaulted;
    dates and times are written in ISO form, times in UTC."""
    import polars as pl

    if frame.is_empty():
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data = frame.write_csv(
                include_header=False,
                null_value="\\N",
                datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z",
                float_precision=None,
            )
            sql = f"COPY {table} ({names}) FROM STDIN (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(data.encode())
            return frame.height
        texts = frame.with_columns(
            pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
            pl.col(pl.Datetime).dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%d %H:%M:%S.%f"),
            pl.col(pl.Boolean).cast(pl.Int8),
        )
        placeholders = ", ".join(["%s"] * len(frame.columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        for chunk in texts.iter_slices(50_000):
            cursor.executemany(sql, chunk.rows())
    return frame.height
