"""The tablet's snapshot and sync, and the offline pages, run the same number of queries however big the group grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.groups import actions as group_actions
from openipt.groups import session_actions
from openipt.offline.models import Conflict, Device
from tests.offline.helpers import change, enrol
from tests.support.groups import client_of, group, running_group, screen
from tests.support.people import actor, login


def _add(world, grp, n: int, prefix: str) -> list:
    added = [group_actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"{prefix}{i}").pk)
             for i in range(n)]
    screen(world, *added)
    return added


def _grow(world, grp, members, extra: int):
    """More members (the group has not started, so they may join), and sessions held with a mark for everyone."""
    members.extend(_add(world, grp, extra, "More"))
    facilitator = actor(world.m["facilitator"])
    for number in (1, 2):
        for m in members:
            session_actions.mark_attendance(facilitator, grp.pk, number, m.pk, "present")
            session_actions.save_will_try(facilitator, grp.pk, number, m.pk, "Call my sister")


def _queries(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_the_snapshot_and_a_sync_do_not_grow_with_members_and_sessions(world, as_member):
    grp = group(world, weeks_ago=2)
    members = _add(world, grp, 4, "First")
    tablet = enrol(as_member, world.m["facilitator"])
    tablet.snapshot()
    small_snapshot = _queries(tablet.snapshot)
    small_sync = _queries(lambda: tablet.sync([change(grp, 3, "notes", {"text": "First"})]))
    _grow(world, grp, members, 10)
    large_snapshot = _queries(tablet.snapshot)
    large_sync = _queries(lambda: tablet.sync([change(grp, 3, "notes", {"text": "Second"})]))
    assert len(tablet.snapshot().json()["groups"][0]["members"]) == 14
    assert large_snapshot == small_snapshot, f"snapshot: {small_snapshot} queries with 4 members, {large_snapshot} with 14"
    assert large_sync == small_sync, f"sync: {small_sync} queries with 4 members, {large_sync} with 14"


@pytest.mark.parametrize("who, url", [("facilitator", "/offline/"), ("facilitator", "/offline/conflicts/"),
                                      ("supervisor", "/offline/conflicts/"), ("supervisor", "/offline/devices/stale/")])
def test_the_offline_pages_do_not_grow_with_tablets_and_conflicts(world, client, who, url):
    running_group(world, members=4)

    def more(n):
        for i in range(n):
            device = Device.objects.create(organisation=world.org, owner=world.m["facilitator"], name=f"Tablet {i}",
                                           secret="", created_at=timezone.now() - timezone.timedelta(days=30))
            now = timezone.now()
            Conflict.objects.create(device=device, organisation=world.org, key=f"{device.pk}-{i}", kind="notes",
                                    yours={"data": {"text": "x"}}, entered_at=now, received_at=now)

    login(client, world.m[who])
    more(1)
    client.get(url)
    small = _queries(lambda: client.get(url))
    more(20)
    large = _queries(lambda: client.get(url))
    assert large == small, f"{url} ran {small} queries with little data and {large} with more"
