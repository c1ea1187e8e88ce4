"""Demo courses at every phase and status, loaded once; synthetic courses in bulk."""

from __future__ import annotations

import pytest

from openipt.audit.actions import verify_chain
from openipt.clients.models import Client
from openipt.courses.models import Course, GoalRating, Session, SessionNote
from openipt.seed import demo, synth


def _counts():
    return (Course.objects.count(), Session.objects.count(), SessionNote.objects.count(), GoalRating.objects.count())


@pytest.mark.slow
def test_the_demo_has_courses_at_every_phase_and_status_in_several_formats_and_loads_once(db, client):
    world = demo.load_demo()
    first = _counts()
    demo.load_demo()
    assert _counts() == first
    courses = Course.objects.filter(organisation=world.organisation).exclude(format_id="group")  # group courses: tests/groups
    assert set(courses.values_list("status", flat=True)) == {"planned", "active", "completed", "ended_early", "maintenance"}
    assert set(courses.filter(status="active").values_list("phase", flat=True)) == {"initial", "middle", "termination"}
    assert len(set(courses.values_list("format_id", flat=True))) >= 5
    assert SessionNote.objects.filter(status="signed").count() > 10 and GoalRating.objects.exists()
    assert verify_chain().ok
    # and the pages of every demo course render for the demo therapist
    client.post("/account/login/", {"username": "therapist", "password": demo.DEMO_PASSWORD})
    for course in courses:
        assert client.get(f"/courses/{course.pk}/").status_code == 200
        for number in course.sessions.values_list("number", flat=True):
            assert client.get(f"/courses/{course.pk}/sessions/{number}/").status_code == 200


@pytest.mark.slow
def test_the_demo_middle_phase_course_shows_its_position(db, client):
    demo.load_demo()
    amara = Client.objects.get(given_name="Amara", family_name="Haddad")
    course = Course.objects.get(client=amara)
    client.post("/account/login/", {"username": "therapist", "password": demo.DEMO_PASSWORD})
    page = client.get(f"/courses/{course.pk}/").content.decode()
    assert "Session 5 of 12 · middle phase · 7 left · planned last session" in page


@pytest.mark.slow
def test_synthetic_courses_cover_active_clients_across_formats_and_phases(db):
    world = synth.generate(600, seed=5)
    courses = Course.objects.filter(organisation=world.organisation).exclude(format_id="group")  # group courses: tests/groups
    active = Client.objects.filter(organisation=world.organisation, status="active").count()
    assert courses.count() == active == len(world.course_ids)
    assert len(set(courses.values_list("format_id", flat=True))) >= 5
    assert set(courses.values_list("phase", flat=True)) == {"initial", "middle", "termination"}
    assert Session.objects.filter(course__organisation=world.organisation, attendance="did_not_attend").exists()
    assert SessionNote.objects.filter(session__course__organisation=world.organisation).exists()
    assert not courses.exclude(therapist__assignments__client=models_client_ref()).exists()


def models_client_ref():
    from django.db.models import F

    return F("client")
