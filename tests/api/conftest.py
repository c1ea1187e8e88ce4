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


@pytest.fixture(scope="module")
def fhir_world(api_world, django_db_blocker):
    """The API world with a goal and four more sessions on its course (for the FHIR tests)."""
    from openipt.courses import goal_actions
    from tests.support.measures import add_session
    from tests.support.people import actor

    with django_db_blocker.unblock():
        api_world.goal = goal_actions.add_goal(actor(api_world.world.m["therapist"]), api_world.course.pk,
                                               text="Talk with my sister once a week", area="role_dispute")
        for _ in range(4):
            add_session(api_world.world, api_world.course)
    return api_world
