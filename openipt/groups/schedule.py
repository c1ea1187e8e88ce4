"""Pure rules for group schedules, phases and who needs attention (no Django import).

The protocol's group format: session 1 is the initial phase, the last session is termination,
and the sessions between are the middle phase (formats.yaml, `group`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta


def first_date(start: date, weekday: int) -> date:
    """Return the first day on or after `start` that falls on `weekday` (0 = Monday)."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def session_dates(start: date, weekday: int, count: int) -> list[date]:
    """Return the dates of `count` weekly sessions, the first on or after `start`."""
    if count < 1:
        raise ValueError("a group has at least one session")
    first = first_date(start, weekday)
    return [first + timedelta(weeks=n) for n in range(count)]


def phase_for(number: int, total: int, initial: int = 1, termination: int = 1) -> str:
    """Return the phase of group session `number` of `total`."""
    if not 1 <= number <= total:
        raise ValueError("session number outside the schedule")
    if number <= initial:
        return "initial"
    if number > total - termination:
        return "termination"
    return "middle"


@dataclass(frozen=True)
class MemberState:
    """What the roster knows about one member, for deciding who needs attention."""

    marks: Sequence[str]  # presence of each held session in order: "present", "absent", "excused" or ""
    scores: Sequence[int]  # PHQ-9 totals, oldest first
    open_risk: bool = False
    off_track: bool = False


@dataclass(frozen=True)
class Flag:
    key: str  # risk, dropout, worse, off_track
    level: int  # 3 urgent, 2 concern, 1 review
    count: int = 0  # sessions missed in a row, for "dropout"


def missed_in_a_row(marks: Sequence[str]) -> int:
    """Return how many of the latest held sessions the member missed in a row (excused counts as missed)."""
    count = 0
    for mark in reversed(marks):
        if mark in ("absent", "excused"):
            count += 1
        elif mark == "present":
            break
    return count


# PHQ-9 points: a rise of 6 or more is a reliable change (NHS Talking Therapies, as in measures).
WORSE_BY = 6


def flags(state: MemberState) -> list[Flag]:
    """Return why a member needs attention now, most urgent first."""
    found: list[Flag] = []
    if state.open_risk:
        found.append(Flag("risk", 3))
    missed = missed_in_a_row(state.marks)
    if missed >= 2:
        found.append(Flag("dropout", 2, missed))
    if len(state.scores) >= 2 and state.scores[-1] - state.scores[0] >= WORSE_BY:
        found.append(Flag("worse", 2))
    elif state.off_track:
        found.append(Flag("off_track", 1))
    return found
