"""Two supervisors save a rating of the same session at the same moment (PostgreSQL: real concurrency)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from openipt.core.errors import ConflictError
from openipt.supervision.models import FidelityRating
from tests.support.supervision import INITIAL_ALL_YES, new_items_na


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_ratings_one_wins_and_the_other_gets_a_conflict(world_tx):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for two real concurrent transactions")
    from openipt.supervision import actions as sup
    from tests.support.people import actor

    world, session = world_tx
    barrier = threading.Barrier(2)
    outcomes = []

    def save(who):
        try:
            barrier.wait(timeout=10)
            sup.rate(actor(world.m[who]), "session", session.pk, answers={**INITIAL_ALL_YES, **new_items_na("initial")},
                     expected_version=0)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(who,)) for who in ("supervisor", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert FidelityRating.objects.filter(target_id=session.pk).count() == 1


@pytest.fixture
def world_tx(transactional_db):
    from openipt.courses import actions
    from tests.support.people import actor, make_world
    from tests.support.supervision import held

    world = make_world()
    from django.utils import timezone

    course = actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="individual",
                                  start_date=timezone.localdate())
    return world, held(world, course)
