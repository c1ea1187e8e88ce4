"""Data for the Today and week tests, made through the real actions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from openipt.courses import actions as course_actions
from openipt.courses import session_actions
from tests.support.people import actor


def at(days: int = 0, hour: int = 12, minute: int = 0):
    """An aware local time `days` from today."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute)))


def next_week(weekday: int, hour: int):
    """An aware local time on a weekday (0 is Monday) of next week: always ahead, always Monday to Friday-able."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    return timezone.make_aware(datetime.combine(monday + timedelta(days=weekday), time(hour)))


def course_today(world, who="therapist", client="mine", hour=12):
    """A course whose session 1 is today at `hour`."""
    return course_actions.start_course(actor(world.m[who]), world.clients[client].pk, format_id="individual",
                                       start_date=timezone.localdate(), first_session=at(0, hour))


def add_session(world, course, when, who="therapist"):
    return session_actions.add_session(actor(world.m[who]), course.pk, when=when, duration=50, mode="in_person")
