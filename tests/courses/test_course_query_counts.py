"""Course pages run the same number of queries with little and with much data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.courses import actions, calendar_actions, goal_actions, session_actions
from openipt.courses.models import Session
from tests.support.clock import at
from tests.support.courses import make_ready_for_middle, start
from tests.support.people import actor, login, make_client


def _count(client, url):
    client.get(url)  # warm up: the first request of a session also stores the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, course, sessions: int, goals: int):
    """Add held sessions with signed notes and rated goals, then renegotiate room for them."""
    act = actor(world.m["therapist"])
    course.refresh_from_db()
    made_goals = [goal_actions.add_goal(act, course.pk, text=f"Goal {i}") for i in range(goals)]
    for _ in range(sessions):
        number = (Session.objects.filter(course=course).count()) + 1
        if number > course.sessions_planned:
            break
        s = session_actions.add_session(act, course.pk, when=at(), duration=50, mode="video")
        session_actions.record_attendance(act, course.pk, s.number, "attended")
        session_actions.rate_goals(act, course.pk, s.number, {g.pk: (s.number % 11, "ok") for g in made_goals})
        note = session_actions.save_note(act, course.pk, s.number, {"mood": "ok", "risk_reviewed": True}, expected_version=0)
        session_actions.sign_note(act, course.pk, s.number, expected_version=note.version)
    return made_goals


def test_the_course_overview_does_not_grow_with_sessions_and_goals(world, client):
    course = start(world, sessions=16)
    make_ready_for_middle(world, course)
    login(client, world.m["therapist"])
    _grow(world, course, sessions=2, goals=1)
    small = _count(client, f"/courses/{course.pk}/")
    _grow(world, course, sessions=14, goals=4)
    large = _count(client, f"/courses/{course.pk}/")
    assert Session.objects.filter(course=course).count() == 16
    assert large == small, f"overview ran {small} queries with 2 sessions and {large} with 16"


def test_the_session_page_does_not_grow_with_the_course(world, client):
    course = start(world, sessions=16)
    make_ready_for_middle(world, course)
    login(client, world.m["supervisor"])
    _grow(world, course, sessions=2, goals=1)
    small = _count(client, f"/courses/{course.pk}/sessions/2/")
    _grow(world, course, sessions=14, goals=4)
    large = _count(client, f"/courses/{course.pk}/sessions/2/")
    assert large == small


def test_the_calendar_course_list_client_record_and_feed_do_not_grow(world, client):
    login(client, world.m["therapist"])
    start(world, first_session=at(days=1))
    _token, secret = calendar_actions.create_calendar_token(actor(world.m["therapist"]))
    urls = ["/courses/calendar/", "/courses/?show=all", f"/clients/{world.clients['mine'].pk}/", f"/courses/calendar/feed/{secret}.ics"]
    small = [_count(client, url) for url in urls]
    for i in range(12):
        extra = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Grow{i}")
        course = actions.start_course(actor(world.m["therapist"]), extra.pk, format_id="ipc", start_date=at().date(),
                                      first_session=at(days=1 + i % 3))
        session_actions.add_session(actor(world.m["therapist"]), course.pk, when=at(days=8), duration=30, mode="phone")
    start(world, format_id="brief", first_session=at(days=2))
    large = [_count(client, url) for url in urls]
    assert large == small, dict(zip(urls, zip(small, large, strict=True), strict=True))
