"""The groups app's side of the interface with the supervision app (fidelity ratings, sign-off)."""

from __future__ import annotations

from openipt.core.extensions import ClientPanel, add_panel
from openipt.supervision import api

KIND = "group_session"
COMPETENCY = "group_lead"


def is_signed_off(membership_id: int) -> bool:
    return bool(api.is_signed_off(membership_id, competency=COMPETENCY))


def rate_url(session_id: int) -> str:
    return api.rate_url(KIND, session_id)


def latest_ratings(session_ids) -> dict:
    ids = [i for i in session_ids if i]
    return api.latest_ratings(KIND, ids) if ids else {}


def register() -> None:
    """Register the group-session and group-meeting target kinds, and the dashboard's meetings panel."""
    from openipt.groups import meeting_targets
    from openipt.groups.targets import resolve

    api.register_target(KIND, resolve)
    api.register_target(meeting_targets.KIND, meeting_targets.meeting_target)
    add_panel("supervision", ClientPanel("group-meetings", "supervision/_meetings_panel.html",
                                         meeting_targets.waiting_meetings_context, order=40))
