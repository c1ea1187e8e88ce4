"""Portal and staff pages about between-session work run the same number of queries with little and much data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.practice import actions, rehearsal_actions, worksheet_actions
from tests.support.people import login
from tests.support.practice import start_course

TOPICS = ["sick_role", "mood_relationships", "area_disagreements", "depression_treatable", "ending_sessions",
          "area_grief", "area_life_changes", "area_loneliness"]


def _count(client, url):
    client.get(url)  # warm up: the first request of a session also stores the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, me, therapist, n, talk):
    """Add n of everything: reading, questions, log entries, worksheets (with comments), messages, rehearsals."""
    own = world.clients["self"]
    assigned = set(own.readings.values_list("topic_id", flat=True))
    for topic_id in [t for t in TOPICS if t not in assigned][:n]:
        reading = actions.assign_reading(therapist, own.pk, topic_id)
        actions.ask_question(me, reading.pk, "What does this mean for me?")
    for i in range(n):
        actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": f"Friend {i}",
                                   "what_happened": "We met for tea.", "feeling": "Glad", "mood": 6})
        sheet = worksheet_actions.start_worksheet(me, "decision_analysis")
        worksheet_actions.save_worksheet(me, sheet.pk, {"decision": "Move or stay"}, expected_version=sheet.version,
                                         share=True)
        worksheet_actions.add_comment(therapist, own.pk, "Thank you.", worksheet_id=sheet.pk)
        rehearsal_actions.start_rehearsal(me, "coffee_colleague")
    for _ in range(n):
        if talk.steps >= 6:
            break
        rehearsal_actions.send_message(me, talk.pk, "Okay.", expected_steps=talk.steps)
        talk.refresh_from_db()


@pytest.mark.parametrize("who, path", [
    ("client", "/me/"),
    ("client", "/me/reading/"),
    ("client", "/me/log/"),
    ("client", "/me/worksheets/"),
    ("client", "/me/practise/"),
    ("client", "/me/practise/{talk}/"),
    ("therapist", "/me/care/{client}/"),
    ("therapist", "/me/care/{client}/log/"),
    ("therapist", "/me/care/{client}/practise/{talk}/"),
    ("supervisor", "/me/care/{client}/"),
    ("therapist", "/courses/{course}/"),
])
def test_between_session_pages_do_not_grow_their_queries(world, client, me, therapist, who, path):
    course = start_course(world)
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    url = path.format(talk=talk.pk, client=world.clients["self"].pk, course=course.pk)
    login(client, world.m[who])
    _grow(world, me, therapist, 1, talk)
    small = _count(client, url)
    _grow(world, me, therapist, 6, talk)
    large = _count(client, url)
    assert large == small, f"{url} ran {small} queries with little data and {large} with more"
