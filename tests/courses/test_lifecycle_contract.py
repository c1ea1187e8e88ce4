"""Contract validation, planned dates, and how missed sessions count."""

from datetime import date

import pytest

from openipt.courses.errors import CourseCode, message
from openipt.courses.lifecycle import (
    Contract,
    SessionRecord,
    next_session_number,
    planned_end_date,
    planned_session_date,
    sessions_remaining,
    sessions_used,
    validate_contract,
)
from openipt.protocol import default_protocol


def _fmt(format_id):
    return default_protocol().format(format_id)


def _words(format_id, contract):
    """Return the sentences staff read for what is wrong with a contract."""
    return [message(p) for p in validate_contract(_fmt(format_id), contract)]


def test_a_standard_individual_contract_is_valid():
    assert _words("individual", Contract(12, "weekly")) == []
    assert _words("individual", Contract(16, "fortnightly", initial_sessions=4)) == []


def test_session_count_outside_the_format_range_is_refused():
    assert _words("individual", Contract(10, "weekly")) == [
        "The contract has 10 sessions; Individual IPT allows 12 to 16."
    ]
    assert _words("ipt_a", Contract(14, "weekly")) == [
        "The contract has 14 sessions; IPT for adolescents (IPT-A) allows exactly 12."
    ]
    assert _words("maintenance", Contract(2, "monthly")) == [
        "The contract has 2 sessions; Maintenance IPT allows at least 3."
    ]


def test_open_ended_maintenance_accepts_long_contracts():
    assert _words("maintenance", Contract(48, "monthly")) == []


def test_contract_shorter_than_initial_plus_termination_is_refused():
    # a clinic's own short format would allow 4, but 3 initial + 3 termination do not fit
    problems = _words("individual", Contract(4, "weekly"))
    assert (
        "The contract must have at least 6 sessions: 3 for the initial phase and 3 for termination."
        in problems
    )


def test_initial_sessions_and_frequency_are_checked():
    problems = _words("individual", Contract(12, "monthly", initial_sessions=5))
    assert problems == [
        "The initial phase of Individual IPT takes 1 to 4 sessions, not 5.",
        "Sessions monthly are not used in Individual IPT; choose weekly or every two weeks.",
    ]
    assert _words("ipt_a", Contract(12, "fortnightly")) == [
        "Sessions every two weeks are not used in IPT for adolescents (IPT-A); choose weekly."
    ]
    assert _words("ipt_a", Contract(0, "weekly")) == [
        "The number of sessions must be a whole number of at least 1."
    ]


def test_each_problem_names_its_code_and_the_field_it_belongs_to():
    # forms put each sentence beside its field by these, never by matching the English words
    problems = validate_contract(_fmt("individual"), Contract(4, "monthly", initial_sessions=5))
    assert [(p.code, p.field) for p in problems] == [
        (CourseCode.SESSIONS_NOT_IN_RANGE, "sessions_planned"),
        (CourseCode.INITIAL_NOT_IN_RANGE, "initial_sessions"),
        (CourseCode.FREQUENCY_NOT_USED, "frequency"),
    ]
    assert problems[0].params == {"count": 4, "format": "Individual IPT", "min": 12, "max": 16}
    too_short = validate_contract(_fmt("individual"), Contract(4, "weekly"))
    assert [(p.code, p.field) for p in too_short] == [
        (CourseCode.SESSIONS_NOT_IN_RANGE, "sessions_planned"), (CourseCode.CONTRACT_TOO_SHORT, "sessions_planned"),
    ]


def test_planned_end_date_counts_from_the_first_session():
    # 12 weekly sessions from Monday 6 January 2025: the last is 11 weeks later, Monday 24 March
    assert planned_end_date(date(2025, 1, 6), "weekly", 12) == date(2025, 3, 24)
    # 6 fortnightly sessions: 10 weeks later, 17 March
    assert planned_end_date(date(2025, 1, 6), "fortnightly", 6) == date(2025, 3, 17)
    # monthly from the 31st clamps to the end of shorter months
    assert planned_end_date(date(2025, 1, 31), "monthly", 2) == date(2025, 2, 28)
    assert planned_end_date(date(2025, 1, 31), "monthly", 12) == date(2025, 12, 31)
    assert planned_end_date(date(2024, 1, 31), "monthly", 14) == date(2025, 2, 28)
    assert planned_session_date(date(2025, 1, 6), "weekly", 1) == date(2025, 1, 6)
    with pytest.raises(ValueError):
        planned_end_date(date(2025, 1, 6), "daily", 3)


def test_missed_sessions_count_toward_the_contract_unless_renegotiated():
    held = [SessionRecord("attended"), SessionRecord("missed"), SessionRecord("attended")]
    assert sessions_used(held) == 3
    assert sessions_remaining(Contract(12, "weekly"), held) == 9
    assert next_session_number(held) == 4
    renegotiated = [
        SessionRecord("attended"),
        SessionRecord("missed", renegotiated=True),
        SessionRecord("attended"),
    ]
    assert sessions_used(renegotiated) == 2
    assert sessions_remaining(Contract(12, "weekly"), renegotiated) == 10
    assert next_session_number(renegotiated) == 3


def test_remaining_never_goes_below_zero_and_bad_status_is_refused():
    assert sessions_remaining(Contract(3, "weekly"), [SessionRecord("attended")] * 5) == 0
    with pytest.raises(ValueError):
        SessionRecord("cancelled")
