"""List pages run the same number of queries whatever the amount of data.

Each case measures a page with a little data and with much more, and the two
counts must match. The counts themselves are reported by `make bench`.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.accounts.models import Role
from tests.support.people import login, make_client, make_member


def _count(client, url):
    client.get(url)  # warm up: the first request of a session also stores the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, n):
    for i in range(n):
        make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Grow{i}")
    for _ in range(n // 5):
        make_member(world.org, Role.THERAPIST, supervisor=world.m["supervisor"])


@pytest.mark.parametrize(
    "who, url",
    [
        ("therapist", "/clients/"),
        ("therapist", "/clients/?q=grow&sort=-updated"),
        ("supervisor", "/clients/"),
        ("admin", "/clients/?status=active"),
        ("admin", "/audit/"),
        ("admin", "/account/people/"),
    ],
)
def test_list_pages_do_not_grow_their_queries_with_the_data(world, client, who, url):
    login(client, world.m[who])
    _grow(world, 1)
    small = _count(client, url)
    _grow(world, 40)
    large = _count(client, url)
    assert large == small, f"{url} ran {small} queries with little data and {large} with more"


def test_the_client_record_page_does_not_grow_with_its_care_team(world, client):
    from openipt.clients.actions import assign_staff
    from tests.support.people import actor

    target = world.clients["mine"]
    login(client, world.m["admin"])
    small = _count(client, f"/clients/{target.pk}/")
    for _ in range(6):
        extra = make_member(world.org, Role.THERAPIST)
        assign_staff(actor(world.m["admin"]), target.pk, extra.pk)
    large = _count(client, f"/clients/{target.pk}/")
    assert large == small


def _grow_today(world, n, start):
    """`n` more clients of the therapist, each with a session today, a held session with no note, an open
    alert, a not-on-track signal and a questionnaire sent back from the portal; and `n` more groups."""
    from datetime import timedelta

    from django.utils import timezone

    from openipt.clients.actions import link_portal_user, set_signal
    from openipt.courses import session_actions
    from openipt.courses.models import Session
    from openipt.measures import actions as measure_actions
    from openipt.safety import api as safety_api
    from tests.support.groups import group, programme
    from tests.support.measures import phq9
    from tests.support.people import actor
    from tests.today.support import course_today

    for i in range(start, start + n):
        person = make_member(world.org, Role.CLIENT)
        record = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Day{i}")
        link_portal_user(record, person.user)
        world.clients[f"day{i}"] = record
        course = course_today(world, client=f"day{i}", hour=8 + i % 9)
        Session.objects.filter(course=course, number=1).update(scheduled_start=timezone.now() - timedelta(days=1))
        session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "attended")
        session_actions.add_session(actor(world.m["therapist"]), course.pk, when=timezone.now() + timedelta(minutes=5),
                                    duration=50, mode="video")
        measure_actions.ensure_default_schedule(course)
        measure_actions.submit_portal(actor(person), f"c{course.pk}.s1.phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
        safety_api.raise_for_text(client=record, text="I want to kill myself", source="test")
        set_signal(record.pk, "measures", 1 + i % 2, "PHQ-9: not on track")
        group(world, programme(world, name=f"Programme {i}"), name=f"Group {i}")


@pytest.mark.parametrize("who, url", [("therapist", "/today/"), ("facilitator", "/today/"), ("supervisor", "/today/"),
                                      ("admin", "/today/"), ("therapist", "/today/week/"), ("facilitator", "/today/week/")])
def test_today_and_the_week_do_not_grow_their_queries_with_the_data(world, client, who, url):
    login(client, world.m[who])
    _grow_today(world, 1, 0)
    small = _count(client, url)
    _grow_today(world, 6, 1)
    large = _count(client, url)
    assert large == small, f"{url} ran {small} queries with little data and {large} with more"
    assert ("Group 6" if who == "facilitator" else "Day6") in client.get(url).content.decode()  # the new data shows


def test_the_retention_list_does_not_grow_with_the_records_past_the_period(world, client):
    """Every client's last contact (its own change, courses, sessions, questionnaires, messages...) is read in the
    one query of the list, however many records are past the period."""
    from datetime import timedelta

    from django.utils import timezone

    from openipt.clients import record_actions
    from openipt.clients.models import Client
    from tests.support.people import actor

    record_actions.set_retention(actor(world.m["admin"]), 2)
    login(client, world.m["admin"])

    def age_everyone():
        Client.objects.filter(organisation=world.org).update(updated_at=timezone.now() - timedelta(days=365 * 3))

    _grow(world, 1)
    age_everyone()
    small = _count(client, "/clients/retention/")
    _grow(world, 40)
    age_everyone()
    large = _count(client, "/clients/retention/")
    assert large == small
    assert client.get("/clients/retention/").context["page"].paginator.count == Client.objects.filter(
        organisation=world.org).count()
