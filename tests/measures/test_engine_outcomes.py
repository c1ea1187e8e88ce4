"""Course outcomes and NHS Talking Therapies pair rules, worked out by hand."""

import datetime as dt
from pathlib import Path

import pytest

from openipt.measures.engine import (
    DEFINITIONS,
    Administration,
    course_outcome,
    load_instruments,
    talking_therapies_outcome,
)

REG = load_instruments([Path(__file__).parent / "data"])
PHQ9, GAD7 = REG.get("phq9"), REG.get("gad7")


def course(*totals, start_session=1):
    """Weekly administrations at sessions start_session, start_session+1, ... with these totals."""
    day = dt.date(2025, 1, 6)
    return [Administration(day + dt.timedelta(weeks=n), start_session + n, t) for n, t in enumerate(totals)]


def test_phq9_course_eighteen_to_eight():
    # given PHQ-9 18 at the start and 8 at the end
    out = course_outcome(PHQ9, course(18, 14, 8))
    # then: change -10 (>= 6 reliable), fall 10 >= 9 (response), 8 is not below 5 (no remission)
    assert out.enough_data and out.change == -10
    assert out.reliable_change.status == "improvement"
    assert out.response.status == "response"
    assert out.remission.status == "no_remission"
    assert (out.caseness_start.status, out.caseness_end.status) == ("case", "not_case")


@pytest.mark.parametrize(("start", "end", "status"), [
    (18, 12, "improvement"),         # -6: exactly the published threshold
    (18, 13, "no_reliable_change"),  # -5
    (10, 16, "deterioration"),       # +6
    (10, 15, "no_reliable_change"),  # +5
])
def test_phq9_reliable_change_uses_six_points(start, end, status):
    assert course_outcome(PHQ9, course(start, end)).reliable_change.status == status


@pytest.mark.parametrize(("start", "end", "status"), [(12, 8, "improvement"), (12, 9, "no_reliable_change"),
                                                       (5, 9, "deterioration")])
def test_gad7_reliable_change_uses_four_points(start, end, status):
    assert course_outcome(GAD7, course(start, end)).reliable_change.status == status


@pytest.mark.parametrize(("start", "end", "status"), [(16, 8, "response"), (15, 8, "no_response"), (15, 7, "response")])
def test_response_is_a_fall_of_half_or_more(start, end, status):
    # 16 -> 8 falls exactly half; 15 -> 8 falls 7 < 7.5; 15 -> 7 falls 8 >= 7.5
    assert course_outcome(PHQ9, course(start, end)).response.status == status


def test_remission_is_a_latest_phq9_below_five():
    assert course_outcome(PHQ9, course(12, 4)).remission.status == "remission"
    assert course_outcome(PHQ9, course(12, 5)).remission.status == "no_remission"


def test_response_and_remission_are_not_given_for_someone_who_was_not_a_case():
    # PHQ-9 8 at the start is below the cut-off of 10: 8 -> 2 is neither a response nor a remission
    out = course_outcome(PHQ9, course(8, 2))
    for verdict in (out.response, out.remission):
        assert verdict.status == "not_case_at_start" and verdict.label == "Not a case at the start"
        assert verdict.met is None and "8" in verdict.detail
    assert course_outcome(PHQ9, course(0, 0)).response.status == "not_case_at_start"
    assert course_outcome(PHQ9, course(10, 2)).remission.status == "remission"  # 10 is a case


def test_gad7_case_at_the_start_is_eight_or_more():
    assert course_outcome(GAD7, course(7, 2)).remission.status == "not_case_at_start"
    assert course_outcome(GAD7, course(8, 2)).response.status == "response"


def test_an_organisation_cut_off_decides_who_was_a_case():
    assert course_outcome(PHQ9, course(9, 3), case_cutoff=9).remission.status == "remission"
    out = course_outcome(PHQ9, course(11, 3), case_cutoff=12)
    assert out.remission.status == "not_case_at_start" and out.caseness_start.status == "not_case"


def test_one_scored_session_is_not_enough_data():
    out = course_outcome(PHQ9, course(18, None, None))
    assert out.enough_data is False
    for verdict in (out.reliable_change, out.response, out.remission, out.caseness_end):
        assert verdict.status == "not_enough_data" and verdict.met is None
    # the starting caseness is still known
    assert out.caseness_start.status == "case"


def test_a_score_without_a_session_does_not_count_as_an_attended_session():
    # an assessment score (no session) and one session score: only one attended session
    day = dt.date(2025, 1, 6)
    admins = [Administration(day, None, 18), Administration(day + dt.timedelta(weeks=1), 1, 10)]
    out = course_outcome(PHQ9, admins)
    assert out.enough_data is False and out.scored_sessions == 1


def test_the_assessment_score_is_the_baseline_when_two_sessions_follow():
    day = dt.date(2025, 1, 6)
    admins = [Administration(day + dt.timedelta(weeks=2), 2, 9), Administration(day, None, 20),
              Administration(day + dt.timedelta(weeks=1), 1, 15)]
    out = course_outcome(PHQ9, admins)
    assert (out.baseline.total, out.latest.total, out.change) == (20, 9, -11)


def test_jacobson_truax_for_a_site_instrument():
    # S_diff = 5 * sqrt(2) * sqrt(1 - 0.8) = 3.162; 1.96 * 3.162 = 6.20 points
    eps = REG.get("example_perinatal")
    assert course_outcome(eps, course(20, 13)).reliable_change.status == "improvement"  # RC = -7/3.162 = -2.21
    assert course_outcome(eps, course(20, 14)).reliable_change.status == "no_reliable_change"  # RC = -1.90
    assert "RC = -2.21" in course_outcome(eps, course(20, 13)).reliable_change.detail


def test_instruments_without_rules_say_not_defined():
    hamd = course_outcome(REG.get("hamd17"), course(24, 6))
    assert hamd.reliable_change.status == "not_defined"
    assert (hamd.response.status, hamd.remission.status) == ("response", "remission")  # 6 < 8, fall 18 >= 12
    goal = course_outcome(REG.get("ipt_goal"), course(2, 8))
    assert (goal.reliable_change.status, goal.response.status, goal.caseness_start.status) == (
        "not_defined", "not_defined", "not_defined")


def test_auditc_caseness_depends_on_sex():
    auditc = REG.get("auditc")
    assert course_outcome(auditc, course(3, 2), sex="male").caseness_start.status == "not_case"
    assert course_outcome(auditc, course(3, 2), sex="female").caseness_start.status == "case"
    assert "lower cut-off" in course_outcome(auditc, course(3, 2)).caseness_start.detail


def test_totals_outside_the_range_are_refused():
    with pytest.raises(ValueError, match="outside 0-27"):
        course_outcome(PHQ9, course(30, 10))


def test_every_verdict_carries_a_definition():
    out = course_outcome(PHQ9, course(18, 8))
    for verdict in (out.reliable_change, out.response, out.remission, out.caseness_start, out.caseness_end):
        assert verdict.definition == DEFINITIONS[verdict.key] and len(verdict.definition) > 40
        assert verdict.label


# --- NHS Talking Therapies pair rules (PHQ-9 case >= 10, GAD-7 case >= 8; reliable 6 and 4)


def pair(phq, gad):
    return talking_therapies_outcome(PHQ9, GAD7, course(*phq), course(*gad))


def test_reliable_recovery_when_both_fall_below_cut_offs_with_reliable_improvement():
    out = pair((15, 8), (12, 6))
    assert out.case_at_start.met and out.recovery.met
    assert out.reliable_improvement.met and not out.reliable_deterioration.met
    assert out.reliable_recovery.met


def test_reliable_improvement_without_recovery_when_anxiety_stays_a_case():
    out = pair((15, 9), (9, 9))  # PHQ-9 -6 reliable; GAD-7 still 9 (>= 8)
    assert out.reliable_improvement.met and not out.recovery.met and not out.reliable_recovery.met


def test_recovery_without_reliable_improvement_is_not_reliable_recovery():
    out = pair((12, 9), (9, 7))  # below both cut-offs, but -3 and -2 are not reliable
    assert out.recovery.met and not out.reliable_improvement.met and not out.reliable_recovery.met


def test_reliable_deterioration_on_one_measure_cancels_reliable_improvement_on_the_other():
    out = pair((14, 6), (3, 8))  # PHQ-9 -8 reliable; GAD-7 +5 reliable deterioration
    assert out.reliable_improvement.status == "not_met"
    assert out.reliable_deterioration.status == "not_met"
    assert out.recovery.status == "not_met"  # GAD-7 8 is still a case


def test_reliable_deterioration_when_one_rises_and_neither_improves():
    out = pair((8, 15), (5, 6))
    assert out.reliable_deterioration.met and not out.reliable_improvement.met


def test_recovery_does_not_apply_to_someone_who_was_not_a_case():
    out = pair((8, 3), (6, 2))  # PHQ-9 8 < 10 and GAD-7 6 < 8 at the start
    assert out.case_at_start.status == "not_met"
    assert out.recovery.status == "not_case_at_start" and out.reliable_recovery.status == "not_case_at_start"
    assert out.recovery.label == "Not a case at the start"


def test_a_case_on_anxiety_alone_is_a_case_at_start():
    out = pair((9, 4), (8, 3))
    assert out.case_at_start.met and out.recovery.met


def test_pair_needs_two_scored_sessions_on_both_measures():
    out = pair((15, 8), (12,))
    assert out.enough_data is False
    assert {v.status for v in (out.case_at_start, out.recovery, out.reliable_recovery)} == {"not_enough_data"}


def test_pair_verdicts_carry_definitions():
    out = pair((15, 8), (12, 6))
    for v in (out.case_at_start, out.recovery, out.reliable_improvement, out.reliable_deterioration, out.reliable_recovery):
        assert v.definition == DEFINITIONS[v.key]


def at(day, session, total):
    return Administration(dt.date(2025, 1, 6) + dt.timedelta(days=day), session, total)


def test_recovery_uses_the_phq9_and_gad7_from_the_same_appointment():
    # PHQ-9 at sessions 1 and 2; GAD-7 at sessions 1, 2 and 3 (no PHQ-9 at session 3).
    phq = [at(0, 1, 15), at(7, 2, 8)]
    gad = [at(0, 1, 12), at(7, 2, 9), at(14, 3, 6)]
    # Each questionnaire's own last score (PHQ-9 8, GAD-7 6) would say "recovered";
    # the last appointment with both (session 2: PHQ-9 8, GAD-7 9) says not.
    out = talking_therapies_outcome(PHQ9, GAD7, phq, gad)
    assert out.enough_data and out.pairs == 2
    assert out.last_pair == (phq[1], gad[1])
    assert out.recovery.status == "not_met" and "GAD-7 9" in out.recovery.detail
    # with a PHQ-9 at session 3 as well, the last pair is session 3 and the person recovered
    out = talking_therapies_outcome(PHQ9, GAD7, [*phq, at(14, 3, 7)], gad)
    assert out.recovery.met and out.reliable_recovery.met


def test_the_start_is_the_first_appointment_with_both():
    # GAD-7 was first given at session 2: the start is session 2 (PHQ-9 9, GAD-7 7), not a case then.
    phq = [at(0, 1, 14), at(7, 2, 9), at(14, 3, 4)]
    gad = [at(7, 2, 7), at(14, 3, 3)]
    out = talking_therapies_outcome(PHQ9, GAD7, phq, gad)
    assert out.case_at_start.status == "not_met"
    assert out.recovery.status == "not_case_at_start"


def test_scores_without_session_numbers_pair_by_day():
    # A score not tied to a session pairs with one from the same day; the GAD-7 of the next day does not.
    phq = [at(0, 1, 16), at(7, 2, 12), at(20, None, 6)]
    gad = [at(0, 1, 11), at(20, None, 9), at(21, 4, 3)]
    out = talking_therapies_outcome(PHQ9, GAD7, phq, gad)
    assert out.last_pair == (phq[2], gad[1]) and out.recovery.status == "not_met"


def test_pair_needs_two_shared_appointments():
    out = talking_therapies_outcome(PHQ9, GAD7, [at(0, 1, 15), at(7, 2, 8)], [at(0, 1, 12), at(14, 3, 6)])
    assert out.enough_data is False and out.pairs == 1
    assert out.recovery.status == "not_enough_data" and "same appointment" in out.recovery.detail


def test_pair_cut_offs_can_be_the_organisation_setting():
    out = talking_therapies_outcome(PHQ9, GAD7, course(9, 3), course(6, 2), depression_cutoff=9)
    assert out.case_at_start.met and out.recovery.met
