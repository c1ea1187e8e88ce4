"""What the staff pages about one client's between-session work read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openipt.practice import access

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def interval_history(actor: Actor, client, course=None, limit=None):
    """Log entries since the last held session of the client's course (all of them without one)."""
    course = course if course is not None else access.current_course(actor, client)
    last = access.last_held_session(course) if course is not None else None
    since = last.scheduled_start if last is not None else None
    qs = access.log_entries(actor, client, since=since)
    return (list(qs[:limit]) if limit else list(qs)), last
