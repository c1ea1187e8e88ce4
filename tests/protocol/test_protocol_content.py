"""The shipped English content loads cleanly and carries the facts of the clinical reference."""

import re

import pytest

from openipt.protocol import default_protocol, load_protocol
from openipt.protocol.loader import load_catalogs
from openipt.protocol.schema import PLACEHOLDERS


def test_shipped_content_loads_with_zero_errors():
    catalogs, infos, errors = load_catalogs()
    assert errors == []
    assert "en" in catalogs
    assert infos[0].type == "base" and infos[0].language == "en"


def test_default_protocol_is_loaded_once_and_reused():
    assert default_protocol() is default_protocol()


def test_every_reference_in_the_shipped_content_resolves():
    protocol = default_protocol()
    techniques = {t.id for t in protocol.techniques()}
    topics = {t.id for t in protocol.topics()}
    areas = {a.id for a in protocol.areas()}
    formats = {f.id for f in protocol.formats()}
    steps = [s for p in protocol.plan_sets() for s in p.steps] + [
        s for g in protocol.group_guides() for s in g.steps
    ]
    for step in steps:
        assert set(step.techniques) <= techniques, step.id
        assert step.topic is None or step.topic in topics, step.id
        assert step.replaces is None or protocol.has_step(step.replaces), step.id
    for plan in protocol.plan_sets():
        assert plan.area is None or plan.area in areas
        assert set(plan.formats) <= formats and set(plan.except_formats) <= formats
        if plan.stage is not None:
            assert protocol.area(plan.area).stage(plan.stage) is not None
    for area in protocol.areas():
        assert area.topic in topics
    for topic in protocol.topics():
        assert set(topic.areas) <= areas and set(topic.formats) <= formats
    assert len({s.id for s in steps}) == len(steps), "step ids are unique across plans and guides"


def test_every_topic_is_linked_from_somewhere():
    protocol = default_protocol()
    linked = {s.topic for p in protocol.plan_sets() for s in p.steps}
    linked |= {s.topic for g in protocol.group_guides() for s in g.steps}
    linked |= {a.topic for a in protocol.areas()} | {t.topic for t in protocol.techniques()}
    standalone = {"adapt_anxiety", "adapt_eating", "adapt_substance_use"}  # offered by the therapist
    assert {t.id for t in protocol.topics()} - linked == standalone


@pytest.mark.parametrize(
    ("format_id", "default", "low", "high", "frequency"),
    [
        ("individual", 12, 12, 16, "weekly"),
        ("brief", 8, 8, 8, "weekly"),
        ("ipc", 6, 3, 6, "weekly"),
        ("ipt_a", 12, 12, 12, "weekly"),
        ("perinatal", 12, 12, 12, "weekly"),
        ("couples", 16, 16, 16, "weekly"),
        ("maintenance", 12, 3, None, "monthly"),
        ("group", 8, 8, 16, "weekly"),
    ],
)
def test_format_session_counts_match_the_clinical_reference(format_id, default, low, high, frequency):
    fmt = default_protocol().format(format_id)
    assert (fmt.sessions.default, fmt.sessions.min, fmt.sessions.max) == (default, low, high)
    assert fmt.frequency == frequency


def test_individual_format_phases_and_session_length():
    fmt = default_protocol().format("individual")
    assert (fmt.initial_sessions, fmt.initial_sessions_max, fmt.termination_sessions) == (3, 4, 3)
    assert (fmt.minutes_min, fmt.minutes_max) == (45, 50)
    assert fmt.sick_role == "full"


def test_ipt_a_has_a_limited_sick_role_parent_sessions_and_exclusions():
    fmt = default_protocol().format("ipt_a")
    assert fmt.sick_role == "limited"
    parent = [(j.phase, j.optional) for j in fmt.joint_sessions if j.who == "parent"]
    assert parent == [("initial", False), ("middle", True), ("termination", False)]
    exclusions = " ".join(fmt.exclusions).lower()
    for word in ("suicidal", "psychosis", "bipolar", "alcohol or drugs"):
        assert word in exclusions


def test_group_format_settings():
    fmt = default_protocol().format("group")
    assert fmt.is_group and fmt.group is not None
    assert (fmt.group.pre_group_min, fmt.group.pre_group_max) == (1, 2)
    assert (fmt.group.size_min, fmt.group.size_max) == (4, 14)
    assert fmt.group.mid_group_session == "optional"
    assert (fmt.minutes_min, fmt.minutes_max) == (60, 90)
    assert "3 months" in " ".join(fmt.exclusions)


def test_only_maintenance_is_open_ended():
    assert [f.id for f in default_protocol().formats() if f.open_ended] == ["maintenance"]


def test_unsettled_facts_are_flagged_as_checks():
    protocol = default_protocol()
    assert protocol.format("couples").checks, "the couples session count is marked [check]"
    assert protocol.format("individual").checks, "termination as the last 3 sessions is marked [check]"


def test_phases_come_in_course_order_with_their_tasks():
    protocol = default_protocol()
    assert [p.id for p in protocol.phases()] == ["initial", "middle", "termination"]
    initial = {t.id for t in protocol.phase("initial").tasks}
    assert {
        "symptom_review",
        "sick_role",
        "psychoeducation",
        "inventory",
        "choose_area",
        "formulation",
        "contract",
    } <= initial
    termination = {t.id for t in protocol.phase("termination").tasks}
    assert {
        "name_ending",
        "review_gains",
        "ending_as_transition",
        "relapse_plan",
        "non_response",
        "continuation",
    } <= termination


def test_problem_areas_have_plain_group_names_and_stages():
    protocol = default_protocol()
    names = {a.id: a.group_name for a in protocol.areas()}
    assert names == {
        "grief": "Grief",
        "role_dispute": "Disagreements",
        "role_transition": "Life changes",
        "interpersonal_deficits": "Loneliness and isolation",
    }
    assert [s.id for s in protocol.stages("role_dispute")] == ["renegotiation", "impasse", "dissolution"]
    for area in protocol.areas():
        assert area.goals and area.strategies and area.suggested_goals and area.questions
    deficits = protocol.area("interpersonal_deficits")
    assert deficits.use_last and "other treatment" in deficits.caution
    assert [a.id for a in protocol.areas() if a.use_last] == ["interpersonal_deficits"]


def test_the_eight_techniques_are_described():
    ids = [t.id for t in default_protocol().techniques()]
    assert ids == [
        "exploration",
        "encouragement_of_affect",
        "clarification",
        "communication_analysis",
        "decision_analysis",
        "role_play",
        "therapeutic_relationship",
        "psychoeducation",
    ]
    assert all(len(t.description) > 40 for t in default_protocol().techniques())


def test_group_guides_fit_a_group_session_and_every_step_has_minutes():
    protocol = default_protocol()
    fmt = protocol.format("group")
    for phase in ("initial", "middle", "termination"):
        guide = protocol.group_guide(phase)
        assert all(step.minutes for step in guide.steps)
        assert fmt.minutes_min <= guide.minutes <= fmt.minutes_max, (phase, guide.minutes)


def test_fidelity_checklists_hold_the_required_items_per_phase():
    protocol = default_protocol()
    initial = {i.id for i in protocol.fidelity_checklist("initial", "individual").items}
    assert {"sick_role_given", "inventory_done", "area_and_goals", "contract_agreed"} <= initial
    middle_individual = {i.id for i in protocol.fidelity_checklist("middle", "individual").items}
    middle_group = {i.id for i in protocol.fidelity_checklist("middle", "group").items}
    assert {"interval_review", "mood_event_link", "area_strategies"} <= middle_individual
    assert "member_help" in middle_group and "member_help" not in middle_individual
    termination = {i.id for i in protocol.fidelity_checklist("termination", "ipc").items}
    assert {"ending_named", "gains_reviewed", "relapse_plan", "referral"} <= termination


EXPECTED_TOPICS = {
    "sick_role",
    "depression_treatable",
    "mood_relationships",
    "area_grief",
    "area_disagreements",
    "area_life_changes",
    "area_loneliness",
    "adapt_anxiety",
    "adapt_eating",
    "adapt_substance_use",
    "adapt_perinatal",
    "adapt_adolescents",
    "ending_sessions",
    "joining_group",
}


def test_every_expected_topic_is_shipped_with_one_per_problem_area():
    protocol = default_protocol()
    assert {t.id for t in protocol.topics()} == EXPECTED_TOPICS
    for area in protocol.areas():
        assert [t.id for t in protocol.topics(area=area.id) if t.id.startswith("area_")] == [area.topic]


def _words(body: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z']*", body)


def _syllables(word: str) -> int:
    word = word.lower().strip("'")
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def _grade(body: str) -> float:
    """Flesch-Kincaid grade with headings counted as sentences (a rough check, not a proof)."""
    words = _words(body)
    lines = [line for line in body.splitlines() if line.strip()]
    sentences = len(re.findall(r"[.!?]+(?=\s|$)", body)) + sum(1 for line in lines if line.startswith("#"))
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / max(1, sentences) + 11.8 * syllables / len(words) - 15.59


@pytest.mark.parametrize("topic_id", sorted(EXPECTED_TOPICS))
def test_client_topics_are_short_and_plain(topic_id):
    topic = default_protocol().topic(topic_id)
    assert topic.audience == "client"
    assert 150 <= len(_words(topic.body)) <= 400
    assert _grade(topic.body) <= 7.0, "about a 12-year-old's reading level"
    assert topic.title and topic.summary


def test_guidance_placeholders_are_only_the_known_ones():
    protocol = default_protocol()
    for step in [s for p in protocol.plan_sets() for s in p.steps]:
        names = set(re.findall(r"{(\w+)}", step.guidance))
        assert names <= PLACEHOLDERS


def test_loading_an_explicit_base_directory_gives_the_same_content(tmp_path):
    from tests.support.protocol import BASE_DIR

    loaded = load_protocol(BASE_DIR)
    assert [f.id for f in loaded.formats()] == [f.id for f in default_protocol().formats()]
