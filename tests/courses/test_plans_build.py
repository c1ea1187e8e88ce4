"""Session plans: every format x phase x area builds, in a fixed order, with what carries over."""

import itertools

import pytest

from openipt.courses.lifecycle import PHASES, phase_bounds
from openipt.courses.plans import (
    LastSession,
    PlanError,
    build_group_individual_plan,
    build_session_plan,
)
from openipt.protocol import default_protocol

PROTOCOL = default_protocol()
FORMATS = [f.id for f in PROTOCOL.formats()]
AREA_STAGES = [(None, None)] + [
    (a.id, s) for a in PROTOCOL.areas() for s in (None, *(st.id for st in a.stages))
]


def _totals(fmt):
    return sorted({fmt.sessions.min, fmt.sessions.default, fmt.sessions.max or fmt.sessions.default + 12})


def _combinations():
    for format_id, phase, (area, stage) in itertools.product(FORMATS, PHASES, AREA_STAGES):
        fmt = PROTOCOL.format(format_id)
        for total in _totals(fmt):
            numbers = phase_bounds(fmt, total).sessions(phase)
            for number in sorted({numbers.start, numbers.stop - 1}):
                yield format_id, phase, number, total, area, stage


COMBINATIONS = list(_combinations())


def test_the_combinations_cover_every_format_phase_area_and_stage():
    seen = {(f, p, a, s) for f, p, _, _, a, s in COMBINATIONS}
    assert len(seen) == len(FORMATS) * len(PHASES) * len(AREA_STAGES) == 8 * 3 * 8


@pytest.mark.parametrize(("format_id", "phase", "number", "total", "area", "stage"), COMBINATIONS)
def test_every_combination_builds_a_plan(format_id, phase, number, total, area, stage):
    plan = build_session_plan(PROTOCOL, format_id, phase, number, total, area=area, stage=stage)
    again = build_session_plan(PROTOCOL, format_id, phase, number, total, area=area, stage=stage)
    # deterministic, non-empty, no step twice, placeholders filled in
    assert plan == again
    assert plan.steps
    assert len(set(plan.step_ids)) == len(plan.step_ids)
    assert all("{" not in s.guidance for s in plan.steps)
    fmt = PROTOCOL.format(format_id)
    if fmt.is_group:
        guide_ids = [s.id for s in PROTOCOL.group_guide(phase).steps]
        assert list(plan.step_ids[: len(guide_ids)]) == guide_ids
        assert fmt.minutes_min <= plan.minutes <= fmt.minutes_max
    elif phase == "middle":
        assert plan.step_ids[0] == "middle.interval_review"
        assert plan.step_ids[-1] == "middle.time_check"
    if area is not None and (phase == "middle" or not fmt.is_group) and phase != "initial":
        assert any(s.area == area for s in plan.steps), "the area's own steps are in the plan"
    if stage is not None and phase == "middle" and not fmt.is_group:
        assert any(s.source.endswith("." + stage) for s in plan.steps)


def _ids(*args, **kwargs):
    return build_session_plan(PROTOCOL, *args, **kwargs).step_ids


def test_first_initial_session_starts_with_symptoms_sick_role_and_psychoeducation():
    first = _ids("individual", "initial", 1, 12)
    assert first[:5] == (
        "initial.symptom_review",
        "initial.safety_check",
        "initial.sick_role",
        "initial.psychoeducation",
        "initial.ipt_model",
    )
    assert "initial.contract" not in first


def test_last_initial_session_chooses_the_area_and_agrees_the_contract():
    last = _ids("individual", "initial", 3, 12)
    assert ("initial.choose_area", "initial.formulation", "initial.contract") == tuple(
        s for s in last if s in ("initial.choose_area", "initial.formulation", "initial.contract")
    )
    assert "initial.symptom_review" not in last and "initial.inventory_continue" in last


def test_one_session_initial_phase_walks_every_initial_task():
    ids = _ids("ipc", "initial", 1, 6)
    for step in (
        "initial.symptom_review",
        "initial.sick_role",
        "initial.psychoeducation",
        "initial.inventory_start",
        "initial.choose_area",
        "initial.formulation",
        "initial.contract",
    ):
        assert step in ids


def test_adolescents_get_a_limited_sick_role_in_place_of_the_usual_one():
    usual = _ids("individual", "initial", 1, 12)
    teen = _ids("ipt_a", "initial", 1, 12)
    position = usual.index("initial.sick_role")
    assert teen[position] == "ipt_a.initial.limited_sick_role"
    assert "initial.sick_role" not in teen and "ipt_a.initial.parent" in teen
    assert "ipt_a.termination.parent" in _ids("ipt_a", "termination", 12, 12)
    assert "ipt_a.termination.parent" not in _ids("ipt_a", "termination", 11, 12)


def test_maintenance_does_not_repeat_the_acute_initial_phase():
    ids = _ids("maintenance", "initial", 1, 12)
    assert ids[0] == "maintenance.initial.review_course"
    assert not any(i.startswith("initial.") and i != "initial.summary" for i in ids)


def test_middle_session_follows_the_dispute_stage():
    ids = _ids("individual", "middle", 6, 12, area="role_dispute", stage="impasse")
    assert "middle.dispute.impasse.restart" in ids and "middle.dispute.renegotiation.calm" not in ids
    assert ids.index("middle.dispute.communication") < ids.index("middle.dispute.impasse.fears")


def test_time_check_says_where_the_course_is():
    plan = build_session_plan(PROTOCOL, "individual", "middle", 5, 12, area="grief")
    check = next(s for s in plan.steps if s.id == "middle.time_check")
    assert "session 5 of 12; 7 remain" in check.guidance


def test_secondary_area_comes_after_the_main_area_and_before_closing():
    plan = build_session_plan(
        PROTOCOL, "individual", "middle", 6, 12, area="role_dispute", stage="impasse", secondary_area="grief"
    )
    ids = plan.step_ids
    assert (
        ids.index("middle.dispute.impasse.restart")
        < ids.index("middle.grief.reconstruct")
        < ids.index("middle.things_to_try")
    )
    assert all(s.secondary == (s.area == "grief") for s in plan.steps)


def test_termination_names_the_ending_first_and_plans_for_relapse_last():
    first = _ids("individual", "termination", 10, 12, area="grief")
    last = _ids("individual", "termination", 12, 12, area="grief")
    assert "termination.name_ending" in first and "termination.relapse_start" in first
    assert "termination.name_ending" not in last
    for step in (
        "termination.review_gains",
        "termination.relapse_plan",
        "termination.non_response",
        "termination.continuation",
        "termination.grief.review",
        "termination.goodbye",
    ):
        assert step in last
    assert "termination.next_time" in first and "termination.next_time" not in last


def test_one_session_termination_does_everything_once():
    ids = _ids("ipc", "termination", 6, 6)
    for step in (
        "termination.name_ending",
        "termination.review_gains",
        "termination.relapse_plan",
        "termination.goodbye",
    ):
        assert step in ids
    assert "termination.next_time" not in ids


def test_maintenance_ending_asks_about_another_block_instead_of_maintenance():
    ids = _ids("maintenance", "termination", 12, 12)
    assert "maintenance.termination.next_block" in ids and "termination.continuation" not in ids


def test_group_session_uses_the_facilitator_guide_and_area_tips():
    plan = build_session_plan(PROTOCOL, "group", "middle", 4, 8, area="role_dispute")
    assert plan.step_ids[-1] == "group.tips.dispute.talk"
    assert plan.minutes == 90
    close = next(s for s in plan.steps if s.id == "group.middle.close")
    assert "(4)" in close.guidance  # 4 sessions after session 4 of 8


def test_last_session_decides_whether_this_is_the_first_of_its_phase():
    # termination began early at session 8 of 12: the last session was still middle phase
    early = _ids("individual", "termination", 8, 12, last_session=LastSession(7, "middle"))
    assert "termination.name_ending" in early
    later = _ids("individual", "termination", 9, 12, last_session=LastSession(8, "termination"))
    assert "termination.name_ending" not in later


def test_carried_over_lists_undone_steps_and_what_the_client_would_try():
    last = LastSession(
        number=5,
        phase="middle",
        planned_step_ids=("middle.interval_review", "middle.grief.events", "initial.timeline", "gone.step"),
        done_step_ids=("middle.interval_review",),
        client_will_try=("Call my sister on Sunday", "  "),
    )
    plan = build_session_plan(PROTOCOL, "individual", "middle", 6, 12, area="grief", last_session=last)
    # a step planned again today is marked, not listed twice
    assert [s.id for s in plan.steps if s.carried_over] == ["middle.grief.events"]
    assert [(c.kind, c.step_id, c.text) for c in plan.carried_over] == [
        ("step", "initial.timeline", "Draw a timeline of mood and events"),
        ("step", "gone.step", "A step no longer in the protocol (gone.step)"),
        ("to_try", None, "Call my sister on Sunday"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"format_id": "solo"}, "unknown format"),
        ({"phase": "maintenance"}, "unknown phase"),
        ({"area": "shyness"}, "unknown problem area"),
        ({"stage": "impasse"}, "a stage needs a problem area"),
        ({"area": "grief", "stage": "impasse"}, "has no stage"),
        ({"area": "grief", "secondary_area": "grief"}, "must differ"),
        ({"secondary_area": "grief"}, "needs a main area"),
        ({"session_number": 13}, "outside a contract"),
        ({"session_number": 0}, "outside a contract"),
        ({"total_sessions": 0}, "at least one session"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(kwargs, message):
    args = {"format_id": "individual", "phase": "middle", "session_number": 5, "total_sessions": 12, **kwargs}
    with pytest.raises(PlanError, match=message):
        build_session_plan(PROTOCOL, **args)


def test_pre_group_session_screens_for_safety_and_invites():
    plan = build_group_individual_plan(PROTOCOL, "pre_group")
    assert plan.step_ids[:3] == ("group.pre.welcome", "group.pre.symptoms", "group.pre.safety")
    assert "group.pre.explain_group" in plan.step_ids
    assert all(s.minutes for s in plan.steps)


def test_mid_group_session_reviews_goal_and_safety():
    ids = build_group_individual_plan(PROTOCOL, "mid_group").step_ids
    assert ids == ("group.mid.check_in", "group.mid.symptoms", "group.mid.goal", "group.mid.plan")


def test_group_individual_sessions_need_a_group_format():
    with pytest.raises(PlanError, match="not a group format"):
        build_group_individual_plan(PROTOCOL, "pre_group", format_id="individual")
    with pytest.raises(PlanError, match="unknown individual session"):
        build_group_individual_plan(PROTOCOL, "initial")
