"""Starting a course, its contract, focus and transitions: what is allowed and what is refused, and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError, ConflictError
from openipt.courses import actions, goal_actions, session_actions
from openipt.courses.actions import TransitionError
from openipt.courses.formulation import course_has_agreed_formulation
from openipt.courses.models import ContractChange, Course, PhaseTransition, Session
from tests.support.clock import at
from tests.support.courses import agreed_formulation, held_session, make_ready_for_middle, start
from tests.support.people import actor


def test_starting_a_course_stores_the_contract_and_its_planned_end_and_is_audited(world):
    # given the therapist starts individual IPT today with the format's usual contract
    course = start(world)
    # then it is active, in the initial phase, 12 weekly sessions ending 11 weeks after session 1
    assert (course.status, course.phase, course.sessions_planned, course.frequency) == ("active", "initial", 12, "weekly")
    assert course.planned_end_date == timezone.localdate() + timedelta(weeks=11)
    assert course.therapist == world.m["therapist"]
    assert AuditEvent.objects.filter(event_type="course.started", client_id=world.clients["mine"].pk).count() == 1
    assert list(PhaseTransition.objects.filter(course=course).values_list("from_value", "to_value")) == [("", "active")]


def test_a_course_starting_later_is_planned_and_becomes_active_when_session_one_is_attended(world):
    course = start(world, start_date=timezone.localdate() + timedelta(days=3), sessions=14, frequency="fortnightly")
    assert course.status == "planned"
    assert course.planned_end_date == course.start_date + timedelta(weeks=26)
    # when session 1 is scheduled and attended (today, so attendance can be recorded)
    held_session(world, course)
    course.refresh_from_db()
    assert course.status == "active"
    assert PhaseTransition.objects.filter(course=course, to_value="active", from_value="planned").exists()


def test_a_second_open_course_of_the_same_format_is_refused_with_what_to_do(world):
    start(world)
    with pytest.raises(ActionError) as refused:
        start(world)
    assert refused.value.field == "format_id"
    assert "already has an open course of Individual IPT" in refused.value.message
    assert "complete or end it before starting another" in refused.value.message
    # a different format is fine
    assert start(world, format_id="ipc").format_id == "ipc"


def test_the_database_refuses_a_second_open_course_of_a_format_even_without_the_action(world):
    course = start(world)
    twin = Course(organisation=course.organisation, client=course.client, format_id="individual", therapist=course.therapist,
                  start_date=course.start_date, sessions_planned=12, frequency="weekly", planned_end_date=course.planned_end_date,
                  status="planned", created_by=course.therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.parametrize(
    "kwargs, field, words",
    [
        ({"sessions": 8}, "sessions_planned", "The contract has 8 sessions; Individual IPT allows 12 to 16."),
        ({"sessions": 17}, "sessions_planned", "Individual IPT allows 12 to 16"),
        ({"format_id": "ipc", "sessions": 1}, "sessions_planned", "at least 2 sessions: 1 for the initial phase and 1 for termination"),
        ({"format_id": "brief", "frequency": "fortnightly"}, "frequency", "choose weekly"),
        ({"initial_sessions": 5}, "initial_sessions", "takes 1 to 4 sessions, not 5"),
        ({"format_id": "group"}, "format_id", "Group IPT is run from the group pages"),
        ({"format_id": "no-such-format"}, "format_id", "Choose one of the listed formats."),
        ({"start_date": timezone.localdate() - timedelta(days=400)}, "start_date", "within a year of today"),
    ],
)
def test_a_contract_outside_the_format_is_refused_beside_the_field(world, kwargs, field, words):
    with pytest.raises(ActionError) as refused:
        start(world, **kwargs)
    assert refused.value.field == field
    assert words in refused.value.message
    assert not Course.objects.exists()


def test_only_assigned_care_staff_start_a_course(world):
    for who, client in (("supervisor", "mine"), ("admin", "mine"), ("therapist2", "mine"), ("other_therapist", "mine")):
        with pytest.raises(ActionError) as refused:
            start(world, who=who, client=client)
        assert refused.value.code == "forbidden"


def test_a_contract_agreed_by_the_client_is_changed_only_by_renegotiation_which_is_recorded(world, course):
    act = actor(world.m["therapist"])
    actions.record_agreement(act, course.pk, "contract")
    course.refresh_from_db()
    with pytest.raises(ActionError) as refused:
        actions.edit_contract(act, course.pk, sessions=14, frequency="weekly", start_date=course.start_date,
                              initial_sessions=None, agreed_on=course.contract_agreed_on, expected_version=course.version)
    assert "renegotiate" in refused.value.message
    with pytest.raises(ActionError) as no_reason:
        actions.renegotiate_contract(act, course.pk, sessions=14, frequency="weekly", reason="  ",
                                     agreed_on=timezone.localdate(), expected_version=course.version)
    assert no_reason.value.field == "reason"
    change = actions.renegotiate_contract(act, course.pk, sessions=14, frequency="weekly", reason="Two sessions lost to illness.",
                                          agreed_on=timezone.localdate(), expected_version=course.version)
    course.refresh_from_db()
    assert (change.old_sessions, change.new_sessions, change.reason) == (12, 14, "Two sessions lost to illness.")
    assert course.sessions_planned == 14 and course.planned_end_date == course.start_date + timedelta(weeks=13)
    assert ContractChange.objects.filter(course=course).count() == 1


def test_a_contract_cannot_shrink_below_the_sessions_already_scheduled(world, course):
    act = actor(world.m["therapist"])
    for _ in range(11):
        session_actions.add_session(act, course.pk, when=at(days=1), duration=50, mode="video")
    course.refresh_from_db()
    assert course.sessions.count() == 12
    with pytest.raises(ActionError) as full:
        session_actions.add_session(act, course.pk, when=at(days=2), duration=50, mode="video")
    assert "All 12 sessions of the contract are already scheduled. Renegotiate" in full.value.message


def test_two_people_editing_the_contract_the_later_one_sees_the_conflict(world, course):
    act = actor(world.m["therapist"])
    version = course.version
    actions.edit_contract(act, course.pk, sessions=13, frequency="weekly", start_date=course.start_date,
                          initial_sessions=None, agreed_on=None, expected_version=version)
    with pytest.raises(ConflictError) as conflict:
        actions.edit_contract(act, course.pk, sessions=16, frequency="weekly", start_date=course.start_date,
                              initial_sessions=None, agreed_on=None, expected_version=version)
    assert conflict.value.current.sessions_planned == 13
    course.refresh_from_db()
    assert course.sessions_planned == 13


def test_focus_needs_a_rationale_a_dispute_stage_and_a_distinct_second_area(world, course):
    act = actor(world.m["therapist"])
    base = dict(primary_area="role_dispute", primary_rationale="Rows at home.", dispute_stage="", secondary_area="",
                secondary_rationale="", expected_version=course.version)
    cases = [
        ({}, "dispute_stage", "Choose the stage of the dispute: renegotiation, impasse, dissolution."),
        ({"dispute_stage": "bogus"}, "dispute_stage", "Choose one of the listed stages."),
        ({"dispute_stage": "impasse", "primary_rationale": ""}, "primary_rationale", "why this area fits"),
        ({"dispute_stage": "impasse", "secondary_area": "role_dispute", "secondary_rationale": "x"}, "secondary_area", "must differ"),
        ({"primary_area": "astrology"}, "primary_area", "Choose one of the listed problem areas."),
        ({"dispute_stage": "impasse", "primary_rationale": "x" * 20001}, "primary_rationale", "20001 characters long"),
    ]
    for change, field, words in cases:
        with pytest.raises(ActionError) as refused:
            actions.set_focus(act, course.pk, **{**base, **change})
        assert refused.value.field == field, change
        assert words in refused.value.message, change


def test_a_new_area_leaves_the_agreed_formulation_behind_until_the_client_agrees_one_for_it(world, course):
    course = make_ready_for_middle(world, course)
    assert course_has_agreed_formulation(course)
    course = actions.set_focus(
        actor(world.m["therapist"]), course.pk, primary_area="grief", primary_rationale="Her father died.",
        dispute_stage="", secondary_area="", secondary_rationale="", expected_version=course.version)
    assert not course_has_agreed_formulation(course)
    with pytest.raises(TransitionError) as refused:
        actions.transition_course(actor(world.m["therapist"]), course.pk, "middle")
    assert "Record the date the client agreed the formulation." in refused.value.reasons


def test_the_formulation_agreement_is_recorded_on_the_formulation_page_not_on_the_course(world, course):
    with pytest.raises(ActionError) as refused:
        actions.record_agreement(actor(world.m["therapist"]), course.pk, "formulation")
    assert "on the formulation page" in refused.value.message


def test_the_middle_phase_is_refused_until_formulation_area_and_agreed_contract_exist(world, course):
    act = actor(world.m["therapist"])
    with pytest.raises(TransitionError) as refused:
        actions.transition_course(act, course.pk, "middle")
    assert refused.value.headline == "You cannot move to the middle phase yet:"
    assert refused.value.reasons == [
        "Write the formulation that links the symptoms to the problem area.",
        "Choose a problem area.",
        "Record that the client agreed the treatment contract.",
        "Initial screening: ask about and record Psychosis, Bipolar disorder or mania, Alcohol or drug dependence, "
        "Cognitive impairment, Medication evaluation, with what you decided.",
    ]
    # a written but not agreed formulation is named as such
    course.refresh_from_db()
    course = actions.set_focus(act, course.pk, primary_area="grief", primary_rationale="Father died.", dispute_stage="",
                               secondary_area="", secondary_rationale="", expected_version=course.version)
    agreed_formulation(act, course, "Grief is the focus.", agreed=False)
    with pytest.raises(TransitionError) as still:
        actions.transition_course(act, course.pk, "middle")
    assert "Record the date the client agreed the formulation." in still.value.reasons
    course = make_ready_for_middle(world, course)
    moved = actions.transition_course(act, course.pk, "middle")
    assert moved.phase == "middle"
    assert Session.objects.get(course=course, number=1).phase == "middle"  # a scheduled session follows the course
    assert PhaseTransition.objects.filter(course=course, from_value="initial", to_value="middle", by=world.m["therapist"]).exists()
    assert AuditEvent.objects.filter(event_type="course.transition").count() == 1


def test_termination_early_needs_a_reason_and_completion_needs_the_relapse_plan_and_end_review(world, course):
    act = actor(world.m["therapist"])
    make_ready_for_middle(world, course)
    actions.transition_course(act, course.pk, "middle")
    with pytest.raises(TransitionError) as early:
        actions.transition_course(act, course.pk, "termination")
    assert "Termination is planned to begin at session 10; the next session is 1. Give a reason to begin it early." in early.value.reasons
    actions.transition_course(act, course.pk, "termination", reason="The client moves abroad next month.")
    with pytest.raises(TransitionError) as incomplete:
        actions.transition_course(act, course.pk, "completed")
    assert incomplete.value.reasons == [
        "Add warning signs to the relapse-prevention plan.", "Add what helps to the relapse-prevention plan.",
        "Add who to contact to the relapse-prevention plan.", "Complete the end review.",
    ]
    course.refresh_from_db()
    actions.save_ending(act, course.pk, warning_signs="Sleeping in.", what_helps="Walks.", contacts="GP.",
                        end_review="Much better.", expected_version=course.version)
    done = actions.transition_course(act, course.pk, "completed")
    assert done.status == "completed" and done.ended_on == timezone.localdate()
    # a completed course continues as maintenance with more sessions agreed
    kept = actions.transition_course(act, course.pk, "maintenance", maintenance_sessions=4, maintenance_frequency="monthly")
    assert kept.status == "maintenance" and kept.sessions_planned == 16 and kept.frequency == "monthly"
    assert ContractChange.objects.filter(course=course, new_sessions=16).exists()


def test_ending_early_needs_a_reason_and_a_finished_course_cannot_be_changed(world, course):
    act = actor(world.m["therapist"])
    with pytest.raises(TransitionError) as refused:
        actions.transition_course(act, course.pk, "ended_early", reason=" ")
    assert refused.value.reasons == ["Give a reason for ending the course early."]
    ended = actions.transition_course(act, course.pk, "ended_early", reason="Moved away.")
    assert ended.status == "ended_early" and ended.end_reason == "Moved away."
    with pytest.raises(ActionError) as closed:
        goal_actions.add_goal(act, course.pk, text="Sleep better")
    assert "can no longer be changed" in closed.value.message
    # a new course of the same format can start now
    assert start(world).status == "active"


def test_an_unknown_move_and_staff_who_only_look_are_refused(world, course):
    with pytest.raises(ActionError) as unknown:
        actions.transition_course(actor(world.m["therapist"]), course.pk, "party")
    assert "Choose a move from the list" in unknown.value.message
    for who in ("supervisor", "admin", "therapist2", "other_admin"):
        with pytest.raises(ActionError) as refused:
            actions.transition_course(actor(world.m[who]), course.pk, "ended_early", reason="x")
        assert refused.value.code == "forbidden"


def test_goals_are_added_and_changed_within_limits(world, course):
    act = actor(world.m["therapist"])
    goal = goal_actions.add_goal(act, course.pk, text="  Call my sister every week ", area="role_transition")
    assert (goal.text, goal.order) == ("Call my sister every week", 1)
    assert goal_actions.add_goal(act, course.pk, text="Sleep better").order == 2
    for kwargs, field in (({"text": ""}, "text"), ({"text": "x", "area": "bogus"}, "area"), ({"text": "y" * 1001}, "text")):
        with pytest.raises(ActionError) as refused:
            goal_actions.add_goal(act, course.pk, **kwargs)
        assert refused.value.field == field
    changed = goal_actions.edit_goal(act, course.pk, goal.pk, text="Call my sister", area="", order=3, active=False)
    assert (changed.text, changed.order, changed.active) == ("Call my sister", 3, False)
    with pytest.raises(ActionError):
        goal_actions.edit_goal(act, course.pk, 999999, text="x", area="", order=1, active=True)
