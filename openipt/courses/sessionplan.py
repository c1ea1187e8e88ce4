"""The plan for one session of a course: the pure plan builder fed from the database."""

from __future__ import annotations

from openipt.courses.models import Attendance, Course, CourseStatus, Phase, Session, SessionNote
from openipt.courses.plans import LastSession, PlanError, SessionPlan, build_session_plan
from openipt.courses.present import protocol


def plan_phase(course, session) -> str:
    """Return the phase a session's plan is built for (maintenance sessions use the middle phase)."""
    if course.status == CourseStatus.MAINTENANCE and session.attendance == Attendance.SCHEDULED:
        return Phase.MIDDLE
    return session.phase


def previous_attended(course, session) -> Session | None:
    """Return the last attended session before this one, with its note."""
    return (
        Session.objects.filter(course=course, number__lt=session.number, attendance=Attendance.ATTENDED)
        .select_related("note")
        .order_by("-number")
        .first()
    )


def _build(course, session, last: LastSession | None, lang: str | None) -> SessionPlan:
    total = max(course.sessions_planned, session.number)
    return build_session_plan(
        protocol(), course.format_id, plan_phase(course, session), session.number, total,
        area=course.primary_area or None, stage=course.dispute_stage or None,
        secondary_area=course.secondary_area or None, last_session=last, lang=lang,
    )


def last_session_of(course, previous: Session | None, lang: str | None = None) -> LastSession | None:
    """Describe the previous attended session for the plan's 'carried over' list."""
    if previous is None:
        return None
    planned = tuple(previous.planned_step_ids or ())
    if not planned:
        try:
            planned = _build(course, previous, None, lang).step_ids
        except PlanError:
            planned = ()
    note = getattr(previous, "note", None) if _has_note(previous) else None
    to_try = tuple(line.strip() for line in (note.client_will_try if note else "").splitlines() if line.strip())
    return LastSession(previous.number, previous.phase, planned, tuple(previous.done_step_ids or ()), to_try)


def _has_note(session: Session) -> bool:
    try:
        return session.note is not None
    except Session.note.RelatedObjectDoesNotExist:
        return False


def plan_for(
    course: Course, session: Session, previous: Session | None = None, lang: str | None = None, *, with_last: bool = True
) -> tuple[SessionPlan | None, str]:
    """Return (plan, problem): the session plan, or None and a sentence saying why there is none."""
    last = last_session_of(course, previous, lang) if with_last else None
    try:
        return _build(course, session, last, lang), ""
    except PlanError as exc:
        return None, str(exc)


def note_of(session: Session) -> SessionNote | None:
    """Return the session's note or None."""
    return session.note if _has_note(session) else None
