"""What the practice app adds to pages it does not own.

- "client" (the staff view of a client's record): what the client did between sessions.
- "course" (the course overview): the interval history, the log entries since the last session.
"""

from __future__ import annotations

from openipt.practice import access
from openipt.practice.queries.care import interval_history


def client_panel_context(request, client):
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    counts = access.awaiting_counts(actor, client)
    return {"client": client, "counts": counts, "portal": client.user_id is not None}


def course_panel_context(request, course):
    """The log entries since the last held session of this course, newest first (at most 10)."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    client = course.client
    entries, last = interval_history(actor, client, course, limit=11)
    return {"client": client, "course": course, "entries": entries[:10], "more": len(entries) > 10,
            "last_session": last}
