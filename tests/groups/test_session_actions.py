"""Facilitator mode changes: attendance, quick checks, will-try lines, notes, replayed changes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.clients.models import ClientSignal
from openipt.core.errors import ActionError, ConflictError
from openipt.groups import actions, session_actions
from openipt.groups.models import AppliedChange, Attendance, QuickCheck
from openipt.measures.models import Administration
from openipt.safety.models import Alert
from tests.support.groups import client_of, co_facilitator, group, phq9, screen
from tests.support.people import actor


@pytest.fixture
def running(world):
    """A group that began two weeks ago (sessions 1-3 are today or earlier), with four members and a co-facilitator."""
    co = co_facilitator(world)
    grp = group(world, weeks_ago=2, co=co)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world).pk) for _ in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp, members, co


def test_attendance_for_a_future_session_is_refused_with_its_date(world, running):
    grp, members, _co = running
    with pytest.raises(ActionError) as exc:
        session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 4, members[0].pk, "present")
    assert "Session 4 is on" in exc.value.message and "not before" in exc.value.message
    assert not Attendance.objects.exists()


def test_two_facilitators_marking_different_members_both_keep_their_marks(world, running):
    grp, members, co = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "present")
    session_actions.mark_attendance(actor(co), grp.pk, 3, members[1].pk, "absent")
    marks = dict(Attendance.objects.filter(session__number=3).values_list("member_id", "presence"))
    assert marks == {members[0].pk: "present", members[1].pk: "absent"}


def test_for_the_same_member_the_later_mark_wins_and_says_whose_it_replaced(world, running):
    grp, members, co = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "present")
    result = session_actions.mark_attendance(actor(co), grp.pk, 3, members[0].pk, "excused")
    assert str(world.m["facilitator"].user) in result["replaced"] and "Came" in result["replaced"]
    row = Attendance.objects.get(session__number=3, member=members[0])
    assert row.presence == "excused" and row.marked_by_id == co.pk


def test_a_stale_no_js_form_does_not_undo_the_other_facilitators_marks(world, running, as_member):
    grp, members, co = running
    web = as_member(co)
    url = f"/groups/{grp.pk}/sessions/3/"
    # The co-facilitator's page was loaded while nothing was marked; meanwhile the facilitator marks member 0.
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "present")
    data = {"action": "marks"}
    for m in members:
        data[f"m{m.pk}_seen"] = ""
        data[f"m{m.pk}_try_seen"] = ""
        data[f"m{m.pk}_try"] = ""
    data[f"m{members[1].pk}_presence"] = "absent"
    response = web.post(url, data)
    assert response.status_code == 302
    marks = dict(Attendance.objects.filter(session__number=3).values_list("member_id", "presence"))
    assert marks == {members[0].pk: "present", members[1].pk: "absent"}


# Hazard GRP-04: marks and checks made while the tablet is offline must not be lost or doubled.
def test_a_replayed_change_is_applied_once(world, running):
    grp, members, _co = running
    fac = actor(world.m["facilitator"])
    data = {"member": members[0].pk, "presence": "present"}
    first = session_actions.apply_change(fac, grp.pk, 3, key="tablet-key-1", kind="mark", data=data)
    again = session_actions.apply_change(fac, grp.pk, 3, key="tablet-key-1", kind="mark", data=data)
    assert again["replayed"] is True and again["presence"] == first["presence"]
    assert AppliedChange.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="group.attendance_marked").count() == 1


def test_a_replayed_quick_check_is_entered_once(world, running):
    grp, members, _co = running
    fac = actor(world.m["facilitator"])
    data = {"member": members[0].pk, "answers": phq9(12)}
    session_actions.apply_change(fac, grp.pk, 3, key="check-1", kind="check", data=data)
    session_actions.apply_change(fac, grp.pk, 3, key="check-1", kind="check", data=data)
    assert QuickCheck.objects.count() == 1
    assert Administration.objects.filter(client=members[0].client).count() == 1


def test_a_key_used_by_someone_else_is_refused(world, running):
    grp, members, co = running
    session_actions.apply_change(actor(world.m["facilitator"]), grp.pk, 3, key="k", kind="mark",
                                 data={"member": members[0].pk, "presence": "present"})
    with pytest.raises(ActionError):
        session_actions.apply_change(actor(co), grp.pk, 3, key="k", kind="mark",
                                     data={"member": members[0].pk, "presence": "absent"})


def test_a_quick_phq2_and_a_full_phq9_go_through_measures(world, running):
    grp, members, _co = running
    fac = actor(world.m["facilitator"])
    two = session_actions.enter_quick_check(fac, grp.pk, 3, members[0].pk, {"q1": 2, "q2": 1, "q9": 0})
    nine = session_actions.enter_quick_check(fac, grp.pk, 3, members[1].pk, phq9(11))
    assert (two["instrument"], two["total"]) == ("phq2", 3)
    assert (nine["instrument"], nine["total"]) == ("phq9", 11)
    assert Administration.objects.filter(course_id=members[1].course_id, total=11, source="staff").exists()


def test_a_half_answered_check_is_refused_beside_the_member(world, running):
    grp, members, _co = running
    with pytest.raises(ActionError) as exc:
        session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, {"q1": 1, "q2": 1, "q3": 2})
    assert exc.value.field == f"check_{members[0].pk}"
    assert not QuickCheck.objects.exists()


@pytest.mark.parametrize("bad", [2.5, True, "three", 4, -1, None])
def test_answers_that_are_not_0_to_3_are_refused(world, running, bad):
    grp, members, _co = running
    with pytest.raises(ActionError):
        session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, {"q1": bad, "q2": 1})
    assert not QuickCheck.objects.exists()


def test_a_second_check_for_the_same_member_and_session_is_refused_with_the_first_score(world, running):
    grp, members, _co = running
    fac = actor(world.m["facilitator"])
    session_actions.enter_quick_check(fac, grp.pk, 3, members[0].pk, phq9(12))
    with pytest.raises(ActionError, match="score 12"):
        session_actions.enter_quick_check(fac, grp.pk, 3, members[0].pk, phq9(5))


# Hazard GRP-02: a symptom check with a suicidal-thoughts answer entered in a group session must alert staff.
def test_item_nine_in_a_quick_check_raises_an_alert(world, running):
    grp, members, _co = running
    result = session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, phq9(15, item9=1))
    assert result["flagged"] is True
    assert Alert.objects.filter(client=members[0].client).exists()


# Hazard GRP-05: a member who stops coming must not drop out unnoticed.
def test_missing_two_sessions_flags_the_member_on_the_caseload_until_they_come(world, running):
    grp, members, _co = running
    fac = actor(world.m["facilitator"])
    for number in (1, 2):
        session_actions.mark_attendance(fac, grp.pk, number, members[0].pk, "absent")
    signal = ClientSignal.objects.get(client=members[0].client, source="groups")
    assert "Missed 2" in signal.label
    session_actions.mark_attendance(fac, grp.pk, 3, members[0].pk, "present")
    assert not ClientSignal.objects.filter(client=members[0].client, source="groups").exists()


def test_notes_refuse_a_stale_version(world, running):
    grp, _members, co = running
    session_actions.save_notes(actor(world.m["facilitator"]), grp.pk, 3, "First notes", 1)
    with pytest.raises(ConflictError):
        session_actions.save_notes(actor(co), grp.pk, 3, "Other notes", 1)


def test_the_supervisor_cannot_mark_attendance(world, running):
    grp, members, _co = running
    with pytest.raises(ActionError) as exc:
        session_actions.mark_attendance(actor(world.m["supervisor"]), grp.pk, 3, members[0].pk, "present")
    assert exc.value.code == "forbidden"


def test_the_dropout_flag_clears_when_the_member_leaves(world, running):
    grp, members, _co = running
    fac = actor(world.m["facilitator"])
    for number in (1, 2):
        session_actions.mark_attendance(fac, grp.pk, number, members[0].pk, "absent")
    actions.remove_member(fac, grp.pk, members[0].pk, reason="Moved away")
    assert not ClientSignal.objects.filter(client=members[0].client, source="groups").exists()


def test_each_members_course_follows_the_phase_of_the_group_session_held(world):
    from openipt.courses.models import Course

    grp = group(world, weeks_ago=7)  # eight sessions, the last one today
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world).pk) for _ in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    fac = actor(world.m["facilitator"])
    session_actions.mark_attendance(fac, grp.pk, 2, members[0].pk, "present")
    assert set(Course.objects.filter(group_memberships__group=grp).values_list("phase", flat=True)) == {"middle"}
    session_actions.mark_attendance(fac, grp.pk, 8, members[0].pk, "present")
    courses = Course.objects.filter(group_memberships__group=grp)
    assert set(courses.values_list("phase", "status")) == {("termination", "active")}


# Hazard HAZ-011: "getting worse" must compare the member's scores in the group, not an older, unrelated score.
def test_the_roster_trend_uses_only_the_scores_of_the_members_group_course(world):
    from openipt.courses import actions as course_actions
    from openipt.groups.queries import roster
    from openipt.measures.actions import enter_paper
    from tests.support.groups import client_of, group

    person = client_of(world, who="therapist")
    earlier = course_actions.start_course(actor(world.m["therapist"]), person.pk, format_id="individual",
                                          start_date=timezone.localdate(), first_session=timezone.now())
    enter_paper(actor(world.m["therapist"]), earlier.pk, instrument_code="phq9", session_number=None,
                completed_on=timezone.localdate(), answers=phq9(3) | {"difficulty": None})
    grp = group(world, weeks_ago=2)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, person.pk)]
    members += [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world).pk) for _ in range(3)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 1, members[0].pk, phq9(14))
    session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 2, members[0].pk, phq9(15))
    rows, _sessions = roster.build(actor(world.m["facilitator"]), grp)
    row = next(r for r in rows if r.member.pk == members[0].pk)
    assert row.scores == [14, 15] and row.latest == 15
    assert "worse" not in [f.key for f in row.flags]  # 3 -> 15 across two courses would have flagged it
    session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, phq9(21))
    rows, _sessions = roster.build(actor(world.m["facilitator"]), grp)
    row = next(r for r in rows if r.member.pk == members[0].pk)
    assert "worse" in [f.key for f in row.flags]  # 14 -> 21 within the group is a reliable rise


# Hazard HAZ-011 / HAZ-005: a safety answer in a check refused on arrival still reaches staff.
def test_a_refused_check_with_a_safety_answer_still_raises_an_alert(world, running):
    grp, members, _co = running
    actions.remove_member(actor(world.m["admin"]), grp.pk, members[0].pk, reason="Moved away")
    data = {"member": members[0].pk, "answers": phq9(12, item9=2)}
    with pytest.raises(ActionError):
        session_actions.apply_change(actor(world.m["facilitator"]), grp.pk, 3, key="k-refused", kind="check", data=data)
    assert session_actions.rescue_refused_check(actor(world.m["facilitator"]), grp.pk, 3, data) is True
    assert Alert.objects.filter(client=members[0].client, rule_kind="instrument_item").exists()
    # the supervisor, who may only look, cannot raise one this way; nor can anyone for a check without question 9
    assert session_actions.rescue_refused_check(actor(world.m["supervisor"]), grp.pk, 3, data) is False
    assert session_actions.rescue_refused_check(actor(world.m["facilitator"]), grp.pk, 3,
                                                {"member": members[1].pk, "answers": {"q1": 3, "q2": 3}}) is False
