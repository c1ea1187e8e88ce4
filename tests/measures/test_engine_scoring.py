"""Scoring against hand-worked examples from each instrument's published rules."""

import pytest

from openipt.measures.engine import (
    AnswerTypeError,
    AnswerValueError,
    ScoringError,
    UnknownItemError,
    load_instruments,
    score,
)

REG = load_instruments()


def _answers(code: str, values: list) -> dict:
    items = REG.get(code).scored_items
    assert len(values) == len(items)
    return {item.id: v for item, v in zip(items, values, strict=True)}


def _score(code: str, values: list, sex=None):
    return score(REG.get(code), _answers(code, values), sex=sex)


# --- PHQ-9: sum of nine 0-3 items; bands 0-4, 5-9, 10-14, 15-19, 20-27; item 9 > 0 flags


def test_phq9_worked_example_sums_to_ten_moderate_and_positive():
    result = _score("phq9", [1, 2, 0, 3, 1, 0, 2, 1, 0])  # 1+2+0+3+1+0+2+1+0 = 10
    assert result.total == 10
    assert result.band.id == "moderate" and result.band.meaning
    assert result.screen.positive is True and result.screen.cutoff == 10
    assert result.flags == ()
    assert result.prorated is False


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ([0] * 9, 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([1] * 9, 9, "mild"),
        ([2, 1, 1, 1, 1, 1, 1, 1, 1], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately_severe"),
        ([3, 3, 3, 2, 2, 2, 2, 2, 0], 19, "moderately_severe"),
        ([3, 3, 3, 3, 2, 2, 2, 2, 0], 20, "severe"),
        ([3] * 9, 27, "severe"),
    ],
)
def test_phq9_band_edges(values, total, band):
    result = _score("phq9", values)
    assert (result.total, result.band.id) == (total, band)


def test_phq9_caseness_edge_is_ten():
    assert _score("phq9", [1] * 9).screen.positive is False  # 9
    assert _score("phq9", [2] + [1] * 8).screen.positive is True  # 10


def test_phq9_item_nine_flags_any_answer_above_not_at_all_even_with_a_low_total():
    result = _score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1 and result.band.id == "minimal"
    assert [(f.item, f.value, f.threshold) for f in result.flags] == [("q9", 1, 1)]


def test_phq9_prorates_two_missing_items():
    # 7 answered items of 2 each = 14; 14 / 7 * 9 = 18
    result = _score("phq9", [2, 2, 2, 2, 2, 2, 2, None, None])
    assert (result.total, result.prorated, result.band.id) == (18, True, "moderately_severe")
    assert result.missing_items == ("q8", "q9")


def test_phq9_prorated_half_rounds_up_across_a_band_edge():
    # 8 answered items summing to 4: 4 / 8 * 9 = 4.5, rounded half up to 5 (mild, not minimal)
    result = _score("phq9", [1, 1, 1, 1, 0, 0, 0, 0, None])
    assert result.total == 5 and result.band.id == "mild" and result.prorated


def test_phq9_three_missing_items_give_no_total_but_still_flag_item_nine():
    result = _score("phq9", [3, 3, 3, None, None, None, 0, 0, 2])
    assert result.total is None and result.band is None and result.prorated is False
    assert result.screen.positive is None
    assert [f.item for f in result.flags] == ["q9"]
    assert result.item_scores["q1"] == 3 and result.item_scores["q4"] is None


def test_phq9_difficulty_item_is_kept_but_not_scored():
    answers = _answers("phq9", [1] * 9) | {"difficulty": 3}
    result = score(REG.get("phq9"), answers)
    assert result.total == 9
    assert dict(result.unscored_answers) == {"difficulty": 3}
    assert "difficulty" not in result.item_scores


def test_missing_keys_count_as_missing_answers():
    result = score(REG.get("phq9"), {"q1": 3})
    assert result.total is None and len(result.missing_items) == 8


# --- validation errors name the item


def test_unknown_item_raises_naming_it():
    with pytest.raises(UnknownItemError, match="q10") as info:
        score(REG.get("phq9"), {"q10": 1})
    assert info.value.item == "q10"


def test_value_not_among_options_raises_naming_the_item():
    with pytest.raises(AnswerValueError, match="item q3: 4 is not one of the answer values 0, 1, 2, 3"):
        score(REG.get("phq9"), {"q3": 4})


@pytest.mark.parametrize("bad", ["2", 2.0, True, [1]])
def test_wrong_answer_type_raises_naming_the_item(bad):
    with pytest.raises(AnswerTypeError, match="item q2") as info:
        score(REG.get("phq9"), {"q2": bad})
    assert isinstance(info.value, ScoringError)


def test_answers_must_be_a_mapping():
    with pytest.raises(ScoringError):
        score(REG.get("phq9"), [1, 2, 3])


# --- PHQ-2: 0-6, positive screen at 3; no missing allowed


def test_phq2_screen_edges():
    assert (_score("phq2", [2, 1]).total, _score("phq2", [2, 1]).screen.positive) == (3, True)
    assert (_score("phq2", [1, 1]).total, _score("phq2", [1, 1]).band.id) == (2, "negative")


def test_phq2_any_missing_answer_means_no_total():
    assert _score("phq2", [3, None]).total is None


# --- GAD-7: 0-21, bands 0-4, 5-9, 10-14, 15-21; NHS Talking Therapies case at 8


def test_gad7_case_edge_is_eight():
    seven = _score("gad7", [1] * 7)
    eight = _score("gad7", [2, 1, 1, 1, 1, 1, 1])
    assert (seven.total, seven.band.id, seven.screen.positive) == (7, "mild", False)
    assert (eight.total, eight.band.id, eight.screen.positive) == (8, "mild", True)


@pytest.mark.parametrize(("values", "band"), [([1, 1, 1, 1, 0, 0, 0], "minimal"), ([2, 2, 2, 2, 2, 0, 0], "moderate"),
                                              ([2, 2, 2, 2, 2, 2, 2], "moderate"), ([3, 2, 2, 2, 2, 2, 2], "severe")])
def test_gad7_bands(values, band):
    assert _score("gad7", values).band.id == band


def test_gad7_prorates_one_missing_item_and_refuses_two():
    # 6 answered items of 3 = 18; 18 / 6 * 7 = 21
    result = _score("gad7", [3, 3, 3, 3, 3, 3, None])
    assert (result.total, result.prorated, result.band.id) == (21, True, "severe")
    assert _score("gad7", [3, 3, 3, 3, 3, None, None]).total is None


def test_gad7_has_no_safety_items():
    assert _score("gad7", [3] * 7).flags == ()


# --- HAM-D 17: nine items 0-4, eight items 0-2, total 0-52; Zimmerman bands; item 3 flags


def test_hamd17_maximum_is_fifty_two():
    inst = REG.get("hamd17")
    result = score(inst, {i.id: i.max_value for i in inst.items})
    assert (result.total, result.band.id) == (52, "severe")


def test_hamd17_band_edge_between_mild_and_moderate():
    base = [2, 1, 0, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 0, 0, 0, 0]  # 16
    mild = _score("hamd17", base)
    moderate = _score("hamd17", base[:13] + [1] + base[14:])  # item 14 from 0 to 1
    assert (mild.total, mild.band.id) == (16, "mild")
    assert (moderate.total, moderate.band.id) == (17, "moderate")


def test_hamd17_no_depression_band_ends_at_seven():
    assert _score("hamd17", [1] * 7 + [0] * 10).band.id == "none"
    assert _score("hamd17", [1] * 8 + [0] * 9).band.id == "mild"


def test_hamd17_suicide_item_flags_and_insomnia_items_stop_at_two():
    result = _score("hamd17", [0, 0, 1] + [0] * 14)
    assert [f.item for f in result.flags] == ["q3"]
    with pytest.raises(AnswerValueError, match="hamd17 item q4: 3"):
        _score("hamd17", [0, 0, 0, 3] + [0] * 13)


def test_hamd17_any_unrated_item_means_no_total():
    assert _score("hamd17", [0] * 16 + [None]).total is None


# --- AUDIT-C: 0-12, positive at 4 for men and 3 for women; lower cut-off when sex unknown


def test_auditc_three_is_positive_for_women_and_negative_for_men():
    assert _score("auditc", [1, 1, 1], sex="female").screen.positive is True
    male = _score("auditc", [1, 1, 1], sex="male").screen
    assert (male.positive, male.cutoff, male.basis) == (False, 4, "male")
    assert _score("auditc", [2, 1, 1], sex="male").screen.positive is True


def test_auditc_unknown_sex_uses_the_lower_cut_off_and_says_so():
    for sex in (None, "unknown", "other"):
        screen = _score("auditc", [1, 1, 1], sex=sex).screen
        assert (screen.positive, screen.cutoff, screen.basis) == (True, 3, "sex_unknown")
        assert "lower cut-off" in screen.note


def test_auditc_sex_is_read_case_insensitively():
    assert _score("auditc", [1, 1, 1], sex=" Male ").screen.basis == "male"


def test_auditc_no_drinking_is_negative_for_everyone():
    for sex in ("female", "male", None):
        assert _score("auditc", [0, 0, 0], sex=sex).screen.positive is False


# --- our own instruments


def test_ipt_goal_rating_band():
    assert _score("ipt_goal", [7]).band.id == "close"
    assert _score("ipt_goal", [3]).band.id == "early"
    with pytest.raises(AnswerValueError):
        _score("ipt_goal", [11])


def test_session_feedback_sums_without_band():
    result = _score("session_feedback", [4, 3, 2, 1])
    assert result.total == 10 and result.band is None and result.screen is None


def test_result_is_frozen_and_serialisable():
    result = _score("phq9", [1] * 9)
    with pytest.raises(AttributeError):
        result.total = 3  # type: ignore[misc]
    data = result.to_dict()
    assert data["total"] == 9 and data["band"]["id"] == "mild" and data["item_scores"]["q1"] == 1
