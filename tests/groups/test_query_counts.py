"""The roster, the group list and the supervisor's page run the same number of queries with little and much data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.groups import actions, report_actions, session_actions
from tests.support.groups import client_of, group, phq9, programme
from tests.support.people import actor, login


def _count(web, url):
    web.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _fill(world, grp, members: int, weeks: int):
    fac = actor(world.m["facilitator"])
    made = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world).pk) for _ in range(members)]
    for number in range(1, weeks + 1):
        for i, member in enumerate(made):
            session_actions.mark_attendance(fac, grp.pk, number, member.pk, "absent" if i % 3 == 0 else "present")
            if i % 3:
                session_actions.enter_quick_check(fac, grp.pk, number, member.pk, phq9(10 + i % 5))
                session_actions.save_will_try(fac, grp.pk, number, member.pk, "Something small")
        report_actions.file_report(fac, grp.pk, number, went_well="Fine")
    return made


def test_the_roster_does_not_grow_with_members_and_sessions(world, client):
    prog = programme(world)
    small = group(world, prog, weeks_ago=3)
    _fill(world, small, 1, 1)
    big = group(world, prog, weeks_ago=3, name="Big group")
    _fill(world, big, 10, 4)
    login(client, world.m["supervisor"])
    assert _count(client, f"/groups/{small.pk}/") == _count(client, f"/groups/{big.pk}/")


def test_facilitator_mode_does_not_grow_with_members(world, client):
    prog = programme(world)
    small = group(world, prog, weeks_ago=3)
    _fill(world, small, 1, 1)
    big = group(world, prog, weeks_ago=3, name="Big group")
    _fill(world, big, 10, 2)
    login(client, world.m["facilitator"])
    assert _count(client, f"/groups/{small.pk}/sessions/1/") == _count(client, f"/groups/{big.pk}/sessions/1/")


def test_the_group_list_and_the_supervisors_page_do_not_grow_with_groups(world, client):
    prog = programme(world)
    first = group(world, prog, weeks_ago=2)
    _fill(world, first, 2, 1)
    login(client, world.m["supervisor"])
    few_list, few_page = _count(client, "/groups/"), _count(client, "/groups/supervising/")
    for n in range(6):
        grp = group(world, prog, weeks_ago=2, name=f"Group {n}")
        _fill(world, grp, 2, 2)
    assert _count(client, "/groups/") == few_list
    assert _count(client, "/groups/supervising/") == few_page
