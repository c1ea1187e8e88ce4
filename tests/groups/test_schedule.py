"""The pure schedule, phase and attention rules."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.groups import schedule


def test_eight_tuesday_sessions_start_on_the_first_tuesday_on_or_after_the_start():
    dates = schedule.session_dates(date(2026, 3, 5), 1, 8)  # a Thursday
    assert dates[0] == date(2026, 3, 10)
    assert all(d.weekday() == 1 for d in dates)
    assert dates[-1] == date(2026, 4, 28)


def test_the_first_session_is_initial_the_last_termination_and_the_rest_middle():
    phases = [schedule.phase_for(n, 8) for n in range(1, 9)]
    assert phases == ["initial"] + ["middle"] * 6 + ["termination"]


@given(st.integers(min_value=3, max_value=16))
def test_every_schedule_has_exactly_one_first_and_one_last_session(total):
    phases = [schedule.phase_for(n, total) for n in range(1, total + 1)]
    assert phases.count("initial") == 1 and phases.count("termination") == 1


def test_a_session_outside_the_schedule_is_refused():
    with pytest.raises(ValueError):
        schedule.phase_for(9, 8)


def test_missed_in_a_row_counts_back_from_the_latest_session():
    assert schedule.missed_in_a_row(["present", "absent", "absent"]) == 2
    assert schedule.missed_in_a_row(["absent", "absent", "present"]) == 0
    assert schedule.missed_in_a_row(["present", "excused", "absent", "absent"]) == 3


def test_flags_put_risk_first_and_name_dropout_and_getting_worse():
    state = schedule.MemberState(marks=["present", "absent", "absent"], scores=[12, 15, 18], open_risk=True)
    assert [f.key for f in schedule.flags(state)] == ["risk", "dropout", "worse"]
    assert schedule.flags(state)[1].count == 2


def test_a_rise_below_reliable_change_is_not_getting_worse_but_off_track_still_shows():
    state = schedule.MemberState(marks=["present"], scores=[12, 17], off_track=True)
    assert [f.key for f in schedule.flags(state)] == ["off_track"]
