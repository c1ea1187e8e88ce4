"""The Today page: what each role sees, what it never sees, and that each empty section says so."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openipt.clients.actions import set_signal
from openipt.courses import session_actions
from openipt.courses.models import Session
from openipt.measures import actions as measure_actions
from openipt.safety import api as safety_api
from tests.support.groups import group
from tests.support.measures import phq9
from tests.support.people import actor, login
from tests.today.support import course_today


def _page(client, membership):
    login(client, membership)
    response = client.get("/today/")
    assert response.status_code == 200
    return response.content.decode()


def test_staff_land_on_today_after_sign_in_and_admins_on_the_caseload(world, client):
    for role in ("therapist", "facilitator", "supervisor"):
        login(client, world.m[role])
        assert client.get("/")["Location"] == "/today/", role
    login(client, world.m["admin"])
    assert client.get("/")["Location"] == "/clients/"


def test_today_is_in_the_main_menu(world, client):
    html = _page(client, world.m["therapist"])
    assert 'href="/today/"' in html and 'href="/today/week/"' in html


def test_an_empty_day_says_so_in_every_section(world, client):
    html = _page(client, world.m["therapist"])
    for words in ("You have no sessions or group meetings today.", "No open alerts.",
                  "you have looked at every questionnaire", "Every note of a session you held is signed.",
                  "Every client's scores are on track.", "You have read every message from your clients."):
        assert words in html


def test_a_therapist_sees_only_their_own_caseload(world, client):
    mine = course_today(world, hour=9)
    course_today(world, who="therapist2", client="theirs", hour=11)
    safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    safety_api.raise_for_text(client=world.clients["theirs"], text="I want to kill myself", source="test")
    safety_api.raise_for_text(client=world.clients["other"], text="I want to kill myself", source="test")
    set_signal(world.clients["mine"].pk, "measures", 2, "PHQ-9: not on track")
    set_signal(world.clients["theirs"].pk, "measures", 1, "PHQ-9: worse than expected")
    html = _page(client, world.m["therapist"])
    assert f"/courses/{mine.pk}/sessions/1/" in html and "09:00" in html
    assert "Maya Okafor" in html and "PHQ-9: not on track" in html
    assert "Noah Berg" not in html and "worse than expected" not in html  # another therapist's client
    assert "Olu Far" not in html  # another organisation


def test_an_alert_stays_on_today_until_someone_acts_and_shows_while_acknowledged(world, client):
    [alert] = safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    assert f"/safety/alerts/{alert.pk}/" in _page(client, world.m["therapist"])
    from openipt.safety import actions as safety_actions

    safety_actions.acknowledge(actor(world.m["therapist"]), alert.pk)
    html = _page(client, world.m["therapist"])
    assert f"/safety/alerts/{alert.pk}/" in html and "acknowledged, not yet resolved" in html


def test_a_supervisor_sees_the_team_and_no_one_else(world, client):
    safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    safety_api.raise_for_text(client=world.clients["theirs"], text="I want to kill myself", source="test")
    set_signal(world.clients["mine"].pk, "measures", 1, "PHQ-9: worse than expected")
    html = _page(client, world.m["supervisor"])
    assert "Maya Okafor" in html  # a client of the therapist they supervise
    assert "Noah Berg" not in html and "Olu Far" not in html


def test_a_facilitator_sees_today_s_group_meeting(world, client):
    grp = group(world)  # session 1 is today at 10:00
    html = _page(client, world.m["facilitator"])
    assert f"/groups/{grp.pk}/sessions/1/" in html and "Tuesday group" in html
    assert "Tuesday group" not in _page(client, world.m["therapist"])


def test_a_returned_questionnaire_shows_until_the_therapist_opens_it(world, client):
    course = course_today(world, client="self")
    measure_actions.ensure_default_schedule(course)
    sent = measure_actions.submit_portal(actor(world.m["client"]), f"c{course.pk}.s1.phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    html = _page(client, world.m["therapist"])
    answers = f"/measures/answers/{sent.administration.uuid}/"
    assert answers in html and "Sam Client: PHQ-9" in html
    assert client.get(answers).status_code == 200
    assert answers not in _page(client, world.m["therapist"])
    assert answers not in _page(client, world.m["therapist2"])


def test_a_held_session_without_a_signed_note_is_listed_to_sign(world, client):
    course = course_today(world)
    Session.objects.filter(course=course, number=1).update(scheduled_start=timezone.now() - timedelta(hours=2))
    session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "attended")
    html = _page(client, world.m["therapist"])
    assert f"/courses/{course.pk}/sessions/1/#note" in html and "not started" in html
    assert "#note" not in _page(client, world.m["therapist2"])


def test_the_admin_sees_alerts_and_off_track_clients_of_their_organisation_only(world, client):
    safety_api.raise_for_text(client=world.clients["theirs"], text="I want to kill myself", source="test")
    safety_api.raise_for_text(client=world.clients["other"], text="I want to kill myself", source="test")
    html = _page(client, world.m["admin"])
    assert "Noah Berg" in html and "Olu Far" not in html
    assert "Sessions today" not in html


def test_a_client_may_not_open_today(world, client):
    login(client, world.m["client"])
    assert client.get("/today/").status_code == 403


def test_a_cut_list_says_that_more_are_waiting(world, client, monkeypatch):
    from openipt.today import queries

    monkeypatch.setattr(queries, "LIST_SHOWN", 1)
    set_signal(world.clients["mine"].pk, "measures", 2, "PHQ-9: not on track")
    set_signal(world.clients["self"].pk, "measures", 1, "PHQ-9: worse than expected")
    html = _page(client, world.m["therapist"])
    assert "not on track" in html and "worse than expected" not in html
    assert "More clients need attention" in html
