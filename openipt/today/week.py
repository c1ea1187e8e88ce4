"""The week calendar: a person's sessions and group meetings from Monday to Sunday, and free slots.

Read only. Moving a session goes through `openipt.courses.session_actions.reschedule_session`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from openipt.today.queries import DEFAULT_HOURS, Hours, day_bounds, my_group_sessions, my_sessions

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

@dataclass
class Entry:
    """One thing on the calendar: an individual session or a group meeting."""

    start: datetime
    end: datetime
    kind: str  # "session" or "group"
    obj: Any  # a course Session or a GroupSession


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_day(text: str | None, fallback: date) -> date:
    """A date from the address (YYYY-MM-DD); anything else gives `fallback`."""
    try:
        day = date.fromisoformat((text or "")[:10])
    except ValueError:
        return fallback
    return day if date(1900, 1, 1) <= day <= date(9000, 1, 1) else fallback


def entries(actor: Actor, start: datetime, end: datetime) -> list[Entry]:
    """The person's sessions and group meetings between two instants, in time order (two queries)."""
    found = [Entry(s.scheduled_start, s.scheduled_start + timedelta(minutes=s.duration_minutes), "session", s)
             for s in my_sessions(actor, start, end)]
    found += [Entry(g.scheduled_start, g.scheduled_start + timedelta(minutes=g.group.session_minutes), "group", g)
              for g in my_group_sessions(actor, start, end)]
    return sorted(found, key=lambda e: (e.start, e.kind, e.obj.pk))


def week_days(actor: Actor, monday: date) -> list[dict]:
    """Seven days from `monday`, each with its entries."""
    start, _ = day_bounds(monday)
    _, end = day_bounds(monday + timedelta(days=6))
    by_day: dict[date, list[Entry]] = {monday + timedelta(days=i): [] for i in range(7)}
    for entry in entries(actor, start, end):
        by_day.setdefault(timezone.localtime(entry.start).date(), []).append(entry)
    return [{"day": d, "entries": by_day[d]} for d in sorted(by_day)]


def free_slots(actor: Actor, monday: date, minutes: int, *, moving=None, now: datetime | None = None,
               hours: Hours = DEFAULT_HOURS) -> list[datetime]:
    """Starts on the hour, on the working days of the week, still ahead, where a session of `minutes` clashes with nothing.

    A slot starts at or after `hours.start_hour` and ends by `hours.end_hour` (the organisation's
    working hours). The session being moved (`moving`) does not count as busy, and its own start is
    not offered.
    """
    now = now or timezone.now()
    start, _ = day_bounds(monday)
    _, end = day_bounds(monday + timedelta(days=6))
    busy = [(e.start, e.end) for e in entries(actor, start, end)
            if not (e.kind == "session" and (e.obj.pk == getattr(moving, "pk", None) or e.obj.attendance == "cancelled"))]
    slots = []
    for offset in sorted(hours.days):
        day = monday + timedelta(days=offset)
        day_end = timezone.make_aware(datetime.combine(day, time.min)) + timedelta(hours=hours.end_hour)
        for hour in range(hours.start_hour, hours.end_hour):
            begin = timezone.make_aware(datetime.combine(day, time(hour)))
            finish = begin + timedelta(minutes=minutes)
            where_now = begin == getattr(moving, "scheduled_start", None)
            if (begin > now and finish <= day_end and not where_now
                    and not any(b < finish and begin < e for b, e in busy)):
                slots.append(begin)
    return slots
