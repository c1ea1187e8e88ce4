"""Fixtures for course tests: a course started through the real actions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from openipt.core.testing import actor
from openipt.courses import actions, session_actions


def at_today(hour: int = 12, days: int = 0):
    """Return an aware datetime today (or `days` from today) at `hour` local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def start(world, who="therapist", client="mine", **kwargs):
    kwargs.setdefault("format_id", "individual")
    kwargs.setdefault("start_date", timezone.localdate())
    return actions.start_course(actor(world.m[who]), world.clients[client].pk, **kwargs)


def make_ready_for_middle(world, course, who="therapist"):
    """Record an area, its rationale, an agreed formulation, an agreed contract and the initial screening."""
    from openipt.courses.testing import screen_all_clear

    screen_all_clear(actor(world.m[who]), course.pk)
    course.refresh_from_db()
    course, _ = actions.set_focus(
        actor(world.m[who]), course.pk, primary_area="role_transition", primary_rationale="Moved city for work.",
        dispute_stage="", secondary_area="", secondary_rationale="",
        formulation_text="Low mood since the move; the lost role and friends are the focus.",
        formulation_agreed_on=timezone.localdate(), expected_version=course.version,
    )
    return actions.record_agreement(actor(world.m[who]), course.pk, "contract")


def held_session(world, course, number_of_sessions=1, who="therapist", attendance="attended"):
    """Add sessions today and record their attendance."""
    made = []
    for _ in range(number_of_sessions):
        s = session_actions.add_session(actor(world.m[who]), course.pk, when=at_today(), duration=50, mode="in_person")
        session_actions.record_attendance(actor(world.m[who]), course.pk, s.number, attendance)
        made.append(s)
    return made


@pytest.fixture
def course(world):
    """An individual IPT course for the therapist's client, started today, with session 1 scheduled today."""
    return start(world, first_session=at_today(), duration=50)
