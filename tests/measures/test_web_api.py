"""What other apps read from the measures app: a client's scores over time and what is due."""

from __future__ import annotations

from django.utils import timezone

from openipt.measures import actions, api
from tests.support.measures import add_session, phq9, start_course
from tests.support.people import actor


def test_score_points_lists_completed_totals_oldest_first(world):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    add_session(world, course)
    actions.save_portal_draft(actor(world.m["client"]), f"c{course.pk}.s1.gad7", {"q1": 1})  # in progress: left out
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=2,
                        completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0))
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=None,
                        completed_on=timezone.localdate(),
                        answers={**phq9(None, None, None, 1, 1, 1, 1, 1, 0), "difficulty": 0})  # no total: left out
    first = actions.submit_portal(actor(world.m["client"]), f"c{course.pk}.s1.phq9", phq9(3, 3, 3, 3, 3, 3, 0, 0, 0))
    points = api.score_points(world.clients["self"])
    assert [t for _when, t in points] == [8, 18]  # the paper form was entered first
    assert points == sorted(points)
    assert api.score_points(world.clients["self"], "gad7") == []
    assert first.administration.total == 18


def test_due_for_client_lists_what_the_client_can_fill_in(world):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    items = api.due_for_client(world.clients["self"])
    assert [i["instrument"] for i in items] == ["gad7", "phq9"]
    assert items[1]["url"] == f"/measures/me/c{course.pk}.s1.phq9/" and items[1]["state"] == "due"
