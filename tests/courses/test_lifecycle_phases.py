"""Which phase each session belongs to, for every format's shortest, default and longest contract."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.courses.lifecycle import PHASES, phase_bounds, phase_for_session
from openipt.protocol import default_protocol


def _layout(format_id, total, initial=None):
    fmt = default_protocol().format(format_id)
    bounds = phase_bounds(fmt, total, initial)
    return tuple(list(bounds.sessions(p)) for p in PHASES)


# Worked out by hand: initial = first k sessions, termination = last N, middle between.
@pytest.mark.parametrize(
    ("format_id", "total", "initial", "middle", "termination"),
    [
        ("individual", 12, [1, 2, 3], list(range(4, 10)), [10, 11, 12]),
        ("individual", 16, [1, 2, 3], list(range(4, 14)), [14, 15, 16]),
        ("brief", 8, [1, 2], [3, 4, 5, 6], [7, 8]),
        ("ipc", 3, [1], [2], [3]),
        ("ipc", 6, [1], [2, 3, 4, 5], [6]),
        ("ipt_a", 12, [1, 2, 3], list(range(4, 10)), [10, 11, 12]),
        ("perinatal", 12, [1, 2, 3], list(range(4, 10)), [10, 11, 12]),
        ("couples", 16, [1, 2, 3], list(range(4, 14)), [14, 15, 16]),
        ("maintenance", 3, [1], [2], [3]),
        ("maintenance", 12, [1], list(range(2, 12)), [12]),
        ("maintenance", 36, [1], list(range(2, 36)), [36]),
        ("group", 8, [1], [2, 3, 4, 5, 6, 7], [8]),
        ("group", 16, [1], list(range(2, 16)), [16]),
    ],
)
def test_phase_boundaries_for_each_format(format_id, total, initial, middle, termination):
    assert _layout(format_id, total) == (initial, middle, termination)


def test_every_format_min_default_and_max_is_covered_above():
    covered = {
        ("individual", 12),
        ("individual", 16),
        ("brief", 8),
        ("ipc", 3),
        ("ipc", 6),
        ("ipt_a", 12),
        ("perinatal", 12),
        ("couples", 16),
        ("maintenance", 3),
        ("maintenance", 12),
        ("group", 8),
        ("group", 16),
    }
    for fmt in default_protocol().formats():
        for count in (fmt.sessions.min, fmt.sessions.default, fmt.sessions.max):
            if count is not None:
                assert (fmt.id, count) in covered


def test_a_fourth_initial_session_shifts_the_middle_phase_only():
    assert _layout("individual", 12, initial=4) == ([1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12])


def test_initial_sessions_beyond_the_format_maximum_are_refused():
    fmt = default_protocol().format("individual")
    with pytest.raises(ValueError, match="1 to 4"):
        phase_bounds(fmt, 12, 5)


def test_contracts_too_short_for_the_format_are_scaled_down_sensibly():
    # 3 + 3 do not fit in 4 or 5 sessions: shorten the longer phase first, keep one middle session
    assert _layout("individual", 4) == ([1, 2], [3], [4])
    assert _layout("individual", 5) == ([1, 2], [3], [4, 5])
    assert _layout("individual", 3) == ([1], [2], [3])
    assert _layout("individual", 2) == ([1], [], [2])
    assert _layout("individual", 1) == ([1], [], [])


def test_phase_for_session_names_the_phase():
    fmt = default_protocol().format("individual")
    assert [phase_for_session(fmt, 12, n) for n in (1, 3, 4, 9, 10, 12)] == [
        "initial",
        "initial",
        "middle",
        "middle",
        "termination",
        "termination",
    ]
    with pytest.raises(ValueError):
        phase_for_session(fmt, 12, 13)
    with pytest.raises(ValueError):
        phase_bounds(fmt, 0)


FORMAT_IDS = [f.id for f in default_protocol().formats()]


@given(format_id=st.sampled_from(FORMAT_IDS), total=st.integers(1, 60), data=st.data())
def test_phases_are_contiguous_and_in_order(format_id, total, data):
    fmt = default_protocol().format(format_id)
    initial = data.draw(st.integers(1, fmt.initial_sessions_max))
    bounds = phase_bounds(fmt, total, initial)
    phases = [bounds.phase_of(n) for n in range(1, total + 1)]
    # every session has exactly one phase, and the phases never go backwards
    assert [PHASES.index(p) for p in phases] == sorted(PHASES.index(p) for p in phases)
    assert phases[0] == "initial"
    if total >= 2:
        assert phases[-1] == "termination"
    if total >= initial + fmt.termination_sessions:
        assert phases.count("initial") == initial
        assert phases.count("termination") == fmt.termination_sessions
        assert bounds.termination_start == total - fmt.termination_sessions + 1
