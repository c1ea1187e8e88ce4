"""Times for tests, in the local time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone


def at(days: int = 0, hour: int = 12, minute: int = 0) -> datetime:
    """An aware datetime `days` from today at `hour`:`minute` local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute)))
