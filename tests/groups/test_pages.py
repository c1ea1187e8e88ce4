"""The group pages in the browser's place: forms without JavaScript, the sync endpoint, PDFs, panels."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from openipt.groups import actions, report_actions, session_actions
from openipt.groups.models import Attendance, Group, Meeting, Member, Programme, QuickCheck
from tests.support.groups import client_of, group, phq9, programme, screen
from tests.support.people import actor


@pytest.fixture
def running(world):
    grp = group(world, weeks_ago=2)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"Member{i}").pk)
               for i in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp, members


def test_an_admin_sets_up_a_programme_and_a_group_through_the_forms(world, as_member):
    web = as_member(world.m["admin"])
    response = web.post("/groups/programmes/", {"name": "Lakeside", "min_members": 4, "max_members": 12,
                                                "sessions_default": 8, "last_join_session": 2, "submission_key": "p1"})
    assert response.status_code == 302
    prog = Programme.objects.get(name="Lakeside")
    data = {"programme": prog.pk, "name": "Tuesday group", "facilitator": world.m["facilitator"].pk, "co_facilitator": "",
            "supervisor": world.m["supervisor"].pk, "weekday": 1, "start_time": "10:00",
            "start_date": timezone.localdate().isoformat(), "sessions": "", "session_minutes": 90, "language": "Luganda",
            "location": "Church hall", "video_link": "", "submission_key": "g1"}
    assert web.post("/groups/new/", data).status_code == 302
    assert web.post("/groups/new/", data).status_code == 302  # a double click lands on the same group
    assert Group.objects.count() == 1 and Group.objects.get().sessions.count() == 8


def test_a_bad_group_form_keeps_what_was_typed(world, as_member):
    prog = programme(world)
    web = as_member(world.m["admin"])
    data = {"programme": prog.pk, "name": "Kept name", "facilitator": world.m["facilitator"].pk, "co_facilitator": "",
            "supervisor": world.m["supervisor"].pk, "weekday": 1, "start_time": "10:00",
            "start_date": timezone.localdate().isoformat(), "session_minutes": 90, "language": "Luganda",
            "location": "", "video_link": ""}
    body = web.post("/groups/new/", data).content.decode()
    assert "Say where the group meets" in body and 'value="Kept name"' in body


def test_a_pre_group_meeting_through_the_form_adds_the_member(world, as_member):
    grp = group(world)
    client = client_of(world, given_name="Agnes")
    data = {"client": client.pk, "held_on": timezone.localdate().isoformat(), "mood_link": "Low since the move",
            "problem_area": "role_transition", "problem_words": "I miss home", "goal": "Make one friend",
            "current_plan": "no", "recent_attempt": "no", "outcome": "invited", "referral": "", "notes": "",
            "submission_key": "m1", **{k: str(v) for k, v in phq9(13).items()}}
    response = as_member(world.m["facilitator"]).post(f"/groups/{grp.pk}/meetings/new/pre_group/", data)
    assert response.status_code == 302
    assert Member.objects.filter(group=grp, client=client).exists() and Meeting.objects.get().phq9.total == 13


def test_a_positive_screen_in_the_form_without_a_referral_keeps_the_answers(world, as_member):
    grp = group(world)
    client = client_of(world)
    data = {"client": client.pk, "held_on": timezone.localdate().isoformat(), "mood_link": "Kept words here",
            "problem_area": "", "problem_words": "", "goal": "", "current_plan": "yes", "recent_attempt": "no",
            "outcome": "invited", "referral": "", "notes": "", **{k: str(v) for k, v in phq9(20).items()}}
    response = as_member(world.m["facilitator"]).post(f"/groups/{grp.pk}/meetings/new/pre_group/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "Do not invite" in body and "Kept words here" in body
    assert not Meeting.objects.exists()


def test_facilitator_mode_shows_the_guide_for_the_sessions_phase(world, running, as_member):
    grp, _members = running
    body = as_member(world.m["facilitator"]).get(f"/groups/{grp.pk}/sessions/1/").content.decode()
    assert "First group session" in body and "Agree the group rules" in body and "facilitator.js" in body
    middle = as_member(world.m["facilitator"]).get(f"/groups/{grp.pk}/sessions/3/").content.decode()
    assert "Middle group sessions" in middle and "5" in middle  # sessions left after session 3 of 8


def test_marks_and_will_try_lines_save_without_javascript(world, running, as_member):
    grp, members = running
    data = {"action": "marks"}
    for m in members:
        data.update({f"m{m.pk}_seen": "", f"m{m.pk}_try_seen": "", f"m{m.pk}_try": "", f"m{m.pk}_presence": "present"})
    data[f"m{members[0].pk}_try"] = "Call my sister"
    response = as_member(world.m["facilitator"]).post(f"/groups/{grp.pk}/sessions/3/", data)
    assert response.status_code == 302
    assert Attendance.objects.filter(session__number=3, presence="present").count() == 4
    assert Attendance.objects.get(member=members[0], session__number=3).will_try == "Call my sister"


def test_a_future_mark_from_the_form_is_refused_and_the_page_says_why(world, running, as_member):
    grp, members = running
    data = {"action": "marks", f"m{members[0].pk}_presence": "present", f"m{members[0].pk}_seen": ""}
    response = as_member(world.m["facilitator"]).post(f"/groups/{grp.pk}/sessions/5/", data)
    assert response.status_code == 400 and "not before" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_sync_endpoint_applies_each_key_once(world, running, as_member):
    grp, members = running
    web = as_member(world.m["facilitator"])
    changes = {"changes": [
        {"key": "a1", "kind": "mark", "data": {"member": members[0].pk, "presence": "present"}},
        {"key": "a2", "kind": "check", "data": {"member": members[1].pk, "answers": {"q1": 1, "q2": 2, "q9": 0}}},
        {"key": "a3", "kind": "mark", "data": {"member": members[2].pk, "presence": "maybe"}},
    ]}
    url = f"/groups/{grp.pk}/sessions/3/sync/"
    first = web.post(url, json.dumps(changes), content_type="application/json").json()
    again = web.post(url, json.dumps(changes), content_type="application/json").json()
    assert [r["ok"] for r in first["results"]] == [True, True, False]
    assert again["results"][0]["result"]["replayed"] is True
    assert Attendance.objects.count() == 1 and QuickCheck.objects.count() == 1


def test_the_sync_endpoint_answers_bad_bodies_with_a_message(world, running, as_member):
    grp, _members = running
    web = as_member(world.m["facilitator"])
    url = f"/groups/{grp.pk}/sessions/3/sync/"
    assert web.post(url, "not json", content_type="application/json").status_code == 400
    assert web.post(url, json.dumps({"changes": "x"}), content_type="application/json").status_code == 400
    odd = web.post(url, json.dumps({"changes": [None, {"key": "", "kind": "mark"}]}), content_type="application/json")
    assert odd.status_code == 200 and all(not r["ok"] for r in odd.json()["results"])


def test_the_roster_shows_trend_attendance_and_who_needs_attention(world, running, as_member):
    grp, members = running
    fac = actor(world.m["facilitator"])
    for number in (1, 2):
        session_actions.mark_attendance(fac, grp.pk, number, members[0].pk, "absent")
        session_actions.mark_attendance(fac, grp.pk, number, members[1].pk, "present")
    session_actions.enter_quick_check(fac, grp.pk, 1, members[1].pk, phq9(8))
    session_actions.enter_quick_check(fac, grp.pk, 2, members[1].pk, phq9(16))
    body = as_member(world.m["supervisor"]).get(f"/groups/{grp.pk}/").content.decode()
    assert "Needs attention now" in body and "Missed the last 2 sessions" in body and "Getting worse" in body
    assert "<svg" in body and "2 of 2" in body


def test_printables_are_pdfs(world, running, as_member):
    grp, _members = running
    web = as_member(world.m["facilitator"])
    for name in ("guide.pdf", "attendance.pdf"):
        response = web.get(f"/groups/{grp.pk}/sessions/1/{name}")
        assert response.status_code == 200 and response.content[:5] == b"%PDF-"


def test_the_supervisors_page_lists_reports_waiting_and_members_needing_attention(world, running, as_member):
    grp, members = running
    fac = actor(world.m["facilitator"])
    for number in (1, 2):
        session_actions.mark_attendance(fac, grp.pk, number, members[0].pk, "absent")
    report_actions.file_report(fac, grp.pk, 1, went_well="Good start")
    body = as_member(world.m["supervisor"]).get("/groups/supervising/").content.decode()
    assert grp.name in body and "1 waiting for your reply" in body and "Missed 2 group sessions" in body
    assert "1 session without a report" in body


def test_the_groups_panel_shows_on_the_supervision_dashboard(world, running, as_member):
    from django.urls import reverse

    grp, _members = running
    body = as_member(world.m["supervisor"]).get(reverse("supervision:dashboard")).content.decode()
    assert grp.name in body and "groups-panel-heading" in body


def test_group_sessions_resolve_as_fidelity_targets_only_for_those_who_see_the_group(world, running):
    from django.http import Http404

    from openipt.supervision.targets import resolve

    grp, _members = running
    session = grp.sessions.get(number=1)
    target = resolve(actor(world.m["supervisor"]), "group_session", session.pk)
    assert target.phase == "initial" and target.format_id == "group"
    assert target.rated_membership_id == world.m["facilitator"].pk
    with pytest.raises(Http404):
        resolve(actor(world.m["therapist"]), "group_session", session.pk)


def test_the_outcome_summary_counts_improved_and_recovered_at_the_end(world, running, as_member):
    grp, members = running
    fac = actor(world.m["facilitator"])
    session_actions.enter_quick_check(fac, grp.pk, 1, members[0].pk, phq9(16))
    session_actions.enter_quick_check(fac, grp.pk, 2, members[0].pk, phq9(6))   # improved and recovered
    session_actions.enter_quick_check(fac, grp.pk, 1, members[1].pk, phq9(14))
    session_actions.enter_quick_check(fac, grp.pk, 2, members[1].pk, phq9(12))  # neither
    session_actions.mark_attendance(fac, grp.pk, 1, members[0].pk, "present")
    actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    body = as_member(world.m["facilitator"]).get(f"/groups/{grp.pk}/").content.decode()
    assert "2 of 4 members have a first and a later PHQ-9" in body
    assert "Improved (a fall of 6 points or more): 1" in body
    assert "Recovered: 1 of the 2 who were a case at the start (10 or more at the start" in body


def test_the_facilitators_supervisor_can_open_the_fidelity_rating_from_the_report(world, running, as_member):
    from openipt.accounts.actions import change_membership
    from openipt.groups.supervision_link import rate_url

    grp, members = running
    fac = actor(world.m["facilitator"])
    session_actions.mark_attendance(fac, grp.pk, 1, members[0].pk, "present")
    report_actions.file_report(fac, grp.pk, 1, went_well="Good start")
    web = as_member(world.m["supervisor"])
    session = grp.sessions.get(number=1)
    body = web.get(f"/groups/{grp.pk}/sessions/1/report/").content.decode()
    assert rate_url(session.pk) not in body and "facilitator's supervisor" in body
    change_membership(actor(world.m["admin"]), world.m["facilitator"].pk, role="facilitator",
                      supervisor_id=world.m["supervisor"].pk)
    body = web.get(f"/groups/{grp.pk}/sessions/1/report/").content.decode()
    assert rate_url(session.pk) in body
    page = web.get(rate_url(session.pk))
    assert page.status_code == 200 and grp.name in page.content.decode()


def test_a_members_own_record_and_group_course_open_without_error(world, running, as_member):
    grp, members = running
    fac = actor(world.m["facilitator"])
    session_actions.mark_attendance(fac, grp.pk, 1, members[0].pk, "present")
    session_actions.enter_quick_check(fac, grp.pk, 1, members[0].pk, phq9(12))
    web = as_member(world.m["facilitator"])
    assert web.get(f"/clients/{members[0].client_id}/").status_code == 200
    page = web.get(f"/courses/{members[0].course_id}/")
    assert page.status_code == 200 and "Group IPT" in page.content.decode()
