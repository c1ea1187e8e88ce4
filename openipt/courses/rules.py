"""Pure rules of an IPT course: phases by session number, the contract, and course transitions.

IPT is time-limited: the number of sessions is agreed at the start, the initial phase takes the
first sessions and termination the last ones. These rules are plain functions over dataclasses
(no models), so the course models, the pages and the tests all share one definition. What is
wrong comes back as `Problem`s (a code, a field and figures); `courses.errors.message` words them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from openipt.core.errors import Problem
from openipt.courses.errors import CourseCode, message
from openipt.protocol.model import Format

PHASES = ("initial", "middle", "termination")
STATUSES = ("planned", "active", "completed", "ended_early", "maintenance")


@dataclass(frozen=True)
class PhaseBounds:
    """Which session numbers (1-based, inclusive) belong to each phase of a contract."""

    total: int
    initial_count: int
    termination_count: int

    @property
    def middle_count(self) -> int:
        """Return the number of middle-phase sessions (may be 0 for very short contracts)."""
        return self.total - self.initial_count - self.termination_count

    @property
    def termination_start(self) -> int | None:
        """Return the first termination session, or None when the contract has none."""
        return self.total - self.termination_count + 1 if self.termination_count else None

    def sessions(self, phase: str) -> range:
        """Return the session numbers of `phase`."""
        if phase == "initial":
            return range(1, self.initial_count + 1)
        if phase == "middle":
            return range(self.initial_count + 1, self.initial_count + self.middle_count + 1)
        if phase == "termination":
            return range(self.total - self.termination_count + 1, self.total + 1)
        raise ValueError(f"unknown phase '{phase}'")

    def phase_of(self, session_number: int) -> str:
        """Return the phase that session `session_number` belongs to."""
        if not 1 <= session_number <= self.total:
            raise ValueError(f"session {session_number} is outside a contract of {self.total} sessions")
        for phase in PHASES:
            if session_number in self.sessions(phase):
                return phase
        raise AssertionError("phases cover every session")  # pragma: no cover


def phase_bounds(fmt: Format, total_sessions: int, initial_sessions: int | None = None) -> PhaseBounds:
    """Split a contract into phases: initial first, termination last, middle between.

    When the contract is shorter than the format's initial plus termination sessions, both are
    shortened one session at a time (the longer first, termination on a tie) until one middle
    session fits (from three sessions up); each keeps at least one session while there are
    two or more.
    """
    if isinstance(total_sessions, bool) or not isinstance(total_sessions, int) or total_sessions < 1:
        raise ValueError("a contract needs at least one session")
    initial = fmt.initial_sessions if initial_sessions is None else initial_sessions
    if not 1 <= initial <= fmt.initial_sessions_max:
        raise ValueError(f"the initial phase of {fmt.name} takes 1 to {fmt.initial_sessions_max} sessions")
    termination = fmt.termination_sessions
    room = total_sessions
    if initial + termination > total_sessions and total_sessions >= 3:
        room = total_sessions - 1  # keep one middle session
    while initial + termination > room:
        if termination >= initial and termination > 1:
            termination -= 1
        elif initial > 1:
            initial -= 1
        else:
            termination -= 1
    return PhaseBounds(total_sessions, initial, termination)


def phase_for_session(
    fmt: Format, total_sessions: int, session_number: int, initial_sessions: int | None = None
) -> str:
    """Return the phase a session number belongs to under the format's rules."""
    return phase_bounds(fmt, total_sessions, initial_sessions).phase_of(session_number)


# Contract ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    """The treatment contract: how many sessions, how often, from when."""

    sessions: int
    frequency: str
    start_date: date | None = None
    initial_sessions: int | None = None


def validate_contract(fmt: Format, contract: Contract) -> list[Problem]:
    """Return what is wrong with a contract for this format (empty when it is valid)."""
    count = contract.sessions
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return [Problem(CourseCode.SESSIONS_NOT_WHOLE, "sessions_planned")]
    problems = [p for p in (_session_count_problem(fmt, count), _phase_problem(fmt, contract)) if p]
    if contract.frequency not in fmt.frequencies:
        problems.append(Problem(CourseCode.FREQUENCY_NOT_USED, "frequency", {
            "frequency": contract.frequency, "format": fmt.name, "allowed": tuple(fmt.frequencies)}))
    return problems


def _session_count_problem(fmt: Format, count: int) -> Problem | None:
    if fmt.sessions.allows(count):
        return None
    params = {"count": count, "format": fmt.name, "min": fmt.sessions.min, "max": fmt.sessions.max}
    if fmt.sessions.max is None:
        return Problem(CourseCode.SESSIONS_BELOW_MIN, "sessions_planned", params)
    if fmt.sessions.min == fmt.sessions.max:
        return Problem(CourseCode.SESSIONS_NOT_EXACT, "sessions_planned", params)
    return Problem(CourseCode.SESSIONS_NOT_IN_RANGE, "sessions_planned", params)


def _phase_problem(fmt: Format, contract: Contract) -> Problem | None:
    initial = fmt.initial_sessions if contract.initial_sessions is None else contract.initial_sessions
    if not 1 <= initial <= fmt.initial_sessions_max:
        return Problem(CourseCode.INITIAL_NOT_IN_RANGE, "initial_sessions",
                       {"format": fmt.name, "max": fmt.initial_sessions_max, "initial": initial})
    shortest = initial + fmt.termination_sessions
    if contract.sessions < shortest:
        return Problem(CourseCode.CONTRACT_TOO_SHORT, "sessions_planned",
                       {"shortest": shortest, "initial": initial, "termination": fmt.termination_sessions})
    return None


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def planned_session_date(start_date: date, frequency: str, session_number: int) -> date:
    """Return the planned date of a session, session 1 being on the start date."""
    if session_number < 1:
        raise ValueError("session numbers start at 1")
    steps = session_number - 1
    if frequency == "weekly":
        return start_date + timedelta(weeks=steps)
    if frequency == "fortnightly":
        return start_date + timedelta(weeks=2 * steps)
    if frequency == "monthly":
        return _add_months(start_date, steps)
    raise ValueError(f"unknown frequency '{frequency}'")


def planned_end_date(start_date: date, frequency: str, sessions: int) -> date:
    """Return the planned date of the last session of the contract."""
    return planned_session_date(start_date, frequency, sessions)


# Sessions held ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRecord:
    """A session on the contract: attended or missed; a missed one may be renegotiated back."""

    status: str
    renegotiated: bool = False

    def __post_init__(self) -> None:
        if self.status not in ("attended", "missed"):
            raise ValueError(f"a session is 'attended' or 'missed', not {self.status!r}")


def sessions_used(records: list[SessionRecord] | tuple[SessionRecord, ...]) -> int:
    """Count sessions used from the contract: attended ones and missed ones not renegotiated."""
    return sum(1 for r in records if r.status == "attended" or not r.renegotiated)


def sessions_remaining(contract: Contract, records: list[SessionRecord] | tuple[SessionRecord, ...]) -> int:
    """Return how many contract sessions are left (never below 0)."""
    return max(0, contract.sessions - sessions_used(records))


def next_session_number(records: list[SessionRecord] | tuple[SessionRecord, ...]) -> int:
    """Return the contract number of the next session."""
    return sessions_used(records) + 1


# Course state and transitions -------------------------------------------------------------------


@dataclass(frozen=True)
class RelapsePlan:
    """The relapse-prevention plan agreed in termination."""

    warning_signs: tuple[str, ...] = ()
    what_helps: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()

    def missing(self) -> list[str]:
        """Return the parts of the plan that are still empty, in plain words."""
        parts = (
            ("warning signs", self.warning_signs),
            ("what helps", self.what_helps),
            ("who to contact", self.contacts),
        )
        return [name for name, values in parts if not any(v.strip() for v in values)]


@dataclass(frozen=True)
class CourseState:
    """What the rules need to know about a course to decide a transition."""

    format: Format
    status: str = "planned"
    phase: str = "initial"
    contract: Contract | None = None
    contract_agreed: bool = False
    problem_area: str | None = None
    formulation: str = ""
    formulation_agreed: bool | None = None  # None: agreement not tracked by the caller
    next_session: int = 1
    early_termination_reason: str = ""
    relapse_plan: RelapsePlan | None = None
    end_review_done: bool = False
    end_reason: str = ""
    history: tuple[str, ...] = field(default=())
    # The format's start checks that have not passed yet (openipt/courses/start_checks.py), in words.
    start_checks_missing: tuple[str, ...] = ()


class TransitionRefused(Exception):
    """Raised by apply_transition with the unmet conditions."""

    def __init__(self, target: str, reasons: list[str]) -> None:
        self.target = target
        self.reasons = reasons
        super().__init__(f"cannot move to {target}: " + " ".join(reasons))


def _status_word(status: str) -> str:
    return status.replace("_", " ")


def _check_middle(state: CourseState) -> list[str]:
    unmet: list[str] = []
    if state.phase == "middle":
        return ["The course is already in the middle phase."]
    if state.phase == "termination":
        return ["The course is in the termination phase and cannot go back to the middle phase."]
    if not state.formulation.strip():
        unmet.append("Write the formulation that links the symptoms to the problem area.")
    elif state.formulation_agreed is False:
        unmet.append("Record the date the client agreed the formulation.")
    if not state.problem_area:
        unmet.append("Choose a problem area.")
    if state.contract is None:
        unmet.append("Agree a treatment contract: the number and frequency of sessions.")
    else:
        if not state.contract_agreed:
            unmet.append("Record that the client agreed the treatment contract.")
        unmet.extend(message(p) for p in validate_contract(state.format, state.contract))
    unmet.extend(state.start_checks_missing)
    return unmet


def _check_termination(state: CourseState) -> list[str]:
    if state.phase == "termination":
        return ["The course is already in the termination phase."]
    if state.phase == "initial":
        return [
            "Move to the middle phase first. To stop during the initial phase, end the course early with a reason."
        ]
    if state.contract is None:
        return ["Agree a treatment contract first; termination is counted from its end."]
    try:
        bounds = phase_bounds(state.format, state.contract.sessions, state.contract.initial_sessions)
    except ValueError as exc:
        return [f"The contract is not valid: {exc}."]
    start = bounds.termination_start or state.contract.sessions
    if state.next_session < start and not state.early_termination_reason.strip():
        return [
            f"Termination is planned to begin at session {start}; the next session is {state.next_session}. "
            "Give a reason to begin it early."
        ]
    return []


def _check_completed(state: CourseState) -> list[str]:
    unmet: list[str] = []
    if state.status == "active" and state.phase != "termination":
        unmet.append("Move the course to the termination phase before completing it.")
    if state.relapse_plan is None:
        unmet.append("Write a relapse-prevention plan: warning signs, what helps, and who to contact.")
    else:
        for part in state.relapse_plan.missing():
            unmet.append(f"Add {part} to the relapse-prevention plan.")
    if not state.end_review_done:
        unmet.append("Complete the end review.")
    return unmet


_ALLOWED_FROM = {
    "active": ("planned",),
    "middle": ("active",),
    "termination": ("active",),
    "completed": ("active", "maintenance"),
    "ended_early": ("planned", "active", "maintenance"),
    "maintenance": ("completed",),
}


def check_transition(state: CourseState, target: str) -> list[str]:
    """Return the unmet conditions, in plain words, for moving a course to a phase or status."""
    if target == "planned":
        return ["A course cannot go back to planned."]
    if target not in _ALLOWED_FROM:
        raise ValueError(f"'{target}' is not a phase or status a course can move to")
    allowed = _ALLOWED_FROM[target]
    if state.status not in allowed:
        if target in PHASES:
            return [f"The course is {_status_word(state.status)}; phases change only while it is active."]
        if target == "maintenance":
            return ["Only a completed course can move to maintenance."]
        return [f"A course that is {_status_word(state.status)} cannot become {_status_word(target)}."]
    if target == "middle":
        return _check_middle(state)
    if target == "termination":
        return _check_termination(state)
    if target == "completed":
        return _check_completed(state)
    if target == "ended_early" and not state.end_reason.strip():
        return ["Give a reason for ending the course early."]
    return []


def apply_transition(state: CourseState, target: str) -> CourseState:
    """Return the state after moving to `target`; raise TransitionRefused when conditions are unmet."""
    unmet = check_transition(state, target)
    if unmet:
        raise TransitionRefused(target, unmet)
    history = (*state.history, target)
    if target in PHASES:
        return replace(state, phase=target, history=history)
    return replace(state, status=target, history=history)
