"""FHIR searches run the same number of queries whatever the amount of data (as the REST lists do)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.courses import goal_actions
from openipt.courses.models import Course
from tests.api.test_api_query_counts import _grow
from tests.api.test_fhir import TYPES, fhir
from tests.support.api import steady
from tests.support.measures import add_session
from tests.support.people import actor


def _count(secret, kind):
    fhir(secret, kind)
    with CaptureQueriesContext(connection) as ctx:
        response = fhir(secret, f"{kind}?_count=200")
    assert response.status_code == 200, (kind, response.content[:200])
    return len(steady(ctx.captured_queries)), len(response.json().get("entry", []))


def _more(api_world, n):
    _grow(api_world, n)
    therapist = actor(api_world.world.m["therapist"])
    for course in Course.objects.filter(client__given_name__startswith=f"grow{n}-"):
        goal_actions.add_goal(therapist, course.pk, text="See a friend each week")
        add_session(api_world.world, course)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["therapist", "api_client"])
def test_fhir_searches_do_not_grow_their_queries_with_the_data(api_world, role):
    secret = api_world.secrets[role]
    _more(api_world, 1)
    small = {kind: _count(secret, kind) for kind in TYPES}
    _more(api_world, 6)
    large = {kind: _count(secret, kind) for kind in TYPES}
    for kind in TYPES:
        assert large[kind][0] == small[kind][0], f"{kind} ran {small[kind][0]} queries, then {large[kind][0]}"
        # the instruments; one therapist leads every new course; a therapist leads no group
        if kind not in ("Questionnaire", "Practitioner") and (kind != "Group" or role == "api_client"):
            assert large[kind][1] > small[kind][1], f"{kind} did not grow"
