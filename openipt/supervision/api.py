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

These functions add no permission check of their own: callers show them only on pages they have
already checked (the rating page itself checks who may rate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from openipt.supervision.targets import Target, register_target

__all__ = ["RatingSummary", "Target", "fidelity_trend", "is_signed_off", "latest_ratings", "rate_url",
           "register_dashboard_source", "register_target"]

# Filled from the AppConfig.ready() of the apps that own the data (supervision sits below them):
# "waiting_sessions": member ids -> (sessions shown, count per clinician), from courses;
# "alert_counts": member ids -> open risk alerts on each clinician's clients, from safety.
DASHBOARD_SOURCES: dict[str, Callable] = {}


def register_dashboard_source(name: str, source: Callable) -> None:
    """Register (or replace) one of the supervisor dashboard's data sources."""
    if name not in ("waiting_sessions", "alert_counts"):
        raise ValueError(f"unknown dashboard source {name!r}")
    DASHBOARD_SOURCES[name] = source


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
