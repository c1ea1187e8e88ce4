"""What supervision adds to pages it does not own: the fidelity panel on a session page."""

from __future__ import annotations

from openipt.supervision import access
from openipt.supervision.api import latest_ratings, rate_url


def session_panel_context(request, session):
    """The session's current fidelity rating and, for its therapist's supervisor or an admin, "Rate fidelity"."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    therapist_id = session.course.therapist_id
    can_rate = access.can_rate(actor, therapist_id)
    if not can_rate and therapist_id != actor.membership.pk:
        return None
    latest = latest_ratings("session", [session.pk]).get(session.pk)
    held = session.attendance == "attended"
    return {"latest": latest, "can_rate": can_rate and held, "rate_url": rate_url("session", session.pk),
            "own": therapist_id == actor.membership.pk}
