"""Supervision helpers: sessions held and rated through the real actions."""

from __future__ import annotations

from openipt.courses import session_actions
from openipt.courses.models import Session
from openipt.supervision import actions as sup
from tests.support.clock import at
from tests.support.people import actor

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


def held(world, course, days=0, who="therapist"):
    """Add a session early today (sessions cannot be scheduled in the past) and mark it attended."""
    n = Session.objects.filter(course=course).count()
    s = session_actions.add_session(actor(world.m[who]), course.pk, when=at(0, 0, n), duration=50, mode="in_person")
    session_actions.record_attendance(actor(world.m[who]), course.pk, s.number, "attended")
    return s


def rate(world, session, who="supervisor", answers=None, **kwargs):
    answers = dict(answers or INITIAL_ALL_YES)
    for item in NEW_ITEMS.get(session.phase, ()):
        answers.setdefault(item, "na")
    return sup.rate(actor(world.m[who]), "session", session.pk, answers=answers, **kwargs)
