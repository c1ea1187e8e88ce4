"""What the audit log browser reads: the organisation's events, narrowed by the browser's filters."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from openipt.audit import access, present, registry
from openipt.audit.models import AuditEvent

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def events_for(actor: Actor, filters: dict[str, Any] | None) -> QuerySet[AuditEvent]:
    """The events the actor may see, narrowed by the filter form's cleaned values (all of them without)."""
    events = access.visible_events(actor)
    if not filters:
        return events
    if filters["event_type"]:
        events = events.filter(event_type=filters["event_type"])
    if filters["event_search"]:
        events = events.filter(event_type__in=codes_named(filters["event_search"]))
    if filters["actor"]:
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters["record"]:
        events = events.filter(client_label__iexact=filters["record"].strip())
    tz = timezone.get_current_timezone()
    if filters["date_from"]:
        events = events.filter(occurred_at__gte=datetime.combine(filters["date_from"], time.min, tzinfo=tz))
    if filters["date_to"]:
        events = events.filter(occurred_at__lte=datetime.combine(filters["date_to"], time.max, tzinfo=tz))
    return events


def codes_named(text: str) -> list[str]:
    """The event types whose name (or area) contains the text, ignoring case."""
    needle = text.strip().casefold()
    return [e.code for e in registry.all_types()
            if needle in e.description.casefold() or needle in present.area(e.code).casefold()]
