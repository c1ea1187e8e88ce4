"""The portal home: where the client is in their course, what is next, and what there is to do (the portal app)."""

from __future__ import annotations

import re

from django.utils import timezone

from openipt.practice import actions
from tests.support.people import login
from tests.support.practice import start_course


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_portal_shows_the_course_in_plain_words(world, client, therapist):
    # given a client in session 2 of a 12-session course about a dispute, with a goal rated and a task to try
    course = start_course(world, area="role_dispute", stage="renegotiation", held=1, next_in_days=3)
    actions.assign_reading(therapist, world.clients["self"].pk, "area_disagreements")
    login(client, world.m["client"])
    # when they open their portal
    response = client.get("/me/")
    text = _text(response)
    # then they see where they are, the next session, the phase and focus in plain words
    assert response.status_code == 200
    assert "Session 2 of 12" in text
    nxt = timezone.localtime(course.sessions.get(number=2).scheduled_start)
    assert f"Next session: {nxt:%A} {nxt.day} {nxt:%B}, 10:00 · Video" in text
    assert "The main part: working on the people and the changes you chose together." in text
    assert "What we are working on: disagreements." in text
    # their goal with its latest rating, the tasks from the last signed note, and the reading assigned
    assert "Talk with Dan calmly about the housework 3 out of 10 at session 1" in text
    assert "Ask Dan to do the dishes on weeknights" in text and "Call my sister" in text
    assert "Disagreements: when things are hard with someone close" in text
    # and no staff wording
    assert "middle phase" not in text.lower()


def test_the_portal_without_a_course_says_so(world, client):
    login(client, world.m["client"])
    text = _text(client.get("/me/"))
    assert "Your sessions have not been set up yet." in text


def test_a_finished_course_has_no_next_session_or_tasks(world, client, therapist):
    from openipt.courses.models import Course

    course = start_course(world, held=1)
    Course.objects.filter(pk=course.pk).update(status="completed", ended_on=timezone.localdate())
    login(client, world.m["client"])
    text = _text(client.get("/me/"))
    assert "Your course of sessions has finished." in text
    assert "Next session:" not in text and "What you planned to try" not in text


def test_clients_get_their_own_navigation_and_staff_do_not(world, client):
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    for label, url in [("My course", "/me/"), ("Reading", "/me/reading/"), ("My log", "/me/log/"),
                       ("Worksheets", "/me/worksheets/"), ("Practise", "/me/practise/"), ("Reminders", "/me/reminders/")]:
        assert f'href="{url}"' in page and label in page
    login(client, world.m["therapist"])
    page = client.get("/clients/").content.decode()
    assert 'href="/me/practise/"' not in page


def test_every_portal_form_works_without_javascript(world, client, me, therapist):
    # given a client with something on every page
    from openipt.practice import rehearsal_actions, worksheet_actions

    start_course(world)
    reading = actions.assign_reading(therapist, world.clients["self"].pk, "sick_role")
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    login(client, world.m["client"])
    for url in ["/me/", "/me/reading/", f"/me/reading/{reading.pk}/", "/me/log/", "/me/worksheets/",
                f"/me/worksheets/{sheet.pk}/", "/me/practise/", f"/me/practise/{talk.pk}/", "/me/reminders/"]:
        page = client.get(url).content.decode()
        # then every form posts to the server with a real submit button (htmx only adds autosave)
        for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
            assert 'method="post"' in form, (url, form[:200])
            assert re.search(r'<button[^>]*type="submit"|<button(?![^>]*type=)', form), (url, form[:200])
        assert "<script>" not in page and " style=" not in page, url
