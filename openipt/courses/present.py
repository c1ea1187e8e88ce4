"""How a course's place is shown: its format and phase names, the position line, the timeline.

These functions shape a Course (and the sessions already loaded with it) and call the pure
lifecycle; they run no queries, so pages can show them without their query count growing. What
needs the database (the lifecycle state with its start checks, what comes next) is in
`openipt/courses/queries/course.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.courses import lifecycle
from openipt.courses.models import Attendance, CourseStatus, Phase
from openipt.protocol import Protocol, default_protocol
from openipt.protocol.model import Format

PHASE_LABELS = {"initial": Phase.INITIAL.label, "middle": Phase.MIDDLE.label, "termination": Phase.TERMINATION.label}


def protocol() -> Protocol:
    """Return the protocol in use."""
    return default_protocol()


def course_format(course, lang: str | None = None) -> Format | None:
    """Return the course's format, or None if the content no longer has it."""
    try:
        return protocol().format(course.format_id, lang)
    except KeyError:
        return None


def format_name(course, lang: str | None = None) -> str:
    fmt = course_format(course, lang)
    return fmt.name if fmt else course.format_id


def phase_label(phase: str) -> str:
    return str(PHASE_LABELS.get(phase, phase))


def value_label(value: str) -> str:
    """Return the words for a phase or status stored in a transition."""
    if value in PHASE_LABELS:
        return phase_label(value)
    if value in CourseStatus.values:
        return str(CourseStatus(value).label)
    return value


def contract_of(course) -> lifecycle.Contract:
    return lifecycle.Contract(course.sessions_planned, course.frequency, course.start_date, course.initial_sessions)


def bounds_of(course) -> lifecycle.PhaseBounds | None:
    """Return the session numbers of each phase under the contract, or None if they cannot be worked out."""
    fmt = course_format(course)
    if fmt is None:
        return None
    try:
        return lifecycle.phase_bounds(fmt, course.sessions_planned, course.initial_sessions)
    except ValueError:
        try:
            return lifecycle.phase_bounds(fmt, course.sessions_planned)
        except ValueError:
            return None


def _day(value: date | None) -> str:
    return formats.date_format(value, "j M Y") if value else ""


@dataclass(frozen=True)
class Position:
    """The course's place in its contract."""

    status: str
    phase: str
    number: int  # the session now due (the next one not yet held)
    total: int
    used: int
    planned_end: date
    ended_on: date | None = None

    @property
    def left(self) -> int:
        return max(0, self.total - self.number)

    @property
    def all_used(self) -> bool:
        return self.used >= self.total

    @property
    def text(self) -> str:
        end = _day(self.planned_end)
        if self.status == CourseStatus.PLANNED:
            return _("Planned · %(total)d sessions · planned last session %(end)s") % {"total": self.total, "end": end}
        if self.status == CourseStatus.COMPLETED:
            return _("Completed · %(used)d of %(total)d sessions held · ended %(date)s") % {
                "used": self.used, "total": self.total, "date": _day(self.ended_on) or end
            }
        if self.status == CourseStatus.ENDED_EARLY:
            return _("Ended early after %(used)d of %(total)d sessions · %(date)s") % {
                "used": self.used, "total": self.total, "date": _day(self.ended_on)
            }
        where = _("maintenance") if self.status == CourseStatus.MAINTENANCE else phase_label(self.phase).lower()
        if self.all_used:
            return _("All %(total)d sessions held · %(where)s · planned last session %(end)s") % {
                "total": self.total, "where": where, "end": end
            }
        return _("Session %(n)d of %(total)d · %(where)s · %(left)d left · planned last session %(end)s") % {
            "n": self.number, "total": self.total, "where": where, "left": self.left, "end": end
        }


def position(course, used: int) -> Position:
    """Return the position of a course given how many of its sessions were held or missed."""
    number = min(used + 1, course.sessions_planned)
    return Position(course.status, course.phase, number, course.sessions_planned, used, course.planned_end_date, course.ended_on)


@dataclass
class TimelineEntry:
    number: int
    phase: str
    state: str  # done, missed, next, scheduled, remaining
    session: object | None
    planned_date: date | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    "done": gettext_lazy("attended"),
    "missed": gettext_lazy("missed"),
    "next": gettext_lazy("next"),
    "scheduled": gettext_lazy("scheduled"),
    "remaining": gettext_lazy("not scheduled yet"),
}


@dataclass
class Band:
    phase: str
    entries: list[TimelineEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return phase_label(self.phase)


def timeline(course, sessions) -> list[Band]:
    """Return the contract's sessions in phase bands: done, missed, next, scheduled and remaining."""
    by_number = {s.number: s for s in sessions}
    bounds = bounds_of(course)
    total = max([course.sessions_planned, *by_number.keys()])
    next_marked = False
    bands: list[Band] = []
    for number in range(1, total + 1):
        session = by_number.get(number)
        if session is not None and session.is_held:
            state = "done" if session.attendance == Attendance.ATTENDED else "missed"
            phase = session.phase
        else:
            state = "scheduled" if session is not None else "remaining"
            if not next_marked:
                state, next_marked = "next", True
            if bounds is not None and number <= bounds.total:
                phase = bounds.phase_of(number)
            else:
                phase = session.phase if session is not None else course.phase
        try:
            planned = lifecycle.planned_session_date(course.start_date, course.frequency, number)
        except ValueError:
            planned = None
        entry = TimelineEntry(number, phase, state, session, planned)
        if not bands or bands[-1].phase != phase:
            bands.append(Band(phase))
        bands[-1].entries.append(entry)
    return bands


NEXT_TARGET = {
    (CourseStatus.PLANNED, None): "active",
    (CourseStatus.ACTIVE, "initial"): "middle",
    (CourseStatus.ACTIVE, "middle"): "termination",
    (CourseStatus.ACTIVE, "termination"): "completed",
    (CourseStatus.MAINTENANCE, None): "completed",
}


def next_target(course) -> str | None:
    """Return the move the protocol expects next for a course, or None when it has ended."""
    return NEXT_TARGET.get((course.status, course.phase if course.status == CourseStatus.ACTIVE else None))
