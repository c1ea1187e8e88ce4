"""Who may read the audit log: an organisation's admins, for that organisation only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.audit.models import AuditEvent
from openipt.core.roles import Role


def can_view_audit_log(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.ADMIN


if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def visible_events(actor: Actor) -> QuerySet[AuditEvent]:
    """Return the audit events an actor may read."""
    if not can_view_audit_log(actor):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation_id=actor.organisation_id).order_by("-id")
