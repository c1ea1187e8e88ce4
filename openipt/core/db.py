"""Database housekeeping that keeps queries fast after large changes, and queries compiled once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import QuerySet


def refresh_statistics() -> None:
    """Update the query planner's statistics (after bulk loads and at start-up)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


class _Slot:
    """Where one named value goes among a compiled query's parameters."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


# Placeholder ids given to `build`: negative, so no real id (always positive) and no constant of the query is one.
_PLACEHOLDER_BASE = -7_000_000_001


class CompiledOnce:
    """A query of fixed shape whose SQL Django builds once per process and connection; each run binds new ids.

    Building and compiling a queryset costs far more than running a small indexed query: the safety banner's
    query (two subqueries) took about 2 ms of CPU to compile and 0.05 ms to run (bench/pages.py, 1,000
    clients), and it runs on every page. `build(shape, **placeholders)` returns the `values_list` queryset
    for one shape (anything hashable that changes the SQL, such as a limit or whether a site filter applies),
    with one placeholder integer for each named value; its compiled SQL is kept, and each call puts the real
    values where the placeholders were. Values must be integers (ids); every other parameter is a constant
    of the shape. Rows come back converted as the ORM converts them (dates, JSON). The query runs through
    Django's cursor, so it is counted and logged like any other. One compilation per database connection
    (each thread has its own), since the converters belong to the connection that compiled.
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self._build = build
        # The compiled queries are kept on each connection (under this name), so they go when it goes: a thread
        # that ends (a development server runs each request in a new one) leaves no connection held open here.
        self._attribute = f"_openipt_compiled_{id(self)}"

    def rows(self, shape: Hashable, **values: int) -> list[tuple[Any, ...]]:
        """Run the query of this shape with these values and return its rows."""
        wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's connection
        cache: dict[tuple[Hashable, ...], tuple[str, list[Any], Any, Any]] = wrapper.__dict__.setdefault(
            self._attribute, {})
        key = (shape, tuple(sorted(values)))
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(wrapper, shape, sorted(values))
        sql, template, compiler, converters = compiled
        params = [values[p.name] if isinstance(p, _Slot) else p for p in template]
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(fetched, converters)]
        return [tuple(row) for row in fetched]

    def _compile(self, wrapper: Any, shape: Hashable, names: list[str]) -> tuple[str, list[Any], Any, Any]:
        placeholders = {name: _PLACEHOLDER_BASE - i for i, name in enumerate(names)}
        by_number = {number: name for name, number in placeholders.items()}
        compiler = self._build(shape, **placeholders).query.get_compiler(connection=wrapper)
        sql, params = compiler.as_sql()
        template: list[Any] = [
            _Slot(by_number[p]) if type(p) is int and p in by_number else p for p in params
        ]
        bound = {slot.name for slot in template if isinstance(slot, _Slot)}
        if bound != set(names):
            raise ValueError(f"the query does not use the values {sorted(set(names) - bound)} as parameters")
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        return sql, template, compiler, converters
