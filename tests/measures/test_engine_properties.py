"""Property tests of scoring over all valid answer sets of every instrument."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from openipt.measures.engine import load_instruments, score

REG = load_instruments([Path(__file__).parent / "data"])
INSTRUMENTS = list(REG)


@st.composite
def answer_sets(draw, complete: bool = False):
    """Draw an instrument and a valid answer set for it (some answers missing unless complete)."""
    inst = draw(st.sampled_from(INSTRUMENTS))
    answers = {}
    for item in inst.items:
        choices = st.sampled_from(sorted(item.values))
        answers[item.id] = draw(choices if complete else st.one_of(st.none(), choices))
    return inst, answers


@given(answer_sets(complete=True))
def test_complete_answers_give_a_total_in_range_equal_to_the_item_scores(case):
    inst, answers = case
    result = score(inst, answers)
    assert inst.min_total <= result.total <= inst.max_total
    assert result.total == sum(result.item_scores.values())
    assert result.prorated is False


@given(answer_sets())
def test_any_total_is_in_range_and_its_band_covers_it(case):
    inst, answers = case
    result = score(inst, answers)
    if result.total is None:
        return
    assert inst.min_total <= result.total <= inst.max_total
    if inst.bands:
        band = next(b for b in inst.bands if b.id == result.band.id)
        assert band.min <= result.total <= band.max


@given(answer_sets())
def test_a_total_exists_exactly_when_the_missing_rule_allows_it(case):
    inst, answers = case
    result = score(inst, answers)
    missing = sum(1 for i in inst.scored_items if answers[i.id] is None)
    allowed = inst.missing.max_missing if inst.missing.rule == "prorate" else 0
    assert (result.total is not None) == (missing <= allowed and missing < len(inst.scored_items))
    assert result.prorated == (result.total is not None and missing > 0)


@given(answer_sets(), st.data())
def test_raising_one_item_score_never_lowers_the_total(case, data):
    inst, answers = case
    answered = [i for i in inst.scored_items if answers[i.id] is not None]
    if not answered:
        return
    item = data.draw(st.sampled_from(answered))
    current = item.score(answers[item.id])
    higher = [v for v in item.values if item.score(v) > current]
    if not higher:
        return
    before = score(inst, answers).total
    after = score(inst, answers | {item.id: data.draw(st.sampled_from(sorted(higher)))}).total
    if before is not None:
        assert after >= before


@given(answer_sets())
def test_a_safety_flag_is_raised_iff_the_item_scores_at_or_above_its_threshold(case):
    inst, answers = case
    flagged = {f.item for f in score(inst, answers).flags}
    for s in inst.safety_items:
        value = answers[s.item]
        expected = value is not None and inst.item(s.item).score(value) >= s.threshold
        assert (s.item in flagged) == expected


@given(answer_sets(), st.sampled_from(["female", "male", None]))
def test_screen_is_positive_iff_total_reaches_the_cut_off_used(case, sex):
    inst, answers = case
    result = score(inst, answers, sex=sex)
    if result.screen is None or result.total is None:
        return
    assert result.screen.positive == (result.total >= result.screen.cutoff)
