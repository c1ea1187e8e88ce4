"""The rows of the alert pages: the staff list with its filters, an alert's kind, a client's open alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from openipt.clients.models import Assignment, Client
from openipt.safety import access
from openipt.safety.models import OPEN, UNACKNOWLEDGED, Alert, AlertStatus
from openipt.safety.rules.model import RiskKind
from openipt.safety.ruleset import rules_for

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

STATUS_FILTERS: dict[str, dict[str, Any]] = {
    "open": {"status__in": OPEN},
    "unacknowledged": {"status__in": UNACKNOWLEDGED},
    "acknowledged": {"status": AlertStatus.ACKNOWLEDGED},
    "resolved": {"status": AlertStatus.RESOLVED},
    "all": {},
}


def alert_list(actor: Actor, status: str, *, severity: str = "", mine: bool = False,
               client: Client | None = None, client_asked: bool = False) -> QuerySet[Alert]:
    """The alerts the list shows: by status (a key of STATUS_FILTERS), severity, the actor's own clients or one client.

    When a client was asked for (`client_asked`) but is out of reach (`client` None), nothing is shown.
    Resolved alerts come newest first; the others most urgent, then longest waiting, first.
    """
    qs = access.alert_list(actor).filter(**STATUS_FILTERS[status])
    if severity:
        qs = qs.filter(severity=severity)
    if mine:
        qs = qs.filter(client_id__in=Assignment.objects.filter(staff_id=actor.membership.pk).values("client_id"))
    if client_asked:
        qs = qs.filter(client_id=client.pk if client else 0)
    order = ("-resolved_at", "-pk") if status == "resolved" else ("-severity_rank", "raised_at", "pk")
    return qs.order_by(*order)


def kind_of(alert: Alert) -> RiskKind | None:
    """Return the alert's kind of risk (label, what the clinician is asked to do), or None when unknown."""
    return rules_for(alert.organisation_id).kinds.get(alert.kind)


def open_alert_ids(client: Client) -> list[int]:
    """The ids of the client's open alerts (raised, escalated or acknowledged)."""
    return [a.pk for a in client.risk_alerts.filter(status__in=["raised", "escalated", "acknowledged"]).only("pk")]
