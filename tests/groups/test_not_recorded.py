"""A past group session nobody recorded is flagged, and "Next session" points at it (issue 14, defect 14)."""

from __future__ import annotations

from django.utils import dateformat, timezone

from openipt.groups import actions, session_actions
from openipt.groups.models import GroupSession
from tests.support.groups import client_of, group, screen
from tests.support.people import actor


def _running(world, weeks_ago=2):
    grp = group(world, weeks_ago=weeks_ago)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"Member{i}").pk)
               for i in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp, members


def _day(grp, number) -> str:
    start = GroupSession.objects.get(group=grp, number=number).scheduled_start
    return dateformat.format(timezone.localtime(start), "j M")


def test_a_past_session_nobody_recorded_is_flagged_and_is_the_next_session(world, as_member):
    grp, members = _running(world)
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, members[0].pk, "present")
    web = as_member(world.m["facilitator"])
    body = web.get(f"/groups/{grp.pk}/").content.decode()
    assert f"Session 2 on {_day(grp, 2)} was not recorded" in body
    assert f'href="/groups/{grp.pk}/sessions/2/">record it now' in body
    assert "Session 1 on" not in body  # recorded
    next_session = body.split("Next session")[1].split("</dd>")[0]
    assert f"/groups/{grp.pk}/sessions/2/" in next_session and "not recorded" in next_session
    assert "not recorded" in web.get("/groups/").content.decode()
    assert "not recorded" in as_member(world.m["supervisor"]).get("/groups/supervising/").content.decode()


def test_once_recorded_the_flag_goes_and_the_next_session_moves_on(world, as_member):
    grp, members = _running(world)
    fac = actor(world.m["facilitator"])
    for number in (1, 2):
        session_actions.mark_attendance(fac, grp.pk, number, members[0].pk, "present")
    web = as_member(world.m["facilitator"])
    body = web.get(f"/groups/{grp.pk}/").content.decode()
    assert "was not recorded" not in body and "Sessions not recorded" not in body
    next_session = body.split("Next session")[1].split("</dd>")[0]
    assert f"/groups/{grp.pk}/sessions/3/" in next_session and "not recorded" not in next_session
    assert "not recorded" not in web.get("/groups/").content.decode()


def test_someone_who_does_not_lead_the_group_is_told_who_records_it(world, as_member):
    grp, _members = _running(world)
    body = as_member(world.m["supervisor"]).get(f"/groups/{grp.pk}/").content.decode()
    assert f"Session 1 on {_day(grp, 1)} was not recorded" in body
    assert "the facilitator records it on the session" in body and "record it now" not in body
