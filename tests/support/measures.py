"""Helpers for the measures web tests: courses made through the real actions, and time travel.

Sessions can only be scheduled from today on (a courses rule), so tests that need a past
session schedule it through the action and then move the whole course back in time with
`shift_course`, as if the days had passed.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openipt.courses import actions as course_actions
from openipt.courses import session_actions
from openipt.courses.models import Course, Session
from tests.support.people import actor

PHQ9_IDS = ("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9")


def start_course(world, key: str = "mine", *, first_in=timedelta(days=1), therapist: str = "therapist") -> Course:
    """Start an individual IPT course with session 1 `first_in` from now (through the courses actions)."""
    when = timezone.now() + first_in
    return course_actions.start_course(actor(world.m[therapist]), world.clients[key].pk, format_id="individual",
                                       start_date=timezone.localdate(), first_session=when)


def add_session(world, course, *, days_after_last: int = 7, therapist: str = "therapist") -> Session:
    last = Session.objects.filter(course=course).order_by("-number").first()
    when = (last.scheduled_start if last else timezone.now()) + timedelta(days=days_after_last)
    return session_actions.add_session(actor(world.m[therapist]), course.pk, when=when, duration=50, mode="in_person")


def shift_course(course, days: int) -> None:
    """Move a course and its sessions `days` into the past (time travel for tests)."""
    delta = timedelta(days=days)
    for s in Session.objects.filter(course=course):
        Session.objects.filter(pk=s.pk).update(scheduled_start=s.scheduled_start - delta)
    c = Course.objects.get(pk=course.pk)
    Course.objects.filter(pk=c.pk).update(start_date=c.start_date - delta, planned_end_date=c.planned_end_date - delta)


def phq9(*values, difficulty=None) -> dict:
    out = dict(zip(PHQ9_IDS, values, strict=True))
    if difficulty is not None:
        out["difficulty"] = difficulty
    return out


def form_data(answers: dict) -> dict:
    return {k: str(v) for k, v in answers.items() if v is not None}
