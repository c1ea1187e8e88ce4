"""One world per test module: built once in a transaction that is rolled back when the module ends."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    from django.db import transaction

    from tests.support.api import build

    with django_db_blocker.unblock():
        with transaction.atomic():
            yield build()
            transaction.set_rollback(True)
