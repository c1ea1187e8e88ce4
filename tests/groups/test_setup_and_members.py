"""Setting up programmes and groups, and who may join."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from openipt.clients.models import Assignment
from openipt.core.errors import ActionError
from openipt.courses.models import Course
from openipt.groups import actions, session_actions
from openipt.groups.models import GroupSession, Member
from tests.support.competency import assess
from tests.support.groups import client_of, co_facilitator, group, invite, programme, screen
from tests.support.people import actor


def test_an_admin_sets_up_eight_weekly_tuesday_sessions_at_ten_in_luganda(world):
    prog = programme(world)
    start = timezone.localdate()
    grp = actions.create_group(
        actor(world.m["admin"]), programme_id=prog.pk, name="Tuesday group", facilitator_id=world.m["facilitator"].pk,
        co_facilitator_id=co_facilitator(world).pk, supervisor_id=world.m["supervisor"].pk, weekday=1,
        start_time=time(10, 0), start_date=start, language="Luganda", location="Church hall")
    sessions = list(GroupSession.objects.filter(group=grp))
    assert len(sessions) == 8 and grp.language == "Luganda"
    local = [timezone.localtime(s.scheduled_start) for s in sessions]
    assert all(t.weekday() == 1 and t.time() == time(10, 0) for t in local)
    assert [s.phase for s in sessions] == ["initial"] + ["middle"] * 6 + ["termination"]
    assert (local[1].date() - local[0].date()) == timedelta(weeks=1)


def test_a_facilitator_cannot_set_up_a_group(world):
    prog = programme(world)
    with pytest.raises(ActionError) as exc:
        actions.create_group(
            actor(world.m["facilitator"]), programme_id=prog.pk, name="x", facilitator_id=world.m["facilitator"].pk,
            supervisor_id=world.m["supervisor"].pk, weekday=1, start_time=time(10), start_date=timezone.localdate(),
            language="en", location="hall")
    assert exc.value.code == "forbidden"


@pytest.mark.parametrize("field, value, message", [
    ("sessions", 17, "from 8 to 16"),
    ("weekday", 9, "day of the week"),
    ("language", "  ", "language"),
    ("location", "", "where the group meets"),
    ("video_link", "zoom.example/abc", "https://"),
])
def test_bad_group_settings_are_refused_beside_their_field(world, field, value, message):
    overrides = {field: value}
    if field == "location":
        overrides["video_link"] = ""
    with pytest.raises(ActionError) as exc:
        group(world, **overrides)
    assert exc.value.field == field and message in exc.value.message


def test_programme_limits_stay_within_four_to_fourteen(world):
    with pytest.raises(ActionError) as exc:
        programme(world, max_members=15)
    assert exc.value.field == "max_members"
    with pytest.raises(ActionError) as exc:
        programme(world, min_members=10, max_members=6)
    assert exc.value.field == "min_members"


def test_when_sign_off_is_required_an_unsigned_facilitator_cannot_lead_alone(world):
    prog = programme(world, require_signoff=True)
    with pytest.raises(ActionError) as exc:
        group(world, prog)
    assert exc.value.field == "co_facilitator" and "sign-off" in exc.value.message


def test_a_signed_off_facilitator_may_lead_alone_when_the_programme_requires_it(world):
    from openipt.supervision import actions as supervision_actions

    prog = programme(world, require_signoff=True)
    assess(world.m["admin"], world.m["facilitator"])
    supervision_actions.sign_off(actor(world.m["admin"]), world.m["facilitator"].pk, competency="group_lead")
    assert group(world, prog).facilitator_id == world.m["facilitator"].pk


def test_a_member_gets_their_own_group_course_and_the_groups_care_team(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client)
    member = Member.objects.get(group=grp, client=client)
    course = Course.objects.get(pk=member.course_id)
    assert course.format_id == "group" and course.therapist_id == world.m["facilitator"].pk
    assert course.primary_area == "role_dispute" and course.goals.count() == 1
    staff = set(Assignment.objects.filter(client=client).values_list("staff_id", flat=True))
    assert {world.m["facilitator"].pk, world.m["supervisor"].pk} <= staff


def test_a_fifteenth_member_is_refused_with_the_limit_named(world):
    grp = group(world)
    for _ in range(14):
        actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    fifteenth = client_of(world, given_name="Fifteen")
    with pytest.raises(ActionError) as exc:
        actions.add_member(actor(world.m["facilitator"]), grp.pk, fifteenth.pk)
    assert exc.value.field == "client" and "14 members" in exc.value.message
    assert Member.objects.filter(group=grp).count() == 14
    assert not Course.objects.filter(client=fifteenth).exists()


def test_the_limit_is_the_programmes_own(world):
    grp = group(world, programme(world, name="Small", max_members=4))
    for _ in range(4):
        actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    with pytest.raises(ActionError, match="4 members"):
        actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)


def test_a_member_of_another_active_group_is_refused(world):
    prog = programme(world)
    first, second = group(world, prog), group(world, prog, name="Thursday group")
    client = client_of(world, given_name="Rose")
    actions.add_member(actor(world.m["facilitator"]), first.pk, client.pk)
    with pytest.raises(ActionError) as exc:
        actions.add_member(actor(world.m["facilitator"]), second.pk, client.pk)
    assert "already in another group (Tuesday group)" in exc.value.message and exc.value.field == "client"


def test_nobody_joins_after_the_programmes_joining_session_is_held(world):
    grp = group(world, weeks_ago=3)
    members = [actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk) for _ in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    for number in (1, 2):
        session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, number, members[0].pk, "present")
    with pytest.raises(ActionError, match="Session 2 has been held"):
        actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)


def test_a_group_starts_only_with_the_programmes_fewest_members(world):
    grp = group(world)
    actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    with pytest.raises(ActionError, match="at least 4"):
        actions.set_status(actor(world.m["admin"]), grp.pk, "running")


def test_a_member_who_leaves_has_their_course_ended_with_the_reason(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    actions.remove_member(actor(world.m["facilitator"]), grp.pk, member.pk, reason="Moved to another town")
    member.refresh_from_db()
    member.course.refresh_from_db()
    assert member.status == "left" and member.course.status == "ended_early"
    assert member.course.end_reason == "Moved to another town"
