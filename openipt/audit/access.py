"""Who may read the audit log: an organisation's admins, for that organisation only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.access import can_view_audit_log
from openipt.audit.models import AuditEvent

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def visible_events(actor: Actor) -> QuerySet[AuditEvent]:
    """Return the audit events an actor may read."""
    if not can_view_audit_log(actor):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation_id=actor.organisation_id).order_by("-id")
