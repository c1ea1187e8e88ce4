"""`openipt.core.db.CompiledOnce`: a query's SQL compiled once, run with each call's own values."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.clients.models import Assignment
from openipt.core.db import CompiledOnce


def _assigned(shape, *, staff: int):
    return Assignment.objects.filter(staff_id=staff).order_by("client_id").values_list("client_id", flat=True)[:shape]


def test_each_call_gets_the_rows_of_its_own_values_as_the_orm_would(world):
    query = CompiledOnce(_assigned)
    for member in ("therapist", "therapist2", "therapist", "admin"):
        staff = world.m[member].pk
        expected = list(Assignment.objects.filter(staff_id=staff).order_by("client_id").values_list("client_id")[:10])
        assert query.rows(10, staff=staff) == [tuple(row) for row in expected]
    assert query.rows(10, staff=world.m["therapist"].pk)  # the world assigns the therapist clients


def test_a_shape_is_its_own_query_and_every_run_is_counted(world):
    query = CompiledOnce(_assigned)
    staff = world.m["therapist"].pk
    with CaptureQueriesContext(connection) as ran:
        one, many = query.rows(1, staff=staff), query.rows(50, staff=staff)
    assert len(one) == 1 and len(many) >= len(one) and len(ran.captured_queries) == 2


def test_a_value_the_query_does_not_use_is_refused(db):
    query = CompiledOnce(lambda shape, *, staff, other: Assignment.objects.filter(staff_id=staff).values_list("pk"))
    with pytest.raises(ValueError, match="other"):
        query.rows(None, staff=1, other=2)


def test_a_finished_threads_connection_is_not_kept_alive_by_the_compiled_query(db):
    """A server that runs each request in a new thread (the development server) must not keep every finished
    thread's database connection open: the compiled query belongs to the connection, and goes with it."""
    import gc
    import threading
    import weakref

    from django.db import connections

    query = CompiledOnce(_assigned)
    seen: list[weakref.ref] = []

    def request() -> None:
        query.rows(1, staff=1)
        seen.append(weakref.ref(connections["default"]))

    for _ in range(3):
        worker = threading.Thread(target=request)
        worker.start()
        worker.join()
    gc.collect()
    assert len(seen) == 3
    assert [ref() for ref in seen] == [None, None, None]
