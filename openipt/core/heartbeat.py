"""Heartbeats: each background runner notes when it last finished a round.

The escalation runner (`openipt escalate`) beats after every round, including a round where another
server held the lock (the job was then being done elsewhere, and this runner is alive). Readiness
(`/readyz`) fails when the newest beat is older than `settings.ESCALATION_STALE_SECONDS`, so a load
balancer or monitor notices that risk alerts have stopped being passed on (hazard log, HAZ-006).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from openipt.core.models import Heartbeat

ESCALATION = "escalation"


def beat(name: str, when: datetime | None = None) -> None:
    """Record that the runner `name` finished a round now (one row per runner, updated in place)."""
    at = when or timezone.now()
    if not Heartbeat.objects.filter(name=name).update(beat_at=at):
        Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": at})


def last_beat(name: str) -> datetime | None:
    """When the runner `name` last finished a round, or None if it never has."""
    return Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()


def age_seconds(name: str, now: datetime | None = None) -> float | None:
    """Seconds since the runner `name` last finished a round, or None if it never has."""
    last = last_beat(name)
    if last is None:
        return None
    return max(0.0, ((now or timezone.now()) - last).total_seconds())
