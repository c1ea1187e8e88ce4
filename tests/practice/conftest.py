"""Fixtures for the portal and between-session tests: a portal client with a course, made through the real actions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from openipt.core.testing import actor


def at(days: int = 0, hour: int = 12):
    """An aware datetime `days` from today at `hour` local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def start_course(world, client="self", *, area="role_dispute", stage="renegotiation", sessions=12, held=1,
                 next_in_days=3, to_try="Ask Dan to do the dishes on weeknights\nCall my sister"):
    """A course for a client in the middle phase with `held` sessions held, a signed note, a goal rated, and the next
    session booked `next_in_days` from today."""
    from openipt.courses import actions, goal_actions, session_actions

    therapist = actor(world.m["therapist"])
    course = actions.start_course(therapist, world.clients[client].pk, format_id="individual",
                                  start_date=timezone.localdate(), sessions=sessions)
    course.refresh_from_db()
    course, _ = actions.set_focus(
        therapist, course.pk, primary_area=area, primary_rationale="Arguments at home since the baby came.",
        dispute_stage=stage, secondary_area="", secondary_rationale="",
        formulation_text="Low mood linked to arguments with Dan about sharing the work at home.",
        formulation_agreed_on=timezone.localdate(), expected_version=course.version)
    actions.record_agreement(therapist, course.pk, "contract")
    goal = goal_actions.add_goal(therapist, course.pk, text="Talk with Dan calmly about the housework")
    for n in range(1, held + 1):
        s = session_actions.add_session(therapist, course.pk, when=at(0, 0), duration=50,
                                        mode="in_person")
        session_actions.record_attendance(therapist, course.pk, s.number, "attended")
        session_actions.rate_goals(therapist, course.pk, s.number, {goal.pk: (2 + n, "")})
        note = session_actions.save_note(therapist, course.pk, s.number,
                                         {"mood": "Low", "risk_reviewed": True,
                                          "client_will_try": to_try if n == held else "Old task"},
                                         expected_version=0)
        session_actions.sign_note(therapist, course.pk, s.number, expected_version=note.version)
    if held:
        from openipt.courses.testing import screen_all_clear

        screen_all_clear(therapist, course.pk)
        actions.transition_course(therapist, course.pk, "middle")
    if next_in_days is not None:
        session_actions.add_session(therapist, course.pk, when=at(next_in_days, 10), duration=50, mode="video")
    course.refresh_from_db()
    return course


@pytest.fixture
def me(world):
    """The Actor of the portal client ("self")."""
    return actor(world.m["client"])


@pytest.fixture
def therapist(world):
    return actor(world.m["therapist"])


@pytest.fixture
def second_portal_client(world):
    """Another client of the same therapist with their own portal login: (client, actor)."""
    from openipt.accounts.models import Role
    from openipt.clients.actions import link_portal_user
    from openipt.core.testing import make_client, make_member

    other = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lena", family_name="Other")
    login = make_member(world.org, Role.CLIENT)
    link_portal_user(other, login.user)
    other.refresh_from_db()
    return other, actor(login)


@pytest.fixture
def screened(monkeypatch):
    """Record every text passed to the safety app (the real function still runs).

    `screened.fail = True` makes the safety app's call fail, to show the text is then not stored either.
    """
    from openipt.safety import api as safety_api

    real = safety_api.raise_for_text

    class Spy(list):
        fail = False

        def __call__(self, *, client, text, source, obj=None, actor=None):
            self.append({"client": client, "text": text, "source": source, "obj": obj, "actor": actor})
            if self.fail:
                raise RuntimeError("the safety app could not store the alert")
            return real(client=client, text=text, source=source, obj=obj, actor=actor)

    spy = Spy()
    monkeypatch.setattr(safety_api, "raise_for_text", spy)
    return spy
