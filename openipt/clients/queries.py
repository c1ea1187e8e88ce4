"""The rows of the caseload and a client's record beyond what `access` checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from openipt.audit.models import AuditEvent
from openipt.clients import access
from openipt.clients.models import Assignment, Client

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def caseload(actor: Actor, query: str, *, status: str, order: str) -> QuerySet[Client]:
    """The clients the actor may see that match the search, with their assigned staff and signals (one query each)."""
    return access.search_clients(actor, query, status=status, order=order).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("staff__user")),
        "signals",
    )


def recent_events(actor: Actor, client: Client, shown: int = 10) -> list[AuditEvent]:
    """The newest audit events about the client in the actor's organisation (for admins on the record)."""
    return list(AuditEvent.objects.filter(client_id=client.pk, organisation_id=actor.organisation_id)[:shown])


def preferred_language_of(actor: Actor) -> str:
    """A signed-in client's preferred language (their portal's language), or "" for staff."""
    if not actor.is_client:
        return ""
    code = (Client.objects.filter(user_id=actor.user.pk, organisation_id=actor.organisation_id)
            .values_list("preferred_language", flat=True).first())
    return code or ""
