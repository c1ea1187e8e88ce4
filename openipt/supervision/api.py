"""What other apps may ask of supervision (kept small and stable).

- `Target`, `register_target(kind, resolver)`: make a kind of session rateable. `resolver(actor,
  target_id)` returns a Target or raises Http404 when the actor cannot see the session.
  Courses registers "session" (individual courses); groups registers "group_session" and "group_meeting".
- `register_dashboard_source(name, source)`: data for the supervisor dashboard that other apps own:
  "waiting_sessions" (courses) and "alert_counts" (safety).
- `rate_url(kind, target_id)`: the page where a supervisor rates that session.
- `latest_ratings(kind, target_ids)`: the current rating of each session, in one query.
- `is_signed_off(membership_id, competency)`: whether a live sign-off exists.
- `fidelity_trend(membership_ids)`: each clinician's current scores over time, in one query.
- `on_group_lead_withdrawn(hook)`: `hook(actor, signoff)` runs in the transaction that withdraws a sign-off to
  lead a group alone (by the programme's rule or by hand); groups registers it to hold the groups the person
  still leads alone (HAZ-041).
- `register_withdrawal_groups(source)`: `source(actor, membership_ids)` returns, for each person, the groups
  they lead alone that wait for a supervisor since their sign-off was withdrawn, as `HeldGroup`s.

These functions add no permission check of their own: callers show them only on pages they have
already checked (the rating page itself checks who may rate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from openipt.supervision.targets import Target, register_target

__all__ = ["HeldGroup", "RatingSummary", "Target", "fidelity_trend", "group_lead_withdrawn", "held_groups",
           "is_signed_off", "latest_ratings", "on_group_lead_withdrawn", "rate_url", "register_dashboard_source",
           "register_target", "register_withdrawal_groups"]

# Filled from the AppConfig.ready() of the apps that own the data (supervision sits below them):
# "waiting_sessions": member ids -> (sessions shown, count per clinician), from courses;
# "alert_counts": member ids -> open risk alerts on each clinician's clients, from safety.
DASHBOARD_SOURCES: dict[str, Callable] = {}


def register_dashboard_source(name: str, source: Callable) -> None:
    """Register (or replace) one of the supervisor dashboard's data sources."""
    if name not in ("waiting_sessions", "alert_counts"):
        raise ValueError(f"unknown dashboard source {name!r}")
    DASHBOARD_SOURCES[name] = source


WITHDRAWAL_HOOKS: list[Callable] = []
WITHDRAWAL_GROUPS: list[Callable] = []


@dataclass(frozen=True)
class HeldGroup:
    """A group someone leads alone although their sign-off to lead alone was withdrawn (HAZ-041).

    `state`: "open" (a supervisor must add a signed-off leader, pause it or decide), "paused" (its remaining
    sessions are paused) or "continues" (a supervisor decided it goes on until `review_on`)."""

    group_id: int
    name: str
    url: str
    membership_id: int
    state: str
    review_on: date | None = None


def on_group_lead_withdrawn(hook: Callable) -> None:
    """Register `hook(actor, signoff)`, run inside the transaction that withdraws a sign-off to lead a group."""
    if hook not in WITHDRAWAL_HOOKS:
        WITHDRAWAL_HOOKS.append(hook)


def group_lead_withdrawn(actor, signoff) -> None:
    for hook in WITHDRAWAL_HOOKS:
        hook(actor, signoff)


def register_withdrawal_groups(source: Callable) -> None:
    if source not in WITHDRAWAL_GROUPS:
        WITHDRAWAL_GROUPS.append(source)


def held_groups(actor, membership_ids) -> dict[int, list[HeldGroup]]:
    """The groups each person leads alone since their sign-off was withdrawn and that wait for (or had) a
    supervisor's decision, as the actor may see them."""
    found: dict[int, list[HeldGroup]] = {}
    ids = [int(i) for i in membership_ids]
    if not ids:
        return found
    for source in WITHDRAWAL_GROUPS:
        for membership_id, groups in source(actor, ids).items():
            found.setdefault(membership_id, []).extend(groups)
    return found


@dataclass(frozen=True)
class RatingSummary:
    """The current fidelity rating of one session."""

    rating_id: int
    score_percent: int
    rated_at: datetime
    rater_name: str
    version: int
    url: str


def rate_url(kind: str, target_id: int) -> str:
    """Return the address of the rating form for a session."""
    from django.urls import reverse

    return reverse("supervision:rate", args=[kind, int(target_id)])


def latest_ratings(kind: str, target_ids) -> dict[int, RatingSummary]:
    """Return {target id: RatingSummary} for the sessions that have been rated (one query)."""
    from django.urls import reverse

    from openipt.supervision.models import FidelityRating

    ids = [int(i) for i in target_ids]
    if not ids:
        return {}
    rows = FidelityRating.objects.filter(target_kind=kind, target_id__in=ids, is_current=True).select_related("rater__user")
    return {
        r.target_id: RatingSummary(r.pk, r.score_percent, r.rated_at, str(r.rater.user), r.version,
                                   reverse("supervision:rating", args=[r.pk]))
        for r in rows
    }


def is_signed_off(membership_id: int, competency: str = "group_lead") -> bool:
    """Return True when the clinician holds a live (not withdrawn) sign-off for the competency."""
    from openipt.supervision.models import SignOff

    if membership_id is None:
        return False
    return SignOff.objects.filter(membership_id=membership_id, competency=competency, withdrawn_at__isnull=True).exists()


def fidelity_trend(membership_ids) -> dict[int, list[tuple[date, int]]]:
    """Return {membership id: [(session date, score), ...] oldest session first} from current ratings (one query).

    A rating without a known session date (none should remain) falls back to the day it was made.
    Every id asked for is a key; a clinician with no ratings has an empty list.
    """
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from openipt.supervision.models import FidelityRating

    ids = [int(i) for i in membership_ids]
    out: dict[int, list[tuple[date, int]]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = (FidelityRating.objects.filter(rated_id__in=ids, is_current=True)
            .annotate(on=Coalesce("session_at", "rated_at"))
            .order_by("on", "pk").values_list("rated_id", "on", "score_percent"))
    for rated_id, on, score in rows:
        out[rated_id].append((timezone.localdate(on), score))
    return out
