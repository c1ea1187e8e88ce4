"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def transactional_db(transactional_db, django_db_blocker):
    """Let transactional tests empty the append-only audit table between tests."""
    from django.db import connection

    from openipt.audit.db import install_triggers

    install_triggers(connection)
    yield
    from openipt.audit.db import drop_triggers

    drop_triggers(connection)


@pytest.fixture
def world(db):
    """Two organisations, a person per role, clients with known assignments."""
    from tests.support.people import make_world

    return make_world()


@pytest.fixture
def as_member(client):
    """Return a function that signs the Django test client in as a membership."""
    from tests.support.people import login

    def sign_in(membership):
        client.logout()
        login(client, membership)
        return client

    return sign_in


@pytest.fixture
def therapist(world):
    """The Actor of the world's supervised therapist."""
    from tests.support.people import actor

    return actor(world.m["therapist"])


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def touches_database(item) -> bool:
    """True when a test asks for the database (directly, through a fixture such as `world`, or by marker)."""
    return bool(DB_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(config, items):
    """With OPENIPT_DATABASE_TESTS_ONLY=1 (CI's second run, on PostgreSQL), leave out tests that touch no database.

    They ran already in the first run, on SQLite; running them again proves nothing about
    PostgreSQL. The number left out is printed, so nothing disappears silently.
    """
    if os.environ.get("OPENIPT_DATABASE_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        (keep if touches_database(item) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        print(f"\nOPENIPT_DATABASE_TESTS_ONLY=1: {len(drop)} tests that touch no database left out "
              f"(they ran in the SQLite run)")
