"""Fixtures for supervision tests: a course of the supervised therapist with sessions held."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from openipt.core.testing import actor
from openipt.courses import actions, session_actions

INITIAL_ALL_YES = {
    "symptoms_reviewed": "yes", "sick_role_given": "yes", "inventory_done": "yes", "area_and_goals": "yes",
    "contract_agreed": "yes",
}


# Items added to the phase checklists by issue 12 (focus, time limit, staying within IPT, stance). Tests
# written before them answer them "not applicable", which leaves their scores as they were.
NEW_ITEMS = {
    "initial": ("time_limit_initial", "stance_initial", "stayed_ipt_initial"),
    "middle": ("focus_kept", "time_limit_middle", "no_thought_records", "no_transference", "no_formal_homework",
               "stance_middle"),
    "termination": ("time_limit_end", "stance_end", "stayed_ipt_end"),
}


def new_items_na(phase: str, prefix: str = "") -> dict:
    return {f"{prefix}{item}": "na" for item in NEW_ITEMS[phase]}


def at(days: int = 0, hour: int = 10, minute: int = 0):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute)))


def held(world, course, days=0, who="therapist"):
    """Add a session early today (sessions cannot be scheduled in the past) and mark it attended."""
    from openipt.courses.models import Session

    n = Session.objects.filter(course=course).count()
    s = session_actions.add_session(actor(world.m[who]), course.pk, when=at(0, 0, n), duration=50, mode="in_person")
    session_actions.record_attendance(actor(world.m[who]), course.pk, s.number, "attended")
    return s


@pytest.fixture
def course(world):
    """An individual course of `therapist` (supervised by `supervisor`) for the client 'mine'."""
    return actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="individual",
                                start_date=timezone.localdate() - timedelta(days=7))


@pytest.fixture
def session(world, course):
    return held(world, course, days=-1)


def rate(world, session, who="supervisor", answers=None, **kwargs):
    from openipt.supervision import actions as sup

    answers = dict(answers or INITIAL_ALL_YES)
    for item in NEW_ITEMS.get(session.phase, ()):
        answers.setdefault(item, "na")
    return sup.rate(actor(world.m[who]), "session", session.pk, answers=answers, **kwargs)
