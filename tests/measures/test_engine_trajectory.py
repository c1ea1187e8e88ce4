"""Expected trajectories and not-on-track zones, with hand-worked numbers.

Default model (docs/measures/expected-trajectories.md): expected change at session s for a
baseline band with midpoint m is -0.5 * m * (1 - exp(-0.2 * (s - 1))); the upper (worse)
bound adds the reliable-change size (PHQ-9: 6 points).
"""

import datetime as dt

import pytest

from openipt.measures.engine import (
    Administration,
    InstrumentFileError,
    classify,
    classify_course,
    default_table,
    derive_table,
    load_instruments,
    load_model,
)
from openipt.measures.engine.trajectory import DEFAULT_MODEL_PATH

REG = load_instruments()
PHQ9 = REG.get("phq9")
TABLE = default_table(PHQ9)


def course(*totals, baseline=None):
    """Administrations at sessions 1, 2, ... (a baseline total first if given)."""
    day = dt.date(2025, 1, 6)
    totals = ((baseline,) if baseline is not None else ()) + totals
    return [Administration(day + dt.timedelta(weeks=n), n + 1, t) for n, t in enumerate(totals)]


def test_model_parameters_are_read_from_the_content_file():
    model = load_model()
    assert (model.eventual_fall_fraction, model.rate_per_session, model.last_session) == (0.5, 0.2, 20)


def test_a_mistake_in_the_model_file_names_the_line_and_the_key(tmp_path):
    text = DEFAULT_MODEL_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "model.yaml"
    bad.write_text(text.replace("rate_per_session: 0.20", "rate_per_session: 0").replace(
        "last_session: 20", "last_session: twenty"), encoding="utf-8")
    rate = 1 + next(i for i, line in enumerate(text.splitlines()) if line.startswith("rate_per_session"))
    with pytest.raises(InstrumentFileError) as caught:
        load_model(bad)
    assert caught.value.problems == ((rate, "rate_per_session: must be above 0"),
                                     (rate + 1, "last_session: must be a whole number"))


def test_default_table_cells_for_the_phq9_moderate_band():
    # moderate band 10-14: midpoint 12, eventual fall 6 points
    moderate = TABLE.for_band("moderate")
    assert moderate.source == "default"
    s1, s5, s20 = moderate.cell(1), moderate.cell(5), moderate.cell(20)
    assert (s1.expected_change, s1.upper_change) == (0.0, 6.0)
    assert (s5.expected_change, s5.upper_change) == (-3.30, 2.70)  # 1 - e^-0.8 = 0.5507
    assert (s20.expected_change, s20.upper_change) == (-5.87, 0.13)  # 1 - e^-3.8 = 0.9776
    assert moderate.cell(35) == s20 and moderate.cell(0) == s1


def test_default_table_leaves_out_bands_below_remission():
    assert TABLE.for_band("minimal") is None
    assert [b.band_id for b in TABLE.bands] == ["mild", "moderate", "moderately_severe", "severe"]


def test_instruments_without_the_needed_rules_have_no_default_table():
    for code in ("hamd17", "ipt_goal", "auditc"):
        with pytest.raises(ValueError):
            default_table(REG.get(code))


# baseline 16 is in the moderately severe band (15-19): midpoint 17, eventual fall 8.5
# expected score at session s = 16 - 8.5 * (1 - e^(-0.2 (s - 1))); upper = expected + 6
#   s4: 12.16 / 18.16   s5: 11.32 / 17.32   s7: 10.06 / 16.06   s8: 9.60 / 15.60


def test_improver_is_green():
    statuses = classify_course(PHQ9, TABLE, course(16, 14, 12, 10, 8, 7, 6, 5), wait_sessions=4)
    assert [s.zone for s in statuses] == ["too_early", "too_early", "green", "green", "green", "green", "green"]
    s5 = statuses[3]
    assert (s5.session, s5.score, s5.expected, s5.upper) == (5, 8, 11.32, 17.32)


def test_late_responder_is_not_red_before_the_wait_and_green_once_they_improve():
    statuses = classify_course(PHQ9, TABLE, course(16, 16, 16, 16, 16, 16, 10, 8), wait_sessions=7)
    assert [s.zone for s in statuses] == ["too_early"] * 5 + ["green", "green"]
    assert statuses[5].expected == 10.06 and statuses[5].score == 10


def test_non_responder_turns_amber_then_red():
    statuses = classify_course(PHQ9, TABLE, course(16, 16, 16, 16, 16, 16, 16, 16), wait_sessions=4)
    zones = {s.session: s.zone for s in statuses}
    assert zones[4] == "amber"  # 16 > 12.16 but <= 18.16
    assert zones[7] == "amber"  # 16 <= 16.06
    assert zones[8] == "red"  # 16 > 15.60


def test_deteriorator_is_red_as_soon_as_the_rise_is_reliable_even_before_the_wait():
    statuses = classify_course(PHQ9, TABLE, course(16, 19, 22), wait_sessions=4)
    assert [s.zone for s in statuses] == ["too_early", "red"]
    assert "reliable deterioration" in statuses[1].reason


def test_a_start_below_the_table_is_not_applicable_unless_it_worsens_reliably():
    assert classify(PHQ9, TABLE, 3, 6, 3).zone == "not_applicable"
    assert classify(PHQ9, TABLE, 3, 6, 9).zone == "red"


def test_every_status_carries_a_definition_and_a_session_none_is_too_early():
    status = classify(PHQ9, TABLE, 16, None, 14)
    assert status.zone == "too_early" and "Too early" in status.definition


def _org_courses(n, baseline=12, session4_changes=None):
    courses = []
    for i in range(n):
        change = session4_changes[i] if session4_changes else -4
        courses.append(course(baseline - 1, baseline - 2, baseline + change, baseline=baseline))
    return courses


def test_derived_table_uses_the_organisations_median_and_90th_percentile():
    # 30 moderate-band courses; at session 4 the changes are 0, -1, ..., -9, three times each
    changes = [-(i % 10) for i in range(30)]
    table = derive_table(PHQ9, _org_courses(30, session4_changes=changes), min_courses=30, min_per_session=10)
    moderate = table.for_band("moderate")
    assert (moderate.source, moderate.courses) == ("organisation", 30)
    cell = moderate.cell(4)
    # sorted: -9 x3, -8 x3, ..., 0 x3; median of the 15th and 16th = (-5 + -4) / 2
    assert cell.expected_change == -4.5
    # 90th percentile: position 0.9 * 29 = 26.1 -> -1 + 0.1 * (0 - -1) = -0.9
    assert cell.upper_change == -0.9
    assert (cell.n, cell.from_default) == (30, False)
    # session 2 had 30 observations of -1
    assert moderate.cell(2).expected_change == -1.0
    # sessions nobody reached fall back to the default cell
    late, default = moderate.cell(10), TABLE.for_band("moderate").cell(10)
    assert (late.from_default, late.n) == (True, 0)
    assert (late.expected_change, late.upper_change) == (default.expected_change, default.upper_change)


def test_bands_with_too_few_courses_fall_back_to_the_default():
    table = derive_table(PHQ9, _org_courses(29), min_courses=30)
    moderate = table.for_band("moderate")
    assert (moderate.source, moderate.courses) == ("default", 29)
    assert moderate.cells == TABLE.for_band("moderate").cells
    assert table.for_band("severe").courses == 0


def test_sessions_with_too_few_observations_keep_the_default_cell():
    table = derive_table(PHQ9, _org_courses(30), min_courses=30, min_per_session=31)
    cell = table.for_band("moderate").cell(4)
    default = TABLE.for_band("moderate").cell(4)
    assert cell.from_default and cell.n == 30
    assert (cell.expected_change, cell.upper_change) == (default.expected_change, default.upper_change)


def test_classification_follows_the_derived_table():
    # organisation: by session 4 people starting at 12 have usually fallen 4 (all -4), upper -4
    table = derive_table(PHQ9, _org_courses(30), min_courses=30, min_per_session=10)
    assert classify(PHQ9, table, 12, 4, 8).zone == "green"
    assert classify(PHQ9, table, 12, 4, 9).zone == "red"  # worse than every course in the organisation
