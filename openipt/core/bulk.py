"""Inserting many new rows of one model in few statements (a batch of questionnaires and their audit events, issue 15).

`insert_many` stores exactly what `Model.objects.bulk_create` stores for the same unsaved instances, and
sets their primary keys in the same order, but prepares the values more cheaply. Django's insert compiler
calls each field's full preparation for every value of every row (about 30 fields by 500 rows for a batch
of questionnaires), which cost about half of a batch's time. Here the way to prepare a column is chosen
once: a text, whole-number or yes/no value of the type the column holds goes through the field's database
preparation without the generic checks (which would hand it back unchanged), and any other value (JSON,
dates, identifiers, addresses, or a value of an unexpected type) through the field's own `get_db_prep_save`,
as `bulk_create` does. An aware date-time skips only the checks for naive ones, equal date-times in one
column are prepared once, and an empty value (None) is prepared once per column.

The rows go in as `INSERT ... VALUES (...), (...) RETURNING id`, as many rows in one statement as the
database takes, so the new ids come back in the order of the rows (as `bulk_create` relies on too).
On PostgreSQL they go in as Django's own `bulk_create` sends them there: one array a column,
`INSERT ... SELECT * FROM UNNEST(%s::type[], ...) RETURNING id`, so a statement has one parameter a
column instead of one a value (psycopg splits a query's text into its parameters in Python, and for a
statement of 500 rows of 31 values that took about 60 ms, longer than the database took to store them).
A database that cannot return the ids of a multi-row insert gets `bulk_create` itself.
tests/core/test_bulk_insert.py checks that both ways store the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model

TEXT_TYPES = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})
WHOLE_TYPES = frozenset({
    "IntegerField", "SmallIntegerField", "BigIntegerField", "PositiveSmallIntegerField", "PositiveIntegerField",
    "PositiveBigIntegerField", "AutoField", "SmallAutoField", "BigAutoField",
})
YES_NO_TYPES = frozenset({"BooleanField"})
MOST_ROWS = 1000  # rows in one statement at most, whatever the database would take


def _preparer(field: Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    """How to prepare one column's values for the database, chosen once for the column."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    expected: type | None = None
    if kind in TEXT_TYPES:
        expected = str
    elif kind in WHOLE_TYPES:
        expected = int
    elif kind in YES_NO_TYPES:
        expected = bool
    if expected is not None:
        plain = expected

        def prepare_plain(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is plain:  # not a subclass (True is an int, a lazy text is not a str)
                return field.get_db_prep_value(value, connection, prepared=True)
            return field.get_db_prep_save(value, connection)

        return prepare_plain
    none = field.get_db_prep_save(None, connection)  # what an empty value becomes in this column, worked out once
    if kind == "DateTimeField":
        seen: dict[datetime, Any] = {}

        def prepare_time(value: Any) -> Any:
            if value is None:
                return none
            if type(value) is not datetime or value.utcoffset() is None:
                return field.get_db_prep_save(value, connection)  # a naive time or a text: the field's own checks
            found = seen.get(value)
            if found is None:  # an aware time needs no checks: only the database's form of it
                found = seen[value] = field.get_db_prep_value(value, connection, prepared=True)
            return found

        return prepare_time
    return lambda value: none if value is None else field.get_db_prep_save(value, connection)


def _rows_a_statement(connection: Any, columns: int) -> int:
    limit = connection.features.max_query_params
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if limit is None:
        limit = 65535  # what PostgreSQL takes with server-side parameters; plenty with the client-side default
    return max(1, min(MOST_ROWS, int(limit) // max(1, columns)))


def _unnest_types(fields: Sequence[Field[Any, Any]], connection: Any) -> list[str] | None:
    """The array type of each column for PostgreSQL's UNNEST insert, or None where Django would not use it.

    The same conditions as Django's PostgreSQL insert compiler: every column of a standard type with one
    placeholder for any value, its type without its length (varchar, not varchar(40), so nothing is cut).
    """
    if connection.vendor != "postgresql":
        return None
    for f in fields:
        target = f.target_field if f.is_relation else f  # type: ignore[attr-defined]
        if hasattr(f, "get_placeholder") or target.get_internal_type() not in connection.data_types:
            return None
    return [str(f.db_type(connection)).split("(")[0] for f in fields]


def insert_many(objs: Sequence[Model]) -> None:
    """Insert new instances of one model (no primary key yet), setting each one's key, as `bulk_create` would."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    auto = opts.auto_field
    if (
        auto is None
        or not connection.features.can_return_rows_from_bulk_insert
        or any(type(o) is not model or o.pk is not None for o in objs)
    ):
        model._default_manager.using(alias).bulk_create(objs)
        return
    fields = [f for f in opts.concrete_fields if f is not auto and not getattr(f, "generated", False)]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    preparers = [_preparer(f, connection) for f in fields]
    attnames = [f.attname for f in fields]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) ".format(quote(opts.db_table), ", ".join(quote(str(f.column)) for f in fields))
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(opts.db_table)}.{quote(str(auto.column))}"
    arrays = _unnest_types(fields, connection)
    size = MOST_ROWS if arrays else _rows_a_statement(connection, len(fields))
    for obj in objs:
        for f in stamped:
            f.pre_save(obj, True)  # the time stamps bulk_create sets
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start:start + size]
            params: list[Any] = []
            for obj in chunk:
                values = obj.__dict__
                params.extend(prepare(values[name] if name in values else getattr(obj, name))
                              for prepare, name in zip(preparers, attnames, strict=True))
            if arrays:  # one array a column, in the order of the rows
                width = len(fields)
                columns = [params[i::width] for i in range(width)]
                sql = head + "SELECT * FROM UNNEST(" + ", ".join(f"(%s)::{t}[]" for t in arrays) + ")" + tail
                cursor.execute(sql, columns)
            else:
                cursor.execute(head + "VALUES " + ", ".join([one_row] * len(chunk)) + tail, params)
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) != len(chunk):
                raise RuntimeError(f"the database returned {len(ids)} ids for {len(chunk)} new rows")
            converters = auto.get_db_converters(connection)
            for obj, pk in zip(chunk, ids, strict=True):
                for convert in converters:
                    pk = convert(pk, auto, connection)
                setattr(obj, auto.attname, pk)
                obj._state.adding = False
                obj._state.db = alias
