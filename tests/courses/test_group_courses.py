"""Group members' own courses: started, activated, moved and ended by the courses app on behalf of the group.

Most tests go through the groups actions a facilitator uses, then check what the courses app wrote:
the course, its history (PhaseTransition) and the audit log.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from openipt.clients.actions import assign_care_team
from openipt.clients.models import Assignment
from openipt.core.errors import ActionError
from openipt.courses import group_courses, screening_actions
from openipt.courses.models import Course, PhaseTransition
from openipt.groups import actions, meeting_actions, session_actions
from openipt.groups.models import Member
from tests.support.courses import start
from tests.support.groups import client_of, group, invite, screen
from tests.support.people import actor, make_member


def history(course) -> list[tuple[str, str, str]]:
    return list(PhaseTransition.objects.filter(course=course).order_by("pk").values_list("from_value", "to_value", "reason"))


def events(course, event_type: str) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=event_type, object_id=str(course.pk),
                                          object_type="courses.course").order_by("pk").values_list("details", flat=True))


def four_members(world, grp, who="facilitator", *, screened: bool = True) -> list[Member]:
    """Four members, their screening before the group recorded unless `screened` is False."""
    members = [actions.add_member(actor(world.m[who]), grp.pk, client_of(world).pk) for _ in range(4)]
    if screened:
        screen(world, *members)
    return members


# Starting -------------------------------------------------------------------------------------------


def test_joining_a_planned_group_starts_a_planned_group_course_with_its_history_and_audit(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    course = Course.objects.get(pk=member.course_id)
    assert (course.format_id, course.status, course.phase, course.sessions_planned) == ("group", "planned", "initial", 8)
    assert course.therapist_id == world.m["facilitator"].pk and course.created_by_id == world.m["facilitator"].pk
    assert history(course) == [("", "planned", "Joined the group Tuesday group")]
    [details] = events(course, "course.started")
    assert details["format"] == "group" and details["group"] == grp.pk and details["sessions"] == 8


def test_joining_a_running_group_once_screened_starts_an_active_course(world):
    grp = group(world)
    four_members(world, grp)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    client = client_of(world)
    fac = actor(world.m["facilitator"])
    planned = group_courses.start_group_course(fac, client, therapist=world.m["facilitator"], start_date=grp.start_date,
                                               sessions=8, reason="Met before the group", group_id=grp.pk)
    screening_actions.record_screening(fac, planned.pk, {t: {"answer": "No concerns.", "decision": "proceed"}
                                                         for t in screening_actions.topics_for(planned)})
    late = actions.add_member(fac, grp.pk, client.pk)
    assert late.course_id == planned.pk and Course.objects.get(pk=late.course_id).status == "active"
    assert history(late.course)[-1][:2] == ("planned", "active")


def test_a_client_with_an_open_group_course_keeps_it_and_no_second_one_is_started(world):
    grp = group(world)
    client = client_of(world)
    fac = actor(world.m["facilitator"])
    first = group_courses.start_group_course(fac, client, therapist=world.m["facilitator"], start_date=grp.start_date,
                                             sessions=8, reason="Joined")
    again = group_courses.start_group_course(fac, client, therapist=world.m["facilitator"], start_date=grp.start_date,
                                             sessions=12, reason="Joined again")
    assert again.pk == first.pk and again.sessions_planned == 8
    assert Course.objects.filter(client=client).count() == 1
    assert len(events(first, "course.started")) == 1


def test_only_a_group_format_is_started_for_a_group(world):
    client = client_of(world)
    with pytest.raises(ActionError) as exc:
        group_courses.start_group_course(actor(world.m["facilitator"]), client, therapist=world.m["facilitator"],
                                         start_date=timezone.localdate(), sessions=8, reason="x",
                                         format_id="individual")
    assert exc.value.field == "format_id"
    assert not Course.objects.filter(client=client).exists()


@pytest.mark.parametrize("who", ["therapist2", "client", "other_admin"])
def test_nobody_starts_a_group_course_for_a_client_outside_their_reach(world, who):
    client = client_of(world)  # assigned to the facilitator only
    with pytest.raises(ActionError) as exc:
        group_courses.start_group_course(actor(world.m[who]), client, therapist=world.m["facilitator"],
                                         start_date=timezone.localdate(), sessions=8, reason="x")
    assert exc.value.code == "forbidden"
    assert not Course.objects.filter(client=client).exists()


# Activating and following the group's phase ----------------------------------------------------------


def test_starting_the_group_activates_every_members_planned_course_with_history_and_audit(world):
    grp = group(world)
    members = four_members(world, grp)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    for member in members:
        course = Course.objects.get(pk=member.course_id)
        assert course.status == "active" and course.version == 2
        assert history(course)[-1] == ("planned", "active", "The group Tuesday group started")
        [details] = events(course, "course.transition")
        assert (details["from"], details["to"], details["group"]) == ("planned", "active", True)


def test_holding_a_session_moves_each_open_course_once_to_its_phase(world):
    grp = group(world, weeks_ago=7)  # eight sessions, the last one today
    members = four_members(world, grp, who="admin")
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    fac = actor(world.m["facilitator"])
    session_actions.mark_attendance(fac, grp.pk, 2, members[0].pk, "present")
    session_actions.mark_attendance(fac, grp.pk, 2, members[1].pk, "present")  # session already held: no second move
    session_actions.mark_attendance(fac, grp.pk, 3, members[0].pk, "present")  # still the middle phase: no move
    for member in members:
        course = Course.objects.get(pk=member.course_id)
        assert course.phase == "middle"
        assert [h[:2] for h in history(course)] == [("", "planned"), ("planned", "active"), ("initial", "middle")]
        assert history(course)[-1][2] == "Group session 2 held"
        assert [d["to"] for d in events(course, "course.transition")] == ["active", "middle"]


def test_a_member_who_left_does_not_follow_the_group(world):
    grp = group(world, weeks_ago=7)
    members = four_members(world, grp, who="admin")
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    fac = actor(world.m["facilitator"])
    actions.remove_member(fac, grp.pk, members[3].pk, reason="Moved away")
    session_actions.mark_attendance(fac, grp.pk, 2, members[0].pk, "present")
    left = Course.objects.get(pk=members[3].course_id)
    assert (left.status, left.phase) == ("ended_early", "initial")


def test_group_moves_leave_courses_of_other_formats_alone(world):
    individual = start(world)  # the therapist's individual course for "mine"
    fac = actor(world.m["admin"])
    assert group_courses.set_group_phase(fac, [individual.pk], "middle", reason="x") == 0
    assert group_courses.activate_group_courses(fac, [individual.pk], reason="x") == 0
    individual.refresh_from_db()
    assert (individual.phase, individual.version) == ("initial", 1)


def test_group_moves_leave_other_organisations_alone(world):
    grp = group(world)
    members = four_members(world, grp)
    assert group_courses.activate_group_courses(actor(world.m["other_admin"]), [m.course_id for m in members],
                                                reason="x") == 0
    assert set(Course.objects.filter(pk__in=[m.course_id for m in members]).values_list("status", flat=True)) == {"planned"}


def test_a_phase_must_be_one_of_the_three(world):
    with pytest.raises(ActionError) as exc:
        group_courses.set_group_phase(actor(world.m["admin"]), [], "maintenance", reason="x")
    assert exc.value.field == "phase"


def test_a_client_login_cannot_move_group_courses(world):
    grp = group(world)
    members = four_members(world, grp)
    with pytest.raises(ActionError) as exc:
        group_courses.activate_group_courses(actor(world.m["client"]), [m.course_id for m in members], reason="x")
    assert exc.value.code == "forbidden"


# Ending ----------------------------------------------------------------------------------------------


def test_leaving_ends_the_course_early_with_the_reason_in_its_history_and_audit(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    actions.remove_member(actor(world.m["facilitator"]), grp.pk, member.pk, reason="Moved to another town")
    course = Course.objects.get(pk=member.course_id)
    assert (course.status, course.end_reason, course.ended_on) == ("ended_early", "Moved to another town",
                                                                   timezone.localdate())
    assert history(course)[-1] == ("planned", "ended_early", "Moved to another town")
    [details] = events(course, "course.transition")
    assert (details["from"], details["to"], details["reason"]) == ("planned", "ended_early", "Moved to another town")


def test_ending_the_group_completes_the_courses_of_those_still_in_it_and_leaves_early_leavers_alone(world):
    # given a running group of five, one of whom left early
    grp = group(world)
    members = four_members(world, grp) + [actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)]
    screen(world, members[-1])
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    left = members[-1]
    actions.remove_member(actor(world.m["facilitator"]), grp.pk, left.pk, reason="Moved to another town")
    # when the facilitator ends the group
    actions.set_status(actor(world.m["facilitator"]), grp.pk, "ended")
    # then each remaining member's course is completed today, with its history and audit
    for member in members[:-1]:
        course = Course.objects.get(pk=member.course_id)
        assert (course.status, course.ended_on) == ("completed", timezone.localdate())
        assert history(course)[-1] == ("active", "completed", "The group Tuesday group ended")
        assert events(course, "course.transition")[-1]["to"] == "completed"
    # and the member who left keeps their early end
    assert Course.objects.get(pk=left.course_id).status == "ended_early"


def test_ending_a_course_already_closed_changes_nothing(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    fac = actor(world.m["facilitator"])
    group_courses.end_group_course(fac, member.course_id, "First reason")
    again = group_courses.end_group_course(fac, member.course_id, "Second reason")
    assert (again.status, again.end_reason) == ("ended_early", "First reason")
    assert [h[1] for h in history(again)] == ["planned", "ended_early"]
    assert len(events(again, "course.transition")) == 1


def test_a_declined_invitation_ends_the_course_with_the_reason(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client, outcome="declined")
    course = Course.objects.get(client=client)
    assert course.end_reason == "Invited to the group and said no"
    assert history(course)[-1] == ("planned", "ended_early", "Invited to the group and said no")
    assert events(course, "course.transition")[-1]["to"] == "ended_early"


def test_an_individual_course_cannot_be_ended_through_the_group(world):
    individual = start(world)
    with pytest.raises(ActionError) as exc:
        group_courses.end_group_course(actor(world.m["therapist"]), individual.pk, "Left the group")
    assert exc.value.code == "forbidden"
    individual.refresh_from_db()
    assert individual.status == "active"


def test_staff_who_cannot_see_the_member_cannot_end_their_course(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    with pytest.raises(ActionError) as exc:
        group_courses.end_group_course(actor(world.m["therapist2"]), member.course_id, "Left")
    assert exc.value.code == "forbidden"
    assert Course.objects.get(pk=member.course_id).status == "planned"


def test_an_end_needs_a_reason(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    with pytest.raises(ActionError) as exc:
        group_courses.end_group_course(actor(world.m["facilitator"]), member.course_id, "  ")
    assert exc.value.field == "reason"


# Focus -----------------------------------------------------------------------------------------------


def test_the_problem_area_from_the_pre_group_meeting_is_the_courses_focus_and_audited(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client, problem_area="role_dispute", problem_words="We fight about money")
    course = Course.objects.get(client=client)
    assert (course.primary_area, course.primary_rationale) == ("role_dispute", "We fight about money")
    [details] = events(course, "course.focus_set")
    assert details["area"] == "role_dispute" and details["group"] is True


def test_a_later_meeting_does_not_overwrite_the_focus(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client, problem_area="role_dispute", problem_words="We fight about money")
    meeting_actions.record_meeting(actor(world.m["facilitator"]), grp.pk, client.pk, meeting_actions.MeetingRecord(
        kind="mid_group", held_on=timezone.localdate(), phq9={f"q{n}": 1 for n in range(1, 10)},
        problem_area="grief", current_plan=False, recent_attempt=False))
    course = Course.objects.get(client=client)
    assert course.primary_area == "role_dispute"
    assert len(events(course, "course.focus_set")) == 1


def test_an_unknown_problem_area_is_refused(world):
    grp = group(world)
    member = actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world).pk)
    with pytest.raises(ActionError) as exc:
        group_courses.record_group_focus(actor(world.m["facilitator"]), member.course_id, "made_up", "words")
    assert exc.value.field == "problem_area"


# The care team ----------------------------------------------------------------------------------------


def test_joining_a_group_puts_its_leaders_on_the_care_team_once_each(world):
    co = make_member(world.org, Role.FACILITATOR)
    grp = group(world, co=co)
    client = client_of(world)
    actions.add_member(actor(world.m["facilitator"]), grp.pk, client.pk)
    staff = set(Assignment.objects.filter(client=client).values_list("staff_id", flat=True))
    assert staff == {world.m["facilitator"].pk, co.pk, world.m["supervisor"].pk}
    assigned = AuditEvent.objects.filter(event_type="client.assigned", client_id=client.pk)
    assert assigned.count() == 3  # the facilitator when the client was added, then the co-facilitator and supervisor
    assign_care_team(actor(world.m["admin"]), client, co)  # already on the team: nothing new
    assert assigned.count() == 3


@pytest.mark.parametrize("who", ["therapist2", "client", "other_admin"])
def test_nobody_adds_to_the_care_team_of_a_client_outside_their_reach(world, who):
    client = client_of(world)
    with pytest.raises(ActionError) as exc:
        assign_care_team(actor(world.m[who]), client, world.m["therapist2"])
    assert exc.value.code == "forbidden"
    assert not Assignment.objects.filter(client=client, staff=world.m["therapist2"]).exists()


def test_a_supervisor_leading_a_group_adds_their_supervisees_client(world):
    client = client_of(world, who="therapist")  # the therapist is supervised by the world's supervisor
    assign_care_team(actor(world.m["supervisor"]), client, world.m["supervisor"])
    assert Assignment.objects.filter(client=client, staff=world.m["supervisor"]).exists()


def test_staff_from_another_organisation_are_not_added(world):
    client = client_of(world)
    with pytest.raises(ActionError) as exc:
        assign_care_team(actor(world.m["admin"]), client, world.m["other_therapist"])
    assert exc.value.field == "staff"
