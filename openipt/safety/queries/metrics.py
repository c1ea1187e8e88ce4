"""Numbers for the operator's metrics (`/metrics`): how far behind alert escalation is. No clinical data."""

from __future__ import annotations

from django.db.models import Min
from django.utils import timezone

from openipt.safety.models import UNACKNOWLEDGED, Alert, Delivery, DeliveryStatus


def escalation_lag_seconds() -> float:
    """Seconds since the most overdue escalation step of an unacknowledged alert fell due (0 when none is overdue).

    The runner carries out a step within a minute of its time; a lag that keeps growing means escalation
    has stopped (HAZ-006).
    """
    now = timezone.now()
    oldest = Alert.objects.filter(status__in=UNACKNOWLEDGED, next_escalation_at__lte=now).aggregate(
        m=Min("next_escalation_at")
    )["m"]
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def email_lag_seconds() -> float:
    """Seconds since the oldest alert e-mail waiting to be sent (or retried) was due (0 when none waits)."""
    now = timezone.now()
    oldest = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).aggregate(
        m=Min("next_attempt_at")
    )["m"]
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
