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
    from openipt.core.testing import make_world

    return make_world()


@pytest.fixture
def as_member(client):
    """Return a function that signs the Django test client in as a membership."""
    from openipt.core.testing import login

    def sign_in(membership):
        client.logout()
        login(client, membership)
        return client

    return sign_in
