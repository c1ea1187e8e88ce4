"""Group courses go through the same checks before treatment as individual ones (hazard HAZ-025).

The group format lists `initial_screening` under `start_checks`: each member's screening for what
IPT alone does not treat, and the medication evaluation, is recorded on their group course (usually
at the pre-group meeting) before the group starts or before they join a group that has started.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.courses import screening_actions
from openipt.courses.models import Course, PhaseTransition
from openipt.groups import actions, session_actions
from openipt.groups.models import Group, Meeting, Member
from tests.support.groups import client_of, group, invite, phq9, screen
from tests.support.people import actor

TOPICS = ("psychosis", "bipolar", "substance", "cognitive", "medication")


def _members(world, grp, names=("Sarah", "Esther", "Agnes", "Joyce")) -> list[Member]:
    return [actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world, given_name=n).pk) for n in names]


def _screen_form(decision="proceed") -> dict:
    data = {}
    for t in TOPICS:
        data[f"{t}-answer"] = "Asked at the pre-group meeting."
        data[f"{t}-decision"] = decision
    return data


def test_a_group_cannot_start_while_a_members_screening_is_outstanding_and_nothing_changes(world):
    grp = group(world)
    members = _members(world, grp)
    screen(world, *members[:3])
    with pytest.raises(ActionError) as exc:
        actions.set_status(actor(world.m["facilitator"]), grp.pk, "running")
    assert exc.value.code == "start_checks"
    assert "Joyce" in exc.value.message and "Initial screening" in exc.value.message
    assert "Sarah" not in exc.value.message
    assert Group.objects.get(pk=grp.pk).status == "planned"
    assert set(Course.objects.filter(group_memberships__group=grp).values_list("status", flat=True)) == {"planned"}
    screen(world, members[3])
    actions.set_status(actor(world.m["facilitator"]), grp.pk, "running")
    assert set(Course.objects.filter(group_memberships__group=grp).values_list("status", flat=True)) == {"active"}


def test_a_decision_to_refer_first_also_keeps_the_group_from_starting(world):
    grp = group(world)
    members = _members(world, grp)
    screen(world, *members[:3])
    screen(world, members[3], decision="refer")
    with pytest.raises(ActionError, match="refer first"):
        actions.set_status(actor(world.m["admin"]), grp.pk, "running")


def test_nobody_joins_a_running_group_before_their_screening_and_nothing_is_left_behind(world):
    grp = group(world, weeks_ago=1)
    screen(world, *_members(world, grp))
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    late = client_of(world, given_name="Betty")
    with pytest.raises(ActionError) as exc:
        actions.add_member(actor(world.m["facilitator"]), grp.pk, late.pk)
    assert exc.value.field == "client" and "Betty" in exc.value.message and "Psychosis" in exc.value.message
    assert not Member.objects.filter(client=late).exists()
    assert not Course.objects.filter(client=late, status="active").exists()


def test_a_pre_group_meeting_for_a_running_group_is_kept_as_still_deciding_until_the_screening_is_done(world):
    grp = group(world, weeks_ago=1)
    screen(world, *_members(world, grp))
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    late = client_of(world, given_name="Ruth")
    with pytest.raises(ActionError) as exc:
        invite(world, grp, late)
    assert exc.value.field == "outcome" and "Invited, still deciding" in exc.value.message
    assert not Meeting.objects.filter(client=late).exists()
    invite(world, grp, late, outcome="thinking")
    course = Course.objects.get(client=late, format_id="group")
    assert course.status == "planned"  # met, not started: no course of a running group is active before the checks
    screening_actions.record_screening(actor(world.m["facilitator"]), course.pk,
                                       {t: {"answer": "No concerns.", "decision": "proceed"} for t in TOPICS})
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, late.pk)
    assert member.course_id == course.pk and Course.objects.get(pk=course.pk).status == "active"


def test_a_member_whose_screening_turns_to_refer_first_stays_in_the_first_phase_while_the_group_moves_on(world):
    grp = group(world, weeks_ago=2)
    members = _members(world, grp)
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    screen(world, members[0], decision="refer")  # a new answer after the group started
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 2, members[1].pk, "present")
    phases = dict(Course.objects.filter(group_memberships__group=grp).values_list("pk", "phase"))
    assert phases.pop(members[0].course_id) == "initial"
    assert set(phases.values()) == {"middle"}
    assert not PhaseTransition.objects.filter(course_id=members[0].course_id, to_value="middle").exists()


def test_the_group_page_says_what_is_missing_per_member_and_the_screening_page_records_it(world, as_member):
    grp = group(world)
    members = _members(world, grp)
    screen(world, *members[1:])
    web = as_member(world.m["facilitator"])
    page = web.get(f"/groups/{grp.pk}/").content.decode()
    assert "Checks before the group still to do" in page and "Checks before the group not done" in page
    assert f'href="/courses/{members[0].course_id}/screening/"' in page
    assert f'href="/courses/{members[1].course_id}/screening/"' not in page
    refused = web.post(f"/groups/{grp.pk}/status/", {"status": "running"}, follow=True)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "The group cannot start yet" in body and "Sarah" in body
    assert Group.objects.get(pk=grp.pk).status == "planned"
    saved = web.post(f"/courses/{members[0].course_id}/screening/", _screen_form())
    assert saved.status_code == 302
    assert "Checks before the group still to do" not in web.get(f"/groups/{grp.pk}/").content.decode()
    web.post(f"/groups/{grp.pk}/status/", {"status": "running"})
    assert Group.objects.get(pk=grp.pk).status == "running"


def test_a_refused_invitation_through_the_form_keeps_what_was_typed_and_the_meeting_page_adds_them_later(
        world, as_member):
    grp = group(world, weeks_ago=1)
    screen(world, *_members(world, grp))
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    late = client_of(world, given_name="Betty")
    web = as_member(world.m["facilitator"])
    data = {"client": late.pk, "held_on": timezone.localdate().isoformat(), "mood_link": "Low since the move",
            "problem_area": "role_transition", "problem_words": "I miss home", "goal": "Make one friend",
            "current_plan": "no", "recent_attempt": "no", "outcome": "invited", "referral": "", "notes": "",
            **{k: str(v) for k, v in phq9(13).items()}}
    refused = web.post(f"/groups/{grp.pk}/meetings/new/pre_group/", data | {"submission_key": "m1"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "can join only once the checks before the group are done" in body
    assert "I miss home" in body and "Low since the move" in body
    saved = web.post(f"/groups/{grp.pk}/meetings/new/pre_group/", data | {"outcome": "thinking", "submission_key": "m2"})
    assert saved.status_code == 302
    meeting = Meeting.objects.get(client=late)
    course = Course.objects.get(client=late, format_id="group")
    page = web.get(f"/groups/{grp.pk}/meetings/{meeting.pk}/").content.decode()
    assert f'href="/courses/{course.pk}/screening/"' in page and "Before they join" in page
    assert web.post(f"/groups/{grp.pk}/meetings/{meeting.pk}/join/").status_code == 302
    assert not Member.objects.filter(client=late).exists()  # refused: the screening is still outstanding
    web.post(f"/courses/{course.pk}/screening/", _screen_form())
    page = web.get(f"/groups/{grp.pk}/meetings/{meeting.pk}/").content.decode()
    assert "Add Betty" in page
    assert web.post(f"/groups/{grp.pk}/meetings/{meeting.pk}/join/").status_code == 302
    member = Member.objects.get(client=late, status="active")
    assert member.course_id == course.pk and member.problem_words == "I miss home"
    assert Course.objects.get(pk=course.pk).status == "active"
