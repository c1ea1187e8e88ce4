"""The rows of a session's page beyond the session itself: goal ratings, the course's session numbers, a fresh copy."""

from __future__ import annotations

from openipt.courses.models import Course, GoalRating, Session, SessionNote
from openipt.courses.sessionplan import note_of


def goal_ratings(session: Session) -> dict[int, GoalRating]:
    """The ratings given to the course's goals in this session, by goal (one query)."""
    return {r.goal_id: r for r in GoalRating.objects.filter(session=session)}


def session_numbers(course: Course) -> list[int]:
    """The numbers of every session of a course, in order (for the previous and next links)."""
    return list(Session.objects.filter(course=course).order_by("number").values_list("number", flat=True))


def next_number(course: Course) -> int:
    """The number a new session of the course gets: one after the highest so far."""
    return (course.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def current_version(session: Session) -> int:
    """The session's version as stored now, after someone else changed it."""
    return Session.objects.get(pk=session.pk).version


def current_note(session: Session) -> SessionNote | None:
    """The session's note as stored now, after someone else saved it (None when it has none)."""
    return note_of(Session.objects.select_related("note").get(pk=session.pk))
