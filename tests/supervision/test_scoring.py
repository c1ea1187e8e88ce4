"""The pure fidelity score: hand-worked values and properties over every answer set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.supervision.scoring import ANSWERS, NothingToScore, clean_answers, score, trend_direction


@pytest.mark.parametrize("answers, expected", [
    ({"a": "yes"}, (1, 100)),
    ({"a": "no"}, (1, 0)),
    ({"a": "partly"}, (1, 50)),
    ({"a": "yes", "b": "no", "c": "na"}, (2, 50)),
    ({"a": "yes", "b": "yes", "c": "partly"}, (3, 83)),  # 2.5 / 3 = 83.3
    ({"a": "yes", "b": "partly", "c": "no", "d": "no", "e": "no", "f": "no", "g": "no", "h": "no"}, (8, 19)),  # 18.75 -> 19
])
def test_hand_worked_scores(answers, expected):
    assert score(answers) == expected


def test_nothing_to_score():
    with pytest.raises(NothingToScore):
        score({})
    with pytest.raises(NothingToScore):
        score({"a": "na", "b": "na"})


def test_clean_answers_drops_unknown_items_and_values():
    assert clean_answers({"a": " YES ", "b": "maybe", "z": "yes", "c": 3}, ["a", "b", "c"]) == {"a": "yes"}


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.sampled_from(ANSWERS), min_size=1))
def test_score_is_a_percentage_and_all_yes_is_100(answers):
    applicable = [v for v in answers.values() if v != "na"]
    if not applicable:
        with pytest.raises(NothingToScore):
            score(answers)
        return
    count, percent = score(answers)
    assert count == len(applicable)
    assert 0 <= percent <= 100
    exact = 100 * sum({"yes": 1, "partly": 0.5, "no": 0}[v] for v in applicable) / len(applicable)
    assert abs(percent - exact) <= 0.5
    if all(v == "yes" for v in applicable):
        assert percent == 100


def test_trend_direction():
    assert trend_direction([50]) == "steady"
    assert trend_direction([40, 45, 50, 80, 85, 90]) == "up"
    assert trend_direction([90, 85, 80, 60, 55, 50]) == "down"
    assert trend_direction([70, 72, 71, 73]) == "steady"
