"""Course transitions are refused with their reasons, in plain words for staff."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.courses.errors import CourseCode
from openipt.courses.lifecycle import (
    STATUSES,
    Contract,
    CourseState,
    RelapsePlan,
    TransitionRefused,
    apply_transition,
    check_transition,
    transition_problems,
)
from openipt.protocol import default_protocol

FMT = default_protocol().format("individual")
FULL_PLAN = RelapsePlan(("sleeping badly",), ("walks with my sister",), ("my GP, 0123",))


def _ready_for_middle():
    return CourseState(
        format=FMT,
        status="active",
        phase="initial",
        contract=Contract(12, "weekly"),
        contract_agreed=True,
        problem_area="role_transition",
        formulation="Low mood since retiring; the loss of the work role is the focus.",
        next_session=4,
    )


def test_middle_phase_needs_formulation_area_and_contract():
    # given an active course with nothing decided yet
    state = CourseState(format=FMT, status="active", phase="initial", next_session=3)
    # then moving to the middle phase lists every missing piece
    assert check_transition(state, "middle") == [
        "Write the formulation that links the symptoms to the problem area.",
        "Choose a problem area.",
        "Agree a treatment contract: the number and frequency of sessions.",
    ]


def test_middle_phase_needs_an_agreed_and_valid_contract():
    state = replace(_ready_for_middle(), contract=Contract(10, "weekly"), contract_agreed=False)
    assert check_transition(state, "middle") == [
        "Record that the client agreed the treatment contract.",
        "The contract has 10 sessions; Individual IPT allows 12 to 16.",
    ]


def test_middle_phase_is_allowed_when_everything_is_in_place():
    state = _ready_for_middle()
    assert check_transition(state, "middle") == []
    moved = apply_transition(state, "middle")
    assert moved.phase == "middle" and moved.status == "active" and moved.history == ("middle",)


def test_unmet_conditions_come_as_codes_with_their_figures_before_they_are_worded():
    # pages word them in the reader's language; nothing depends on the English text
    state = replace(_ready_for_middle(), phase="middle", next_session=7)
    [early] = transition_problems(state, "termination")
    assert (early.code, early.field, early.params) == (CourseCode.TERMINATION_NOT_DUE, "reason", {"start": 10, "next": 7})
    bare = CourseState(format=FMT, status="active", phase="initial", next_session=3)
    assert [p.code for p in transition_problems(bare, "middle")] == [
        CourseCode.NO_FORMULATION, CourseCode.NO_PROBLEM_AREA, CourseCode.NO_CONTRACT]


def test_phases_change_only_in_an_active_course():
    state = replace(_ready_for_middle(), status="planned")
    assert check_transition(state, "middle") == [
        "The course is planned; phases change only while it is active."
    ]


def test_termination_before_the_planned_session_needs_a_reason():
    # 12 sessions: termination is planned from session 10 (the last 3)
    state = replace(_ready_for_middle(), phase="middle", next_session=7)
    assert check_transition(state, "termination") == [
        "Termination is planned to begin at session 10; the next session is 7. Give a reason to begin it early."
    ]
    assert (
        check_transition(replace(state, early_termination_reason="Moving abroad next month"), "termination")
        == []
    )
    assert check_transition(replace(state, next_session=10), "termination") == []


def test_termination_uses_the_contract_length():
    # 16 sessions: termination is planned from session 14
    state = replace(_ready_for_middle(), phase="middle", contract=Contract(16, "weekly"), next_session=12)
    assert "Termination is planned to begin at session 14" in check_transition(state, "termination")[0]


def test_termination_cannot_skip_the_middle_phase_or_go_back():
    assert check_transition(_ready_for_middle(), "termination") == [
        "Move to the middle phase first. To stop during the initial phase, end the course early with a reason."
    ]
    state = replace(_ready_for_middle(), phase="termination")
    assert check_transition(state, "middle") == [
        "The course is in the termination phase and cannot go back to the middle phase."
    ]


def test_completion_needs_a_full_relapse_plan_and_an_end_review():
    state = replace(_ready_for_middle(), phase="termination", next_session=12)
    assert check_transition(state, "completed") == [
        "Write a relapse-prevention plan: warning signs, what helps, and who to contact.",
        "Complete the end review.",
    ]
    partial = replace(
        state,
        relapse_plan=RelapsePlan(warning_signs=("staying in bed",), contacts=("  ",)),
        end_review_done=True,
    )
    assert check_transition(partial, "completed") == [
        "Add what helps to the relapse-prevention plan.",
        "Add who to contact to the relapse-prevention plan.",
    ]
    done = replace(state, relapse_plan=FULL_PLAN, end_review_done=True)
    assert check_transition(done, "completed") == []
    assert apply_transition(done, "completed").status == "completed"


def test_completion_from_the_middle_phase_is_refused():
    state = replace(_ready_for_middle(), phase="middle", relapse_plan=FULL_PLAN, end_review_done=True)
    assert check_transition(state, "completed") == [
        "Move the course to the termination phase before completing it."
    ]


def test_ending_early_needs_a_reason():
    state = replace(_ready_for_middle(), phase="middle")
    assert check_transition(state, "ended_early") == ["Give a reason for ending the course early."]
    assert check_transition(replace(state, end_reason="Client moved away"), "ended_early") == []
    assert check_transition(replace(state, status="planned", end_reason="Did not start"), "ended_early") == []


def test_status_moves_that_make_no_sense_are_refused():
    completed = replace(_ready_for_middle(), status="completed", end_reason="x")
    assert check_transition(completed, "ended_early") == [
        "A course that is completed cannot become ended early."
    ]
    assert check_transition(completed, "active") == ["A course that is completed cannot become active."]
    assert check_transition(completed, "planned") == ["A course cannot go back to planned."]
    assert check_transition(replace(completed, status="active"), "maintenance") == [
        "Only a completed course can move to maintenance."
    ]
    assert check_transition(completed, "maintenance") == []
    assert check_transition(replace(completed, status="planned"), "active") == []


def test_maintenance_course_completes_with_plan_and_review():
    state = replace(_ready_for_middle(), status="maintenance", phase="middle")
    assert check_transition(state, "completed") == [
        "Write a relapse-prevention plan: warning signs, what helps, and who to contact.",
        "Complete the end review.",
    ]


def test_apply_transition_raises_with_the_reasons():
    state = CourseState(format=FMT, status="active")
    with pytest.raises(TransitionRefused) as caught:
        apply_transition(state, "middle")
    assert caught.value.reasons[0].startswith("Write the formulation")
    with pytest.raises(ValueError):
        check_transition(state, "finished")


TARGETS = ["active", "middle", "termination", "completed", "ended_early", "maintenance", "planned"]


@given(
    status=st.sampled_from(STATUSES),
    phase=st.sampled_from(["initial", "middle", "termination"]),
    sessions=st.integers(1, 30),
    next_session=st.integers(1, 30),
    agreed=st.booleans(),
    area=st.sampled_from([None, "grief"]),
    formulation=st.sampled_from(["", "  ", "linked to grief"]),
    reason=st.sampled_from(["", "moving"]),
    plan=st.sampled_from([None, RelapsePlan(), FULL_PLAN]),
    review=st.booleans(),
    target=st.sampled_from(TARGETS),
)
def test_transitions_are_allowed_exactly_when_nothing_is_unmet(
    status, phase, sessions, next_session, agreed, area, formulation, reason, plan, review, target
):
    state = CourseState(
        format=FMT,
        status=status,
        phase=phase,
        contract=Contract(sessions, "weekly"),
        contract_agreed=agreed,
        problem_area=area,
        formulation=formulation,
        next_session=next_session,
        early_termination_reason=reason,
        relapse_plan=plan,
        end_review_done=review,
        end_reason=reason,
    )
    unmet = check_transition(state, target)
    assert all(isinstance(m, str) and m.endswith(".") for m in unmet)
    if unmet:
        with pytest.raises(TransitionRefused):
            apply_transition(state, target)
    else:
        moved = apply_transition(state, target)
        assert target in (moved.phase, moved.status)
