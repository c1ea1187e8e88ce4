"""API lists run the same number of queries whatever the amount of data (as the list pages do)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.measures import actions as measure_actions
from tests.support import groups as group_support
from tests.support.api import call, steady
from tests.support.measures import phq9, start_course
from tests.support.people import actor, make_client

LISTS = ["clients", "courses", "administrations", "alerts", "groups",
         "changes/clients", "changes/courses", "changes/administrations"]


def _count(secret, path):
    call(secret, "GET", path)
    with CaptureQueriesContext(connection) as ctx:
        response = call(secret, "GET", path)
    assert response.status_code == 200, (path, response.content[:200])
    return len(steady(ctx.captured_queries)), len(response.json()["items"])


def _grow(api_world, n):
    world = api_world.world
    programme = group_support.programme(world, name=f"Programme {n}")
    for i in range(n):
        key = f"grow{n}-{i}"
        world.clients[key] = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=key)
        course = start_course(world, key)
        measure_actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=None,
                                    completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 1, difficulty=1))
        group_support.group(world, programme, name=f"Group {key}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["therapist", "api_client"])
def test_api_lists_do_not_grow_their_queries_with_the_data(api_world, role, settings):
    settings.API_CHANGES_LAG_SECONDS = 0
    secret = api_world.secrets[role]
    _grow(api_world, 1)
    small = {name: _count(secret, f"{name}?limit=100") for name in LISTS}
    _grow(api_world, 6)
    large = {name: _count(secret, f"{name}?limit=100") for name in LISTS}
    for name in LISTS:
        assert large[name][0] == small[name][0], f"{name} ran {small[name][0]} queries, then {large[name][0]}"
        if name != "groups" or role == "api_client":
            assert large[name][1] > small[name][1], f"{name} did not grow"


@pytest.mark.django_db
def test_reading_a_group_does_not_grow_with_its_members_and_sessions(api_world):
    from openipt.groups import actions as group_actions

    planned = group_support.group(api_world.world, group_support.programme(api_world.world, name="Evening groups"),
                                  name="Thursday group")
    secret, path = api_world.secrets["api_client"], f"groups/{planned.pk}"
    add = lambda i: group_actions.add_member(actor(api_world.world.m["admin"]), planned.pk,  # noqa: E731
                                             group_support.client_of(api_world.world, given_name=f"New{i}").pk)
    add(0)
    before, _ = _count_detail(secret, path)
    for i in range(1, 5):
        add(i)
    after, members = _count_detail(secret, path)
    assert after == before and members == 5


def _count_detail(secret, path):
    call(secret, "GET", path)
    with CaptureQueriesContext(connection) as ctx:
        response = call(secret, "GET", path)
    assert response.status_code == 200
    return len(steady(ctx.captured_queries)), len(response.json()["members"])
