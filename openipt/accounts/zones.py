"""The time zone a place works in: a site's own, or the organisation's (the server's, `OPENIPT_TIME_ZONE`).

Sessions are stored in UTC; what a person reads (a reminder's "tomorrow at 10:00") and when "the day
before" begins are worked out in the zone of the site the group meets at or the client belongs to.
"""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


def zone_named(name: object) -> tzinfo:
    """The zone called `name` (a site's `time_zone`), or the organisation's default when it is blank or unknown."""
    if isinstance(name, str) and name.strip():
        try:
            return ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):  # saved sites are checked; an old or odd value falls back
            pass
    return timezone.get_default_timezone()


def first_zone(*names: object) -> tzinfo:
    """The zone of the first site that has one (a group's site, then the client's), else the default."""
    for name in names:
        if isinstance(name, str) and name.strip():
            return zone_named(name)
    return timezone.get_default_timezone()
