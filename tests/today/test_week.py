"""The week calendar and moving a session to a new slot through the session-rescheduling action."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openipt.courses.models import Session
from openipt.today.week import monday_of
from tests.support.groups import group
from tests.support.people import login
from tests.today.support import add_session, at, course_today, next_week


def _week(client, membership, day=None):
    login(client, membership)
    response = client.get("/today/week/" + (f"?day={day.isoformat()}" if day else ""))
    assert response.status_code == 200
    return response.content.decode()


def test_the_week_shows_monday_to_sunday_with_sessions_and_group_meetings(world, client):
    course = course_today(world, client="mine", hour=9)
    add_session(world, course, at(7, 9))
    html = _week(client, world.m["therapist"])
    monday = monday_of(timezone.localdate())
    for offset in range(7):
        assert (monday + timedelta(days=offset)).strftime("%A") in html
    assert f"/courses/{course.pk}/sessions/1/" in html and "Maya Okafor" in html
    assert f"/courses/{course.pk}/sessions/2/" not in html  # next week
    assert f"/courses/{course.pk}/sessions/2/" in _week(client, world.m["therapist"], timezone.localdate() + timedelta(days=7))
    grp = group(world)
    assert f"/groups/{grp.pk}/sessions/1/" in _week(client, world.m["facilitator"])


def test_the_week_never_shows_another_therapist_s_or_organisation_s_sessions(world, client):
    course_today(world, who="therapist2", client="theirs")
    course_today(world, who="other_therapist", client="other")
    html = _week(client, world.m["therapist"])
    assert "Noah Berg" not in html and "Olu Far" not in html
    assert "Nothing booked on this day." in html


def test_the_day_view_steps_a_day_at_a_time_and_a_bad_date_shows_today(world, client):
    day = timezone.localdate()
    html = _week(client, world.m["therapist"], day)
    assert f"?day={(day - timedelta(days=1)).isoformat()}" in html
    assert f"?day={(day + timedelta(days=1)).isoformat()}" in html
    login(client, world.m["therapist"])
    assert client.get("/today/week/?day=31-31-2020").status_code == 200


def _move_page(course, number=1):
    return f"/today/week/move/{course.pk}/{number}/"


def test_moving_a_session_to_a_free_slot_goes_through_the_reschedule_action(world, client):
    course = course_today(world, hour=9)
    session = add_session(world, course, next_week(1, 9))
    login(client, world.m["therapist"])
    page = client.get(_move_page(course, 2))
    assert page.status_code == 200
    new = next_week(2, 11)
    assert new.isoformat() in page.content.decode()  # a free slot of that week is offered
    response = client.post(_move_page(course, 2), {"slot": new.isoformat(), "version": session.version})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.scheduled_start == new and session.version == 2
    from openipt.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="session.rescheduled", object_id=str(session.pk)).exists()


def test_a_busy_slot_is_not_offered(world, client):
    course = course_today(world, hour=9)
    add_session(world, course, next_week(2, 9))
    add_session(world, course, next_week(9, 9))  # the week after
    login(client, world.m["therapist"])
    html = client.get(_move_page(course, 3) + f"?week={next_week(0, 9).date().isoformat()}").content.decode()
    assert next_week(2, 9).isoformat() not in html and next_week(2, 10).isoformat() in html
    assert next_week(1, 9).isoformat() in html  # nothing on Tuesday morning
    moving_two = client.get(_move_page(course, 2)).content.decode()
    assert next_week(2, 9).isoformat() not in moving_two  # where session 2 already is: no move at all
    assert next_week(2, 10).isoformat() in moving_two


def test_a_refused_move_keeps_what_was_typed_and_says_why(world, client):
    course = course_today(world, hour=9)
    session = add_session(world, course, at(7, 9))
    login(client, world.m["therapist"])
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(_move_page(course, 2), {"slot": "other", "date": past, "time": "14:30",
                                                   "version": session.version})
    html = response.content.decode()
    assert response.status_code == 200 and "is in the past" in html
    assert f'value="{past}"' in html and 'value="14:30"' in html
    assert Session.objects.get(pk=session.pk).scheduled_start == at(7, 9)


def test_a_move_with_no_time_chosen_asks_for_one(world, client):
    course = course_today(world, hour=9)
    session = add_session(world, course, at(7, 9))
    login(client, world.m["therapist"])
    response = client.post(_move_page(course, 2), {"slot": "other", "version": session.version})
    assert response.status_code == 200 and "Choose a day and a time" in response.content.decode()


def test_a_stale_move_is_refused_and_a_second_press_goes_through(world, client):
    course = course_today(world, hour=9)
    session = add_session(world, course, at(7, 9))
    login(client, world.m["therapist"])
    data = {"slot": at(8, 15).isoformat(), "version": session.version - 1 if session.version > 1 else 99}
    response = client.post(_move_page(course, 2), data)
    assert response.status_code == 200 and "Someone else changed this session" in response.content.decode()
    assert client.post(_move_page(course, 2), {"slot": at(8, 15).isoformat(), "version": session.version}).status_code == 302


def test_a_recorded_session_cannot_be_moved(world, client):
    from openipt.courses import session_actions
    from tests.support.people import actor

    course = course_today(world, hour=9)
    session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "cancelled")
    login(client, world.m["therapist"])
    response = client.post(_move_page(course), {"slot": at(1, 10).isoformat(), "version": 2})
    assert response.status_code == 200 and "cannot be moved" in response.content.decode()
    assert Session.objects.get(course=course, number=1).scheduled_start == at(0, 9)


def test_only_the_client_s_therapist_may_move_their_session(world, client):
    course = course_today(world, hour=9)
    for who, status in (("supervisor", 403), ("admin", 403), ("therapist2", 404), ("other_therapist", 404)):
        login(client, world.m[who])
        assert client.post(_move_page(course), {"slot": at(1, 10).isoformat(), "version": 1}).status_code == status, who
    assert Session.objects.get(course=course, number=1).scheduled_start == at(0, 9)
