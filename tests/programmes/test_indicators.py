"""The programme indicators against hand-worked examples (pure: no database)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openipt.programmes import indicators as ind
from openipt.programmes.indicators import Alert, Cohort, Enrolment, Mark, Rating, Screening, wilson

DOC = Path(__file__).resolve().parents[2] / "docs" / "programmes" / "indicators.md"


@pytest.mark.parametrize(
    "successes, total, low, high",
    [
        # p = 5/10, z² = 3.8415: centre (0.5 + 0.19207) / 1.38415 = 0.5; half 1.41603 x sqrt(0.025 + 0.0096037) = 0.26341
        (5, 10, 0.23659, 0.76341),
        # p = 0: centre 0.19207 / 1.38415 = 0.13877; half 1.41603 x sqrt(0.0096037) = 0.13877, so the low end is 0
        (0, 10, 0.0, 0.27753),
        # p = 0.05: centre (0.05 + 0.096037) / 1.192073 = 0.12251; half 1.64420 x sqrt(0.002375 + 0.0024009) = 0.11363
        (1, 20, 0.00888, 0.23614),
        # p = 1 mirrors p = 0
        (10, 10, 0.72247, 1.0),
    ],
)
def test_wilson_interval_matches_the_hand_worked_values(successes, total, low, high):
    got = wilson(successes, total)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_refuses_impossible_counts_and_gives_the_whole_range_for_nothing():
    with pytest.raises(ValueError):
        wilson(3, 2)
    assert wilson(0, 0) == (0.0, 1.0)


def example() -> Cohort:
    """Twelve people screened (one twice), ten eligible; ten enrolled with six in facilitator 100's group."""
    screenings = [Screening(p, p <= 10) for p in range(1, 13)] + [Screening(1, True)]
    attended = [8, 8, 7, 6, 5, 4, 2, 1, 0, 3]
    enrolments = [
        Enrolment(
            member=m,
            facilitator=100 if m <= 6 else 200,
            attended=attended[m - 1],
            completed=m <= 6,
            reliable_improvement=m <= 5,
            case_at_start=m != 6,
            response=m <= 6,
            remission=m <= 5,
        )
        for m in range(1, 11)
    ]
    marks = (
        [Mark(100, 1, True, checked) for checked in (True, True, True, False)]
        + [Mark(100, 1, False, False)]
        + [
            Mark(200, 1, True, True),
            Mark(200, 1, True, True),
            Mark(200, 2, False, False),
            Mark(200, 2, False, False),
        ]
    )
    alerts = [
        Alert(100, 10, False),
        Alert(100, 50, True),
        Alert(200, None, True),
        Alert(200, 20, False),
        Alert(200, 30, False),
    ]
    ratings = [Rating(100, 70), Rating(100, 90), Rating(200, 60)]
    return Cohort(screenings, enrolments, marks, alerts, ratings)


def test_each_count_matches_the_hand_worked_example():
    raw = ind.counts(example(), min_sessions=2)
    assert raw == {
        "screened": 12,
        "eligible": 10,
        "enrolled": 10,
        "attended_min": 8,  # everyone but the members who came once and never
        "completed": 6,
        "reliable_improvement": 5,
        "case_at_start": 9,  # member 6 was not a case at the start
        "response": 5,  # member 6 responded but was not a case, so does not count
        "remission": 5,
        "attendance_marks": 9,
        "attendance_present": 6,
        "checks_missed": 1,
        "alerts": 5,
        "alerts_breached": 2,
        "ack_minutes": 25.0,  # the median of 10, 50, 20 and 30; the alert not yet acknowledged is left out
        "fidelity_ratings": 3,
        "fidelity_mean": pytest.approx(73.333, abs=1e-3),
        # without the facilitators' competency (only the reports add it) those indicators have no value
        "facilitators": None,
        "facilitators_assessed": None,
        "facilitators_signed_off": None,
        "facilitators_harmful_open": None,
    }


def test_competency_counts_are_of_the_facilitators_covered_and_small_ones_are_hidden():
    from dataclasses import replace

    team = frozenset(range(1, 13))
    staff = ind.StaffCompetency(team, assessed=frozenset(range(1, 8)), signed_off=frozenset(range(1, 11)) | {99},
                                harmful_open=frozenset({3, 4}))
    result = ind.compute(replace(example(), staff=staff), threshold=5)
    v = result.values
    assert v["facilitators"].shown() == "12" and v["facilitators_assessed"].shown() == "7"
    # Wilson by hand: centre (7/12 + 1.92/12) / 1.320 = 0.563, half 1.485 * 0.1641 = 0.244
    assert v["facilitators_assessed"].percent() == "58%" and v["facilitators_assessed"].interval() == "32–81%"
    # 10 of 12 signed off (99 is not among those covered) would show 2 not signed off by subtraction: hidden
    assert v["facilitators_signed_off"].suppressed and v["facilitators_signed_off"].shown() == "<5"
    assert v["facilitators_harmful_open"].suppressed  # 2 people
    assert v["facilitators_harmful_open"].indicator.optional and not v["enrolled"].indicator.optional


def test_the_minimum_number_of_sessions_is_a_setting():
    assert ind.counts(example(), min_sessions=5)["attended_min"] == 5


def test_percentages_use_everyone_enrolled_as_the_denominator_and_carry_wilson_intervals():
    result = ind.compute(example(), threshold=1)  # nothing hidden
    improved = result.values["reliable_improvement"]
    assert (improved.value, improved.denominator) == (5, 10)
    assert improved.percent() == "50%"
    assert improved.interval() == "24–76%"
    response = result.values["response"]
    assert (response.value, response.denominator) == (
        5,
        9,
    )  # of those who were a case at the start (or not known)
    assert result.values["checks_missed"].percent() == "17%"  # 1 of the 6 who came
    assert result.values["enrolled"].percent() == ""  # a plain count
    assert result.per_session == ((1, 6, 7), (2, 0, 2))


def test_small_cells_and_those_found_by_subtraction_are_hidden():
    result = ind.compute(example(), threshold=5)
    hidden = {k for k, v in result.values.items() if v.suppressed}
    # eligible (12 - 10 = 2 left out), attended_min (10 - 8), completed (10 - 6) and case_at_start (10 - 9) would
    # each give away a group smaller than 5 by subtraction; alerts_breached (2) is small itself, and so the median
    # is kept (five alerts) while nothing else about alerts is hidden.
    assert hidden == {"eligible", "attended_min", "completed", "case_at_start", "alerts_breached"}
    assert result.values["eligible"].shown() == "<5"
    assert result.values["eligible"].percent() == ""
    # response's denominator is hidden, so its percentage and interval are too
    assert result.values["response"].denominator_suppressed
    assert result.values["response"].percent() == "" and result.values["response"].interval() == ""
    assert result.values["reliable_improvement"].shown() == "5"  # 10 - 5 = 5 is not small


def test_no_hidden_cell_can_be_worked_out_from_the_shown_ones():
    result = ind.compute(example(), threshold=5)
    shown = {k: v.value for k, v in result.values.items()
             if not v.suppressed and v.indicator.kind == "count" and v.value is not None}
    for outer, inner in ind.NESTED:
        if outer in shown and inner in shown:
            assert not 0 < shown[outer] - shown[inner] < 5, (outer, inner)


def test_a_small_total_hides_the_median_of_its_alerts():
    result = ind.compute(Cohort(alerts=[Alert(1, 10, False), Alert(1, 20, False)]), threshold=5)
    assert result.values["alerts"].shown() == "<5"
    assert result.values["ack_minutes"].suppressed


def test_facilitators_below_the_targets():
    cohort = example()
    first = ind.compute(cohort.for_facilitator(100), threshold=1)
    second = ind.compute(cohort.for_facilitator(200), threshold=1)
    targets = ind.Targets(
        attendance_percent=75, fidelity_percent=80, checks_missed_percent=10, ack_minutes=30
    )
    # 100: came 4 of 5 (80%), missed 1 of 4 (25%), median alert time 30 (10 and 50), fidelity 80
    assert ind.below_target(first, targets) == ["checks_missed"]
    # 200: came 2 of 4 (50%), missed 0, median 25 (20 and 30), fidelity 60
    assert ind.below_target(second, targets) == ["attendance_present", "fidelity_mean"]


def test_an_empty_cohort_is_empty_and_computes_to_zero_counts():
    assert Cohort().is_empty()
    result = ind.compute(Cohort())
    assert result.values["enrolled"].shown() == "0"
    assert result.values["ack_minutes"].shown() == ""


def test_the_documentation_defines_every_indicator_and_no_other():
    text = DOC.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_0-9]+)` \| ([^|]+?) \|", text, flags=re.MULTILINE))
    assert rows == {i.id: i.name for i in ind.INDICATORS}


def _people(counts: dict[int, int]) -> Cohort:
    """Enrolments only: `counts` maps a facilitator to how many people are in their groups."""
    enrolments, member = [], 0
    for facilitator, n in counts.items():
        for _ in range(n):
            member += 1
            enrolments.append(Enrolment(member, facilitator, 3, True, False, True, False, False))
    return Cohort((), enrolments)


def _enrolled_shown(counts: dict[int, int]) -> dict[str, str]:
    from openipt.programmes import present

    cohort = _people(counts)
    total = ind.compute(cohort, threshold=5)
    rows = present.facilitator_rows(
        cohort,
        {pk: f"F{pk}" for pk in counts},
        min_sessions=2,
        threshold=5,
        targets=ind.Targets(),
        total=total,
    )
    return {
        "total": total.values["enrolled"].shown(),
        **{r.name: r.result.values["enrolled"].shown() for r in rows},
    }


def test_one_hidden_row_of_a_column_cannot_be_worked_out_from_the_total_less_the_others():
    # 3 is small; 19 - 9 - 7 would give it back, so the next smallest (7) is hidden too
    assert _enrolled_shown({1: 3, 2: 7, 3: 9}) == {"total": "19", "F1": "<5", "F2": "<5", "F3": "9"}
    # two small rows already hide each other; a hidden total protects its one hidden row
    assert _enrolled_shown({1: 3, 2: 4, 3: 9}) == {"total": "16", "F1": "<5", "F2": "<5", "F3": "9"}
    assert _enrolled_shown({1: 3}) == {"total": "<5", "F1": "<5"}
    assert _enrolled_shown({1: 6, 2: 7}) == {"total": "13", "F1": "6", "F2": "7"}
