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


def held_groups(actor, membership_ids: list[int]) -> dict[int, list[api.HeldGroup]]:
    """For the supervision pages: each person's live holds on groups the actor sees (HAZ-041)."""
    from django.urls import reverse
    from django.utils import timezone

    from openipt.groups.queries import holds

    today = timezone.localdate()
    found: dict[int, list[api.HeldGroup]] = {}
    rows = (holds.visible_holds(actor).filter(membership_id__in=membership_ids)
            .select_related("group").order_by("raised_at", "pk"))
    for hold in rows:
        found.setdefault(hold.membership_id, []).append(api.HeldGroup(
            group_id=hold.group_id, name=hold.group.name, url=reverse("groups:detail", args=[hold.group_id]),
            membership_id=hold.membership_id, state=holds.state_of(hold, today), review_on=hold.review_on))
    return found


def held_panel_context(request, actor) -> dict | None:
    """The supervision dashboard's list of groups led alone after a withdrawn sign-off that need a decision."""
    from openipt.groups.queries import holds

    waiting = holds.needing_decision(actor)
    return {"holds": waiting} if waiting else None


def register() -> None:
    """Register the group-session and group-meeting target kinds, the dashboard's meetings panel, and what
    groups does when a sign-off to lead a group alone is withdrawn (HAZ-041)."""
    from openipt.groups import hold_actions, meeting_targets
    from openipt.groups.targets import resolve

    api.on_group_lead_withdrawn(hold_actions.hold_groups)
    api.register_withdrawal_groups(held_groups)
    add_panel("supervision", ClientPanel("groups-led-alone", "groups/_held_panel.html", held_panel_context, order=5))

    api.register_target(KIND, resolve)
    api.register_target(meeting_targets.KIND, meeting_targets.meeting_target)
    add_panel("supervision", ClientPanel("group-meetings", "supervision/_meetings_panel.html",
                                         meeting_targets.waiting_meetings_context, order=40))
