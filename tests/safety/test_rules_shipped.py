"""Shipped risk rules: PHQ-9 item 9, HAM-D item 3, free text, risk review, escalation policies."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.safety.riskdetect import Opinion, scan_with_second_opinion
from openipt.safety.rules import (
    evaluate_answers,
    evaluate_review,
    evaluate_text,
    load_rules,
    load_shipped,
)


@pytest.fixture(scope="module")
def rules():
    return load_shipped()


@pytest.mark.parametrize(("q9", "signals"), [(0, 0), (1, 1), (2, 1), (3, 1)])
def test_phq9_item9_any_answer_above_not_at_all_is_high(rules, q9, signals):
    # PHQ-9 item 9 options: 0 not at all, 1 several days, 2 more than half the days, 3 nearly
    # every day; any answer above 0 needs same-day follow-up.
    found = evaluate_answers(rules, "phq9", {"q9": q9})
    assert len(found) == signals
    if signals:
        assert found[0].severity == "high"
        assert found[0].policy == "standard"
        assert found[0].evidence[0].item == "q9"
        assert found[0].evidence[0].value == q9


@given(
    st.fixed_dictionaries({f"q{i}": st.integers(0, 3) for i in range(1, 10)}),
    st.one_of(st.none(), st.integers(0, 3)),
)
def test_a_full_phq9_raises_one_signal_exactly_when_item9_is_above_0(rules, answers, difficulty):
    found = evaluate_answers(rules, "phq9", {**answers, "difficulty": difficulty})
    assert len(found) == (1 if answers["q9"] > 0 else 0)


def test_a_missing_item9_raises_no_signal(rules):
    assert evaluate_answers(rules, "phq9", {"q1": 3}) == []
    assert evaluate_answers(rules, "phq9", {"q9": None}) == []


@pytest.mark.parametrize(("q3", "signals"), [(0, 0), (1, 1), (2, 1), (3, 1), (4, 1)])
def test_hamd17_item3_rated_1_or_more_is_high(rules, q3, signals):
    found = evaluate_answers(rules, "hamd17", {"q3": q3})
    assert len(found) == signals
    assert all(s.severity == "high" for s in found)


def test_rules_only_apply_to_their_own_instrument(rules):
    assert evaluate_answers(rules, "gad7", {"q9": 3, "q3": 3}) == []
    assert evaluate_answers(rules, "hamd17", {"q9": 3}) == []


@pytest.mark.parametrize("bad", [True, "2", 1.0])
def test_an_answer_that_is_not_a_whole_number_is_a_programming_error(rules, bad):
    with pytest.raises(TypeError, match="q9"):
        evaluate_answers(rules, "phq9", {"q9": bad})


def test_every_shipped_rule_and_policy_is_marked_shipped(rules):
    assert {r.id for r in rules} == {
        "phq9_item9_positive",
        "hamd17_item3_positive",
        "free_text_detector",
        "risk_review_concern",
    }
    assert all(r.shipped for r in rules)
    assert all(p.shipped for p in rules.policies.values())


def test_standard_policy_escalates_to_supervisor_at_30_and_admins_at_60_minutes(rules):
    assert rules.policies["standard"].schedule() == (
        (0, "assigned_staff"),
        (30, "supervisor"),
        (60, "admins"),
    )


def test_free_text_risk_raises_a_signal_with_the_spans_as_evidence(rules):
    text = "Some days I want to die."
    found = evaluate_text(rules, text, source="worksheet")
    assert len(found) == 1
    signal = found[0]
    assert (signal.rule_id, signal.severity, signal.policy, signal.source) == (
        "free_text_detector",
        "high",
        "standard",
        "worksheet",
    )
    evidence = signal.evidence[0]
    assert text[evidence.start : evidence.end] == "want to die"
    assert evidence.detector_rule == "suicidal.want_to_die"
    assert "suicidal thoughts" in signal.reason


def test_free_text_severity_picks_the_matching_policy(rules):
    denial = evaluate_text(rules, "I would never hurt myself", source="mood_log")
    assert [(s.severity, s.policy) for s in denial] == [("low", "review")]
    assert "negated" in denial[0].reason
    hopeless = evaluate_text(rules, "I can't go on like this.", source="mood_log")
    assert [(s.severity, s.policy) for s in hopeless] == [("medium", "prompt")]


def test_clean_text_raises_no_signal(rules):
    assert evaluate_text(rules, "My sister and I talked it through and I feel calmer.", "worksheet") == []


def test_a_second_opinion_result_can_be_passed_in(rules):
    text = "I have sorted everything out now, it is time."
    result = scan_with_second_opinion(text, lambda t, r: Opinion(True, "high", "final-sounding"))
    found = evaluate_text(rules, text, "rehearsal", result=result)
    assert [s.severity for s in found] == ["high"]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("none", []),
        ("low", [("low", "review")]),
        ("moderate", [("medium", "prompt")]),
        (" High ", [("high", "standard")]),
    ],
)
def test_risk_review_concern_level_sets_the_severity(rules, level, expected):
    assert [(s.severity, s.policy) for s in evaluate_review(rules, level)] == expected


def test_an_unknown_concern_level_is_refused(rules):
    with pytest.raises(ValueError, match="unknown concern level 'severe'"):
        evaluate_review(rules, "severe")


def test_signals_are_frozen(rules):
    signal = evaluate_answers(rules, "phq9", {"q9": 2})[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        signal.severity = "low"  # type: ignore[misc]


def test_load_rules_without_extras_is_the_shipped_set(rules):
    assert load_rules() == rules
    assert load_rules("") == rules
