"""Sessions: scheduling, attendance, plan steps, notes (drafts, conflicts, signing, addenda) and goal ratings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError, ConflictError
from openipt.courses import actions, goal_actions, session_actions
from openipt.courses.models import Addendum, GoalRating, Session, SessionNote
from openipt.courses.present import position
from openipt.courses.sessionplan import plan_for
from tests.support.clock import at
from tests.support.courses import held_session, make_ready_for_middle, start
from tests.support.people import actor

NOTE = {"mood": "Low, 3 out of 10.", "events": "Argument with her brother.", "people": "Brother", "strategy_work": "",
        "techniques": ["exploration"], "client_will_try": "Call her brother on Sunday.", "risk_reviewed": True,
        "risk_level": "none", "risk_text": ""}


def test_a_new_session_cannot_be_in_the_past_but_today_is_fine(world, course):
    act = actor(world.m["therapist"])
    with pytest.raises(ActionError) as refused:
        session_actions.add_session(act, course.pk, when=at(days=-1), duration=50, mode="video")
    assert refused.value.field == "date"
    assert "is in the past. Choose today or a later date" in refused.value.message
    second = session_actions.add_session(act, course.pk, when=at(hour=0), duration=50, mode="phone")
    assert second.number == 2 and second.phase == "initial"


@pytest.mark.parametrize(
    "kwargs, field",
    [({"duration": 2}, "duration"), ({"duration": 241}, "duration"), ({"mode": "carrier pigeon"}, "mode"),
     ({"when": "tomorrow"}, "date")],
)
def test_a_session_with_a_bad_length_or_mode_is_refused_beside_the_field(world, course, kwargs, field):
    data = {"when": at(days=1), "duration": 50, "mode": "video", **kwargs}
    with pytest.raises(ActionError) as refused:
        session_actions.add_session(actor(world.m["therapist"]), course.pk, **data)
    assert refused.value.field == field


def test_rescheduling_moves_a_future_session_and_refuses_the_past_or_a_held_one(world, course):
    act = actor(world.m["therapist"])
    session = Session.objects.get(course=course, number=1)
    moved = session_actions.reschedule_session(act, course.pk, 1, when=at(days=2, hour=15), duration=45,
                                               mode="video", expected_version=session.version)
    assert timezone.localtime(moved.scheduled_start).hour == 15 and moved.mode == "video"
    with pytest.raises(ConflictError):
        session_actions.reschedule_session(act, course.pk, 1, when=at(days=3), duration=45, mode="video",
                                           expected_version=session.version)
    with pytest.raises(ActionError) as past:
        session_actions.reschedule_session(act, course.pk, 1, when=at(days=-2), duration=45, mode="video",
                                           expected_version=moved.version)
    assert "in the past" in past.value.message
    held = held_session(world, course)[0]
    with pytest.raises(ActionError) as done:
        session_actions.reschedule_session(act, course.pk, held.number, when=at(days=3), duration=45, mode="video",
                                           expected_version=2)
    assert "already recorded as attended" in done.value.message


def test_missed_sessions_count_toward_the_contract(world, course):
    act = actor(world.m["therapist"])
    session_actions.record_attendance(act, course.pk, 1, "did_not_attend")
    held_session(world, course, attendance="cancelled")
    held_session(world, course, attendance="attended")
    course.refresh_from_db()
    where = position(course, 3)
    assert (where.number, where.left) == (4, 8)
    assert where.text.startswith("Session 4 of 12 · initial phase · 8 left · planned last session ")


def test_attendance_for_a_future_session_is_refused_but_cancelling_ahead_is_allowed(world, course):
    act = actor(world.m["therapist"])
    future = session_actions.add_session(act, course.pk, when=at(days=7), duration=50, mode="video")
    with pytest.raises(ActionError) as refused:
        session_actions.record_attendance(act, course.pk, future.number, "attended")
    assert "Record attendance on or after that day, or mark it cancelled." in refused.value.message
    assert session_actions.record_attendance(act, course.pk, future.number, "cancelled").attendance == "cancelled"
    with pytest.raises(ActionError):
        session_actions.record_attendance(act, course.pk, future.number, "teleported")


def test_ticked_steps_must_belong_to_the_plan_and_are_kept_in_plan_order(world, course):
    act = actor(world.m["therapist"])
    session = Session.objects.get(course=course, number=1)
    plan, _ = plan_for(course, session)
    first, third = plan.step_ids[0], plan.step_ids[2]
    saved = session_actions.tick_steps(act, course.pk, 1, [third, first])
    assert saved.done_step_ids == [first, third]
    assert saved.planned_step_ids == list(plan.step_ids)
    with pytest.raises(ActionError) as bogus:
        session_actions.tick_steps(act, course.pk, 1, [first, "'; drop table--"])
    assert "not part of this session's plan" in bogus.value.message
    assert Session.objects.get(pk=session.pk).done_step_ids == [first, third]


def test_the_next_plan_carries_over_undone_steps_and_what_the_client_would_try(world, course):
    act = actor(world.m["therapist"])
    session_actions.record_attendance(act, course.pk, 1, "attended")
    session = Session.objects.get(course=course, number=1)
    plan, _ = plan_for(course, session)
    session_actions.tick_steps(act, course.pk, 1, list(plan.step_ids[:2]))
    session_actions.save_note(act, course.pk, 1, NOTE, expected_version=0)
    second = session_actions.add_session(act, course.pk, when=at(days=7), duration=50, mode="video")
    previous = Session.objects.select_related("note").get(pk=session.pk)
    next_plan, _ = plan_for(course, second, previous)
    carried_texts = [c.text for c in next_plan.carried_over]
    assert "Call her brother on Sunday." in carried_texts
    undone = set(plan.step_ids[2:])
    marked = {s.id for s in next_plan.steps if s.carried_over}
    listed = {c.step_id for c in next_plan.carried_over if c.kind == "step"}
    assert (marked | listed) == undone


def test_a_draft_is_saved_then_a_stale_save_is_refused_and_keeps_the_other_persons_text(world, course):
    # given two people assigned to the client
    from openipt.clients.actions import assign_staff

    assign_staff(actor(world.m["admin"]), world.clients["mine"].pk, world.m["therapist2"].pk)
    me, colleague = actor(world.m["therapist"]), actor(world.m["therapist2"])
    first = session_actions.save_note(me, course.pk, 1, NOTE, expected_version=0)
    assert (first.version, first.status) == (1, "draft")
    # when the colleague saves from version 1 and then I save from the same version 1
    session_actions.save_note(colleague, course.pk, 1, {**NOTE, "events": "Colleague's account of events."}, expected_version=1)
    with pytest.raises(ConflictError) as conflict:
        session_actions.save_note(me, course.pk, 1, {**NOTE, "events": "My account of events."}, expected_version=1)
    # then my save is refused, and the colleague's text is what is stored and shown to me
    assert conflict.value.current.events == "Colleague's account of events."
    assert SessionNote.objects.get(session__course=course).events == "Colleague's account of events."
    # and after I combine the two I can save on the current version
    merged = session_actions.save_note(me, course.pk, 1, {**NOTE, "events": "Both accounts."}, expected_version=2)
    assert merged.version == 3 and merged.last_edited_by == world.m["therapist"]


def test_autosaves_by_the_same_person_close_together_are_audited_once(world, course):
    act = actor(world.m["therapist"])
    note = session_actions.save_note(act, course.pk, 1, NOTE, expected_version=0, autosave=True)
    note = session_actions.save_note(act, course.pk, 1, {**NOTE, "mood": "4/10"}, expected_version=note.version, autosave=True)
    session_actions.save_note(act, course.pk, 1, {**NOTE, "mood": "5/10"}, expected_version=note.version, autosave=True)
    assert SessionNote.objects.get().mood == "5/10"
    assert AuditEvent.objects.filter(event_type="note.draft_saved").count() == 1


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"techniques": ["mind_reading"]}, "techniques", "Choose techniques from the list."),
        ({"risk_level": "catastrophic"}, "risk_level", "Choose none, low, medium or high."),
        ({"strategy_work": "x" * 20001}, "strategy_work", "20001 characters long; the most is 20000"),
        ({"risk_reviewed": "maybe"}, "risk_reviewed", "yes or no"),
    ],
)
def test_bad_note_input_is_refused_beside_the_field(world, course, change, field, words):
    with pytest.raises(ActionError) as refused:
        session_actions.save_note(actor(world.m["therapist"]), course.pk, 1, {**NOTE, **change}, expected_version=0)
    assert refused.value.field == field and words in refused.value.message


def test_signing_refuses_an_empty_note_unrecorded_attendance_and_an_unanswered_risk_review(world, course):
    act = actor(world.m["therapist"])
    empty = session_actions.save_note(act, course.pk, 1, {"mood": "   "}, expected_version=0)
    with pytest.raises(ActionError) as refused:
        session_actions.sign_note(act, course.pk, 1, expected_version=empty.version)
    assert "The note is empty." in refused.value.message
    note = session_actions.save_note(act, course.pk, 1, {**NOTE, "risk_reviewed": None}, expected_version=empty.version)
    with pytest.raises(ActionError) as attendance:
        session_actions.sign_note(act, course.pk, 1, expected_version=note.version)
    assert attendance.value.field == "attendance"
    session_actions.record_attendance(act, course.pk, 1, "attended")
    with pytest.raises(ActionError) as risk:
        session_actions.sign_note(act, course.pk, 1, expected_version=note.version)
    assert risk.value.field == "risk_reviewed"
    note = session_actions.save_note(act, course.pk, 1, {**NOTE, "risk_level": "high"}, expected_version=note.version)
    with pytest.raises(ActionError) as concern:
        session_actions.sign_note(act, course.pk, 1, expected_version=note.version)
    assert concern.value.field == "risk_text"
    assert SessionNote.objects.get().status == "draft"


def test_a_signed_note_is_locked_and_corrected_by_addenda(world, course):
    act = actor(world.m["therapist"])
    session_actions.record_attendance(act, course.pk, 1, "attended")
    note = session_actions.save_note(act, course.pk, 1, NOTE, expected_version=0)
    with pytest.raises(ActionError) as addendum_too_early:
        session_actions.add_addendum(act, course.pk, 1, "Too soon.")
    assert "Addenda are for signed notes" in addendum_too_early.value.message
    signed = session_actions.sign_note(act, course.pk, 1, expected_version=note.version)
    assert signed.status == "signed" and signed.signed_by == world.m["therapist"] and signed.signed_at is not None
    with pytest.raises(ActionError) as locked:
        session_actions.save_note(act, course.pk, 1, {**NOTE, "mood": "changed"}, expected_version=signed.version)
    assert locked.value.message == "This note is signed and locked. Add an addendum below to correct or add to it."
    for change in (lambda: session_actions.record_attendance(act, course.pk, 1, "cancelled"),
                   lambda: session_actions.tick_steps(act, course.pk, 1, []),
                   lambda: session_actions.sign_note(act, course.pk, 1, expected_version=signed.version)):
        with pytest.raises(ActionError):
            change()
    with pytest.raises(ActionError) as blank:
        session_actions.add_addendum(act, course.pk, 1, "  ")
    assert blank.value.field == "text"
    session_actions.add_addendum(act, course.pk, 1, "The argument was with her sister, not her brother.")
    assert Addendum.objects.get().note == signed
    assert SessionNote.objects.get().mood == NOTE["mood"]
    assert AuditEvent.objects.filter(event_type__in=["note.signed", "note.addendum"]).count() == 2


def test_goals_are_rated_from_0_to_10_per_session_and_locked_with_the_note(world, course):
    act = actor(world.m["therapist"])
    goal = goal_actions.add_goal(act, course.pk, text="Call my sister")
    other = goal_actions.add_goal(act, course.pk, text="Sleep better")
    session_actions.rate_goals(act, course.pk, 1, {goal.pk: (4, "Called once"), other.pk: (None, "")})
    assert list(GoalRating.objects.values_list("goal_id", "rating", "comment")) == [(goal.pk, 4, "Called once")]
    session_actions.rate_goals(act, course.pk, 1, {goal.pk: (6, "")})
    assert GoalRating.objects.get().rating == 6
    for bad in ({goal.pk: (11, "")}, {goal.pk: (-1, "")}, {424242: (3, "")}, {goal.pk: ("7", "")}):
        with pytest.raises(ActionError) as refused:
            session_actions.rate_goals(act, course.pk, 1, bad)
        assert refused.value.field == "ratings"
    session_actions.record_attendance(act, course.pk, 1, "attended")
    note = session_actions.save_note(act, course.pk, 1, NOTE, expected_version=0)
    session_actions.sign_note(act, course.pk, 1, expected_version=note.version)
    with pytest.raises(ActionError) as locked:
        session_actions.rate_goals(act, course.pk, 1, {goal.pk: (9, "")})
    assert "ratings are locked" in locked.value.message


def test_sessions_of_another_course_or_number_are_not_reachable(world, course):
    act = actor(world.m["therapist"])
    with pytest.raises(ActionError):
        session_actions.record_attendance(act, course.pk, 99, "attended")
    other = start(world, who="other_therapist", client="other")
    with pytest.raises(ActionError) as refused:
        session_actions.add_session(act, other.pk, when=at(days=1), duration=50, mode="video")
    assert refused.value.code == "forbidden"


def test_maintenance_sessions_are_planned_as_middle_phase_work(world, course):
    act = actor(world.m["therapist"])
    make_ready_for_middle(world, course)
    actions.transition_course(act, course.pk, "middle")
    actions.transition_course(act, course.pk, "termination", reason="Early end agreed.")
    course.refresh_from_db()
    actions.save_ending(act, course.pk, warning_signs="a", what_helps="b", contacts="c", end_review="d", expected_version=course.version)
    actions.transition_course(act, course.pk, "completed")
    actions.transition_course(act, course.pk, "maintenance", maintenance_sessions=3)
    course.refresh_from_db()
    extra = session_actions.add_session(act, course.pk, when=at(days=30), duration=50, mode="video")
    plan, problem = plan_for(course, extra)
    assert problem == "" and plan.phase == "middle"
    assert course.planned_end_date >= timezone.localdate() + timedelta(days=60)
