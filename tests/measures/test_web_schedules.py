"""Questionnaire schedules of a course: the default, adding and removing, and refusals beside the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.measures import actions
from openipt.measures.models import MeasurePlan, Rule, Schedule
from tests.support.measures import start_course
from tests.support.people import actor, login


def _rule(**kw) -> Schedule:
    base = {"instrument_code": "gad7", "rule": Rule.EVERY_N, "every_n": 4, "at_start": False, "at_end": False}
    base.update(kw)
    return Schedule(**base)


def test_every_n_counts_from_the_nth_session_and_adds_start_and_end_when_asked():
    # given "every 4 sessions" in a 12-session contract
    plain = _rule()
    both = _rule(at_start=True, at_end=True)
    # then it is due at 4, 8 and 12, and with start and end also at 1 (12 is already the end)
    assert [n for n in range(1, 13) if plain.applies_to(n, 12)] == [4, 8, 12]
    assert [n for n in range(1, 13) if both.applies_to(n, 12)] == [1, 4, 8, 12]
    assert [n for n in range(1, 11) if both.applies_to(n, 10)] == [1, 4, 8, 10]


def test_every_session_and_start_end_rules():
    assert all(_rule(rule=Rule.EVERY_SESSION, every_n=None).applies_to(n, 8) for n in range(1, 9))
    start_end = _rule(rule=Rule.START_END, every_n=None)
    assert [n for n in range(1, 9) if start_end.applies_to(n, 8)] == [1, 8]
    assert not _rule(rule=Rule.DATES, every_n=None).applies_to(1, 8)


def test_a_new_course_gets_the_default_schedule_once(world):
    # given a course that has just started
    course = start_course(world)
    # when its questionnaires are looked at twice
    first = actions.ensure_default_schedule(course)
    second = actions.ensure_default_schedule(course)
    # then PHQ-9 every session and GAD-7 at the start, every 4th and the end exist, made once
    rows = {s.instrument_code: s for s in Schedule.objects.filter(course=course)}
    assert len(first) == 2 and second == []
    assert rows["phq9"].rule == Rule.EVERY_SESSION
    assert (rows["gad7"].rule, rows["gad7"].every_n, rows["gad7"].at_start, rows["gad7"].at_end) == (Rule.EVERY_N, 4, True, True)


def test_a_schedule_emptied_on_purpose_is_not_refilled_by_the_course_page(world, client):
    # given a therapist who removed every questionnaire from the schedule
    course = start_course(world)
    actions.ensure_default_schedule(course)
    for schedule in Schedule.objects.filter(course=course):
        actions.remove_schedule(actor(world.m["therapist"]), course.pk, schedule.pk)
    # when the course page and its scores are opened again
    login(client, world.m["therapist"])
    assert client.get(f"/courses/{course.pk}/").status_code == 200
    assert client.get(f"/measures/course/{course.pk}/").status_code == 200
    # then nothing came back, and "Use the default schedule" restores it on request
    assert not Schedule.objects.filter(course=course).exists()
    response = client.post(f"/measures/course/{course.pk}/schedule/default/")
    assert response.status_code == 302
    assert set(Schedule.objects.filter(course=course).values_list("instrument_code", flat=True)) == {"phq9", "gad7"}


def test_therapist_adds_a_questionnaire_every_three_sessions(world, client):
    course = start_course(world)
    MeasurePlan.objects.create(course=course, created_at=timezone.now())
    login(client, world.m["therapist"])
    response = client.post(f"/measures/course/{course.pk}/schedule/", {
        "instrument_code": "auditc", "rule": "every_n", "every_n": "3", "at_start": "on"})
    assert response.status_code == 302
    schedule = Schedule.objects.get(course=course, instrument_code="auditc")
    assert (schedule.every_n, schedule.at_start, schedule.at_end) == (3, True, False)


@pytest.mark.parametrize("data, field, words", [
    ({"instrument_code": "phq9", "rule": "every_n", "every_n": ""}, "every_n", "from 2 to 52"),
    ({"instrument_code": "phq9", "rule": "every_n", "every_n": "1"}, "every_n", "greater than or equal to 2"),
    ({"instrument_code": "nope", "rule": "every_session"}, "instrument_code", "Select a valid choice"),
    ({"instrument_code": "phq9", "rule": "dates", "dates": "2026-02-30"}, "dates", "is not a date"),
    ({"instrument_code": "phq9", "rule": "dates", "dates": ""}, "dates", "at least one date"),
    ({"instrument_code": "phq9", "rule": "dates", "dates": "1999-01-01"}, "dates", "far from this course"),
])
def test_a_bad_schedule_is_refused_beside_the_field_and_kept_in_the_form(world, client, data, field, words):
    course = start_course(world)
    MeasurePlan.objects.create(course=course, created_at=timezone.now())
    login(client, world.m["therapist"])
    response = client.post(f"/measures/course/{course.pk}/schedule/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(words in e for e in form.errors.get(field, [])), form.errors
    assert not Schedule.objects.filter(course=course).exists()


def test_the_same_questionnaire_twice_is_refused_naming_the_questionnaire(world):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    with pytest.raises(ActionError) as caught:
        actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code="phq9", rule="start_end")
    assert caught.value.field == "instrument_code"
    assert "already on this course's schedule" in caught.value.message


def test_dates_rule_keeps_each_date_once(world):
    course = start_course(world)
    today = timezone.localdate()
    schedule = actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code="phq2", rule="dates",
                                    dates=[today + timedelta(days=7), today + timedelta(days=7), today + timedelta(days=14)])
    assert [d.on for d in schedule.dates.all()] == [today + timedelta(days=7), today + timedelta(days=14)]


def test_supervisors_and_admins_only_look_at_schedules(world):
    course = start_course(world)
    for who in ("supervisor", "admin", "therapist2"):
        with pytest.raises(ActionError) as caught:
            actions.add_schedule(actor(world.m[who]), course.pk, instrument_code="phq9", rule="every_session")
        assert caught.value.code == "forbidden"
    assert not Schedule.objects.filter(course=course).exists()
