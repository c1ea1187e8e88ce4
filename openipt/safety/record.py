"""What safety holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart).

The safety record's rows are never deleted (models.Undeletable): erasure overwrites their words and keeps
the rows, so an alert's when, how severe and who acted stay countable. An open alert blocks erasure.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part
from openipt.safety.models import OPEN, Alert


def _open_alert(client: Any) -> str:
    """An open risk alert: a person must act on it and resolve it before the record may be erased."""
    if Alert.objects.filter(client_id=client.pk, status__in=OPEN).exists():
        return _("A risk alert about this client is still open. Resolve it first.")
    return ""


def register() -> None:
    add_record_part(RecordExportPart(
        key="safety",
        label=_lazy("Safety alerts and safety plans"),
        models={
            "safety.Alert": ("client",),
            "safety.AlertEvent": ("alert__client",),
            "safety.Delivery": ("alert__client",),
            "safety.AutomationPause": ("client",),
            "safety.SafetyPlan": ("client",),
            "safety.SafetyPlanVersion": ("plan__client",),
        },
        wipe={
            "safety.Alert": ("reason", "evidence", "text", "resolution_note"),
            "safety.AlertEvent": ("text", "details"),
            "safety.AutomationPause": ("lift_reason",),
            "safety.SafetyPlan": ("means_discussed",),
            "safety.SafetyPlanVersion": ("warning_signs", "coping_steps", "distractions", "help_people",
                                         "professionals", "safer_surroundings", "reasons_for_living"),
        },
        keep={
            "safety.Alert": ("schedule",),  # the escalation timings the alert followed
            "safety.Delivery": ("last_error",),  # what the mail server answered, about the staff member's address
        },
        blocks_erasure=_open_alert,
        activity=(("safety.Alert", "client", "raised_at"),),
        order=30,
    ))
