"""The supervisor dashboard's data: one row per clinician overseen, and sessions waiting for a rating.

The number of queries does not depend on how many clinicians, clients, sessions or ratings there
are: one for the page of clinicians (with caseload counts as a subquery), one for their ratings,
one for the waiting sessions, one for the waiting counts, and one for open alerts when the safety
app offers that count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from openipt.clients.models import Assignment
from openipt.core.charts import sparkline
from openipt.supervision import access
from openipt.supervision.api import DASHBOARD_SOURCES, fidelity_trend
from openipt.supervision.scoring import trend_direction

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

RECENT_SHOWN = 3


def members_with_caseload(actor: Actor):
    caseload = (
        Assignment.objects.filter(staff_id=OuterRef("pk")).exclude(client__status="discharged")
        .order_by().values("staff_id").annotate(n=Count("pk")).values("n")
    )
    return (
        access.supervised_members(actor)
        .select_related("user")
        .annotate(caseload=Coalesce(Subquery(caseload, output_field=IntegerField()), Value(0)))
        .order_by("user__display_name", "user__username", "pk")
    )


def waiting_sessions(member_ids) -> tuple[list, dict[int, int]]:
    """Sessions of the clinicians `member_ids` waiting for a rating, and how many for each (none without courses)."""
    source = DASHBOARD_SOURCES.get("waiting_sessions")
    return source(member_ids) if source else ([], {})


def alert_counts(member_ids) -> dict[int, int] | None:
    """Open risk alerts on each clinician's clients, or None when no app offers that count."""
    source = DASHBOARD_SOURCES.get("alert_counts")
    return source(member_ids) if source else None


def rows_for(members, waiting: dict[int, int]) -> list[dict]:
    """Build the dashboard rows for a page of clinicians (`waiting`: unrated sessions per clinician)."""
    ids = [m.pk for m in members]
    trends = fidelity_trend(ids)
    alerts = alert_counts(ids)
    rows = []
    for m in members:
        points = trends.get(m.pk, [])
        scores = [score for _, score in points]
        chart = None
        if len(scores) >= 2:
            chart = sparkline(scores, y_max=100, title=f"Fidelity scores of {m.user}", id_prefix=f"fid{m.pk}")
        rows.append({
            "member": m,
            "caseload": m.caseload,
            "recent": list(reversed(points[-RECENT_SHOWN:])),
            "rated": len(scores),
            "chart": chart,
            "direction": trend_direction(scores),
            "waiting": waiting.get(m.pk, 0),
            "alerts": None if alerts is None else alerts.get(m.pk, 0),
        })
    return rows
