"""The course lifecycle (pure): phases by session number, the contract, and course transitions.

IPT is time-limited: the number of sessions is agreed at the start, the initial phase takes the
first sessions and termination the last ones. These are plain functions over dataclasses
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


def _check_middle(state: CourseState) -> list[Problem]:
    unmet: list[Problem] = []
    if state.phase == "middle":
        return [Problem(CourseCode.ALREADY_MIDDLE)]
    if state.phase == "termination":
        return [Problem(CourseCode.NO_WAY_BACK_TO_MIDDLE)]
    if not state.formulation.strip():
        unmet.append(Problem(CourseCode.NO_FORMULATION))
    elif state.formulation_agreed is False:
        unmet.append(Problem(CourseCode.FORMULATION_NOT_AGREED))
    if not state.problem_area:
        unmet.append(Problem(CourseCode.NO_PROBLEM_AREA))
    if state.contract is None:
        unmet.append(Problem(CourseCode.NO_CONTRACT))
    else:
        if not state.contract_agreed:
            unmet.append(Problem(CourseCode.CONTRACT_NOT_AGREED))
        unmet.extend(validate_contract(state.format, state.contract))
    unmet.extend(Problem(CourseCode.START_CHECK, None, {"text": text}) for text in state.start_checks_missing)
    return unmet


def _check_termination(state: CourseState) -> list[Problem]:
    if state.phase == "termination":
        return [Problem(CourseCode.ALREADY_TERMINATION)]
    if state.phase == "initial":
        return [Problem(CourseCode.MIDDLE_FIRST)]
    if state.contract is None:
        return [Problem(CourseCode.CONTRACT_FIRST)]
    try:
        bounds = phase_bounds(state.format, state.contract.sessions, state.contract.initial_sessions)
    except ValueError as exc:
        return [Problem(CourseCode.CONTRACT_NOT_VALID, None, {"why": str(exc)})]
    start = bounds.termination_start or state.contract.sessions
    if state.next_session < start and not state.early_termination_reason.strip():
        return [Problem(CourseCode.TERMINATION_NOT_DUE, "reason", {"start": start, "next": state.next_session})]
    return []


def _check_completed(state: CourseState) -> list[Problem]:
    unmet: list[Problem] = []
    if state.status == "active" and state.phase != "termination":
        unmet.append(Problem(CourseCode.TERMINATION_FIRST))
    if state.relapse_plan is None:
        unmet.append(Problem(CourseCode.NO_RELAPSE_PLAN))
    else:
        unmet.extend(Problem(CourseCode.RELAPSE_PLAN_PART, None, {"part": part}) for part in state.relapse_plan.missing())
    if not state.end_review_done:
        unmet.append(Problem(CourseCode.NO_END_REVIEW))
    return unmet


_ALLOWED_FROM = {
    "active": ("planned",),
    "middle": ("active",),
    "termination": ("active",),
    "completed": ("active", "maintenance"),
    "ended_early": ("planned", "active", "maintenance"),
    "maintenance": ("completed",),
}


def transition_problems(state: CourseState, target: str) -> list[Problem]:
    """Return the unmet conditions for moving a course to a phase or status, as codes with their figures."""
    if target == "planned":
        return [Problem(CourseCode.NOT_BACK_TO_PLANNED)]
    if target not in _ALLOWED_FROM:
        raise ValueError(f"'{target}' is not a phase or status a course can move to")
    if state.status not in _ALLOWED_FROM[target]:
        if target in PHASES:
            return [Problem(CourseCode.PHASES_ONLY_WHILE_ACTIVE, None, {"status": _status_word(state.status)})]
        if target == "maintenance":
            return [Problem(CourseCode.MAINTENANCE_AFTER_COMPLETED)]
        return [Problem(CourseCode.STATUS_NOT_ALLOWED, None,
                        {"status": _status_word(state.status), "target": _status_word(target)})]
    if target == "middle":
        return _check_middle(state)
    if target == "termination":
        return _check_termination(state)
    if target == "completed":
        return _check_completed(state)
    if target == "ended_early" and not state.end_reason.strip():
        return [Problem(CourseCode.NO_END_REASON, "reason")]
    return []


def check_transition(state: CourseState, target: str) -> list[str]:
    """Return the unmet conditions, in plain words, for moving a course to a phase or status."""
    return [message(p) for p in transition_problems(state, target)]


def apply_transition(state: CourseState, target: str) -> CourseState:
    """Return the state after moving to `target`; raise TransitionRefused when conditions are unmet."""
    unmet = check_transition(state, target)
    if unmet:
        raise TransitionRefused(target, unmet)
    history = (*state.history, target)
    if target in PHASES:
        return replace(state, phase=target, history=history)
    return replace(state, status=target, history=history)
