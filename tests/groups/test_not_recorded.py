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


def test_the_facilitators_today_page_flags_a_past_session_nobody_recorded_with_a_link_to_record_it(world, as_member):
    # given a running group whose session 1 was recorded and session 2 (last week) was not
    grp, members = _running(world)
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, members[0].pk, "present")
    # when the facilitator opens Today, session 2 is flagged with a link to facilitator mode
    body = as_member(world.m["facilitator"]).get("/today/").content.decode()
    assert f"{grp.name}: session 2 on {_day(grp, 2)} was not recorded" in body
    assert f'href="/groups/{grp.pk}/sessions/2/">record it now' in body
    assert "session 1 on" not in body
    # and someone who does not lead the group is not asked to record it
    assert "was not recorded" not in as_member(world.m["therapist"]).get("/today/").content.decode()
    # once it is recorded, the flag goes
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 2, members[0].pk, "present")
    assert "was not recorded" not in as_member(world.m["facilitator"]).get("/today/").content.decode()


def test_facilitator_mode_flags_its_own_past_day_and_other_sessions_nobody_recorded(world, as_member):
    # given a running group that started two weeks ago and was never recorded
    grp, members = _running(world)
    web = as_member(world.m["facilitator"])
    # when the facilitator opens session 2 in facilitator mode, they read that it and session 1 were not recorded
    body = web.get(f"/groups/{grp.pk}/sessions/2/").content.decode()
    assert f"This session, on {_day(grp, 2)}, was not recorded." in body
    assert f"Session 1 on {_day(grp, 1)} was not recorded" in body
    assert f'href="/groups/{grp.pk}/sessions/1/">record it now' in body
    # once session 1 is recorded, only this session is flagged
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, members[0].pk, "present")
    body = web.get(f"/groups/{grp.pk}/sessions/2/").content.decode()
    assert "Session 1 on" not in body and "This session, on" in body
    # and a session still ahead is not flagged itself, while it still points back at session 2
    later = GroupSession.objects.filter(group=grp, scheduled_start__gt=timezone.now()).order_by("number").first()
    body = web.get(f"/groups/{grp.pk}/sessions/{later.number}/").content.decode()
    assert "This session, on" not in body and f"Session 2 on {_day(grp, 2)} was not recorded" in body
