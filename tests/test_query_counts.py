"""List pages run the same number of queries whatever the amount of data.

Each case measures a page with a little data and with much more, and the two
counts must match. The counts themselves are reported by `make bench`.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.accounts.models import Role
from tests.support.people import login, make_client, make_member


def _count(client, url):
    client.get(url)  # warm up: the first request of a session also stores the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, n):
    for i in range(n):
        make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Grow{i}")
    for _ in range(n // 5):
        make_member(world.org, Role.THERAPIST, supervisor=world.m["supervisor"])


@pytest.mark.parametrize(
    "who, url",
    [
        ("therapist", "/clients/"),
        ("therapist", "/clients/?q=grow&sort=-updated"),
        ("supervisor", "/clients/"),
        ("admin", "/clients/?status=active"),
        ("admin", "/audit/"),
        ("admin", "/account/people/"),
    ],
)
def test_list_pages_do_not_grow_their_queries_with_the_data(world, client, who, url):
    login(client, world.m[who])
    _grow(world, 1)
    small = _count(client, url)
    _grow(world, 40)
    large = _count(client, url)
    assert large == small, f"{url} ran {small} queries with little data and {large} with more"


def test_the_client_record_page_does_not_grow_with_its_care_team(world, client):
    from openipt.clients.actions import assign_staff
    from tests.support.people import actor

    target = world.clients["mine"]
    login(client, world.m["admin"])
    small = _count(client, f"/clients/{target.pk}/")
    for _ in range(6):
        extra = make_member(world.org, Role.THERAPIST)
        assign_staff(actor(world.m["admin"]), target.pk, extra.pk)
    large = _count(client, f"/clients/{target.pk}/")
    assert large == small
