"""Practice helpers: a portal client's course in the middle phase, made through the real actions."""

from __future__ import annotations

from django.utils import timezone

from openipt.courses import actions, goal_actions, session_actions
from tests.support.clock import at
from tests.support.courses import agreed_formulation, screen_all_clear
from tests.support.people import actor


def start_course(world, client="self", *, area="role_dispute", stage="renegotiation", sessions=12, held=1,
                 next_in_days=3, to_try="Ask Dan to do the dishes on weeknights\nCall my sister"):
    """A course for a client in the middle phase with `held` sessions held, a signed note, a goal rated, and the next
    session booked `next_in_days` from today."""
    therapist = actor(world.m["therapist"])
    course = actions.start_course(therapist, world.clients[client].pk, format_id="individual",
                                  start_date=timezone.localdate(), sessions=sessions)
    course.refresh_from_db()
    course = actions.set_focus(
        therapist, course.pk, primary_area=area, primary_rationale="Arguments at home since the baby came.",
        dispute_stage=stage, secondary_area="", secondary_rationale="", expected_version=course.version)
    agreed_formulation(therapist, course, "Low mood linked to arguments with Dan about sharing the work at home.")
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
        screen_all_clear(therapist, course.pk)
        actions.transition_course(therapist, course.pk, "middle")
    if next_in_days is not None:
        session_actions.add_session(therapist, course.pk, when=at(next_in_days, 10), duration=50, mode="video")
    course.refresh_from_db()
    return course
