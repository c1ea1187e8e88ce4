"""`bulk.insert_many` stores what Django's `bulk_create` stores (issue 15: the batch path's faster insert).

A batch of questionnaires is stored with `insert_many`, which prepares the values itself; if it stored
anything differently from the ORM (a time, the answers, a yes/no, an empty value), scores, alerts and
exports read later would differ. Each check here stores the same row both ways and compares what the
database gives back; it runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.accounts.actor import Actor, Origin
from openipt.audit import actions as audit
from openipt.audit.models import AuditEvent
from openipt.core import bulk
from openipt.measures.models import Administration, Source, Status
from tests.support.measures import phq9, start_course

pytestmark = pytest.mark.django_db


def _administration(world, course, external_id: str, **extra) -> Administration:
    when = timezone.now().replace(microsecond=123456) - timedelta(days=2)
    client = world.clients["mine"]
    fields = {
        "organisation_id": client.organisation_id,
        "client": client,
        "course": course,
        "session_number": 3,
        "due_key": "",
        "instrument_code": "phq9",
        "instrument_version": "phq9 v1 «ü»",
        "answers": phq9(2, 1, 0, 3, None, 1, 0, 2, 1, difficulty=0),
        "status": Status.COMPLETED,
        "total": 11,
        "band": "moderate",
        "prorated": True,
        "flags": [{"item": "q9", "value": 1, "score": 1, "threshold": 1}],
        "screen_positive": None,
        "screen_cutoff": 10,
        "sex_used": "",
        "source": Source.STAFF,
        "entered_by": world.m["therapist"],
        "entered_by_role": "therapist",
        "external_id": external_id,
        "safety_followup": True,
        "started_at": when,
        "completed_at": when + timedelta(minutes=7),
    }
    fields.update(extra)
    return Administration(**fields)


def _stored(pk: int) -> dict:
    """Every column as read back, but those that differ between two rows by design (key, identifiers, saved at)."""
    row = Administration.objects.filter(pk=pk).values().get()
    for name in ("id", "uuid", "external_id", "updated_at"):
        row.pop(name)
    return row


def test_insert_many_stores_exactly_what_bulk_create_stores_and_sets_the_keys_in_order(world):
    course = start_course(world)
    by_orm = [_administration(world, course, f"orm-{n}", total=n, screen_positive=n % 2 == 0) for n in range(3)]
    fast = [_administration(world, course, f"fast-{n}", total=n, screen_positive=n % 2 == 0) for n in range(3)]
    Administration.objects.bulk_create(by_orm)
    bulk.insert_many(fast)
    assert all(a.pk for a in fast) and [a.pk for a in fast] == sorted(a.pk for a in fast)
    assert not any(a._state.adding for a in fast)
    for mine, theirs in zip(fast, by_orm, strict=True):
        assert Administration.objects.get(pk=mine.pk).external_id == mine.external_id
        assert Administration.objects.get(pk=mine.pk).uuid == mine.uuid
        assert _stored(mine.pk) == _stored(theirs.pk)
    # The time stamp set on saving (`auto_now`) is set here too, and stored as set.
    assert all(Administration.objects.get(pk=a.pk).updated_at == a.updated_at for a in fast)


def test_insert_many_takes_values_of_other_types_as_the_orm_does(world):
    """A whole number given as text, a number as 1.0, a lazy text: each field's own preparation takes it."""
    from django.utils.functional import lazy

    course = start_course(world)
    lazy_text = lazy(lambda: "moderate", str)()
    odd = _administration(world, course, "odd", total="11", band=lazy_text, session_number=3.0)
    plain = _administration(world, course, "plain")
    bulk.insert_many([odd])
    Administration.objects.bulk_create([plain])
    assert _stored(odd.pk) == _stored(plain.pk)


def test_insert_many_of_many_rows_uses_few_statements(world):
    course = start_course(world)
    rows = [_administration(world, course, f"many-{n}") for n in range(400)]
    with CaptureQueriesContext(connection) as ctx:
        bulk.insert_many(rows)
    inserts = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert 1 <= len(inserts) <= 2, len(inserts)
    assert Administration.objects.filter(external_id__startswith="many-").count() == 400


def test_audit_events_inserted_together_keep_every_field_and_the_chain(world):
    client = world.clients["mine"]
    who = Actor(world.m["therapist"], origin=Origin(ip="203.0.113.9", user_agent="batch client/1.0"))
    events = audit.record_many(
        [audit.Pending("measures.entered", actor=who, client=client, details={"n": n, "when": "ü"}) for n in range(4)]
    )
    for event in events:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.ip, stored.user_agent, stored.details, stored.hash) == (
            "203.0.113.9",
            "batch client/1.0",
            event.details,
            event.hash,
        )
        assert stored.occurred_at == event.occurred_at
    assert audit.verify_chain().ok


def test_on_postgresql_the_rows_go_in_as_one_array_a_column(world):
    """As Django's bulk_create does there: a statement's parameters do not grow with its rows."""
    if connection.vendor != "postgresql":
        pytest.skip("the UNNEST insert is PostgreSQL's")
    course = start_course(world)
    rows = [_administration(world, course, f"arrays-{n}", total=n, screen_positive=None) for n in range(50)]
    with CaptureQueriesContext(connection) as ctx:
        bulk.insert_many(rows)
    [insert] = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert "UNNEST(" in insert
    assert [a.pk for a in rows] == sorted(a.pk for a in rows)
    assert [Administration.objects.get(pk=a.pk).total for a in rows] == list(range(50))
    assert all(Administration.objects.get(pk=a.pk).external_id == a.external_id for a in rows)
