"""Who has not completed what: due, overdue and missed questionnaires, on the list page and in the navigation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.courses import session_actions
from openipt.courses.models import Course, Session
from openipt.measures import actions, due
from openipt.measures.models import Schedule
from tests.support.measures import add_session, phq9, shift_course, start_course
from tests.support.people import actor, login, make_client


def _keys(courses=None):
    qs = courses if courses is not None else Course.objects.all()
    now = timezone.now()
    return {due.row_item(r, now).key: due.row_item(r, now).state for r in due.open_items(qs, now)}


def test_a_questionnaire_opens_three_days_before_the_session_and_is_overdue_after_it(world):
    # given session 1 tomorrow with the default schedule
    course = start_course(world)
    actions.ensure_default_schedule(course)
    # then PHQ-9 and GAD-7 for session 1 are due
    assert _keys() == {f"c{course.pk}.s1.phq9": "due", f"c{course.pk}.s1.gad7": "due"}
    # when two days pass the session is over and they are overdue
    shift_course(course, 2)
    assert set(_keys().values()) == {"overdue"}
    # and after the overdue time they are missed, so they leave the list
    shift_course(course, 14)
    assert _keys() == {}


def test_a_session_more_than_three_days_away_asks_for_nothing_yet(world):
    course = start_course(world, first_in=timedelta(days=5))
    actions.ensure_default_schedule(course)
    assert _keys() == {}


def test_a_cancelled_session_asks_for_nothing(world):
    course = start_course(world, first_in=timedelta(hours=2))
    actions.ensure_default_schedule(course)
    session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "cancelled")
    assert _keys() == {}


def test_only_every_fourth_session_asks_for_the_gad7(world):
    # given sessions 1 to 4, with session 4 tomorrow
    course = start_course(world, first_in=timedelta(days=1))
    actions.ensure_default_schedule(course)
    for _ in range(3):
        add_session(world, course, days_after_last=7)
    shift_course(course, 21)  # sessions 1-3 are now in the past, session 4 is tomorrow
    keys = _keys()
    assert keys[f"c{course.pk}.s4.gad7"] == "due"
    assert keys[f"c{course.pk}.s4.phq9"] == "due"
    assert f"c{course.pk}.s3.gad7" not in keys and f"c{course.pk}.s2.gad7" not in keys
    assert keys[f"c{course.pk}.s3.phq9"] == "overdue"  # a week ago: still within the overdue time


def test_a_questionnaire_on_a_set_date_is_listed_with_the_session_ones(world):
    course = start_course(world, first_in=timedelta(days=1))
    actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code="auditc", rule="dates",
                         dates=[timezone.localdate() + timedelta(days=1)])
    keys = _keys()
    day = timezone.localdate() + timedelta(days=1)
    assert keys == {f"c{course.pk}.d{day:%Y%m%d}.auditc": "due"}


def test_completing_a_questionnaire_takes_it_off_the_list(world):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    key = f"c{course.pk}.s1.phq9"
    actions.submit_portal(actor(world.m["client"]), key, phq9(0, 1, 0, 1, 0, 1, 0, 1, 0))
    assert key not in _keys()
    assert f"c{course.pk}.s1.gad7" in _keys()


def test_the_due_page_lists_the_therapists_clients_and_the_navigation_counts_them(world, client):
    # given two of the therapist's clients with questionnaires due, and one of another therapist
    mine = start_course(world, "mine")
    start_course(world, "self")
    start_course(world, "theirs", therapist="therapist2")
    # when the therapist opens the due list (defaults are set up on the way)
    login(client, world.m["therapist"])
    response = client.get("/measures/due/")
    body = response.content.decode()
    # then their four questionnaires are listed and counted in the navigation; the other client is not
    assert response.status_code == 200
    assert "Maya Okafor" in body and "Sam Client" in body and "Noah Berg" not in body
    assert len(response.context["rows"]) == 4
    # the navigation asks for its count once the page is shown
    assert 'hx-get="/nav/count/measures:due/"' in body
    assert client.get("/nav/count/measures:due/").content.decode() == " (4)"
    assert Schedule.objects.filter(course=mine).count() == 2


def test_the_due_list_runs_the_same_queries_with_one_client_or_many(world, client):
    login(client, world.m["therapist"])
    start_course(world, "mine")

    def count():
        client.get("/measures/due/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/measures/due/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(8):
        extra = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Due{i}")
        world.clients[f"due{i}"] = extra
        start_course(world, f"due{i}")
    large = count()
    assert large == small


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_supervisors_and_admins_see_the_team_list(world, client, who):
    start_course(world, "mine")
    login(client, world.m[who])
    response = client.get("/measures/due/")
    assert response.status_code == 200
    assert "Maya Okafor" in response.content.decode()


def test_sessions_are_matched_by_number_not_by_date(world):
    course = start_course(world, first_in=timedelta(days=1))
    actions.ensure_default_schedule(course)
    # rescheduling session 1 to next week moves its questionnaires out of the window
    session = Session.objects.get(course=course, number=1)
    session_actions.reschedule_session(actor(world.m["therapist"]), course.pk, 1, when=timezone.now() + timedelta(days=9),
                                       duration=50, mode="in_person", expected_version=session.version)
    assert _keys() == {}


def test_the_portal_runs_the_same_queries_with_one_or_many_questionnaires_due(world, client):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    login(client, world.m["client"])

    def count():
        client.get("/me/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/me/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for code in ("auditc", "phq2", "session_feedback"):
        actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code=code, rule="every_session")
    large = count()
    assert large == small
    assert "Fill in the AUDIT-C" in client.get("/me/").content.decode()


@pytest.mark.parametrize("who, offered", [("therapist", True), ("supervisor", False), ("admin", False)])
def test_the_due_list_offers_a_paper_form_only_where_the_viewer_may_enter_one(world, client, who, offered):
    # given a client of the therapist with questionnaires due
    start_course(world, "mine")
    login(client, world.m[who])
    body = client.get("/measures/due/").content.decode()
    links = re.findall(r'href="(/measures/course/\d+/enter/[^"]*)"', body)
    # then only care staff assigned to the client are offered the paper form, and every offer opens
    assert bool(links) is offered
    assert "Enter a paper form" in body if offered else "Enter a paper form" not in body
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200
