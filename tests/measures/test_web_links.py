"""The one-time link: a client fills in what is due without signing in; it works once and expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.measures import actions, link_actions
from openipt.measures.models import Administration, OneTimeLink, Source, Status
from tests.support.measures import form_data, phq9, start_course
from tests.support.people import actor, login


@pytest.fixture
def link(world):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    made, token = link_actions.create_link(actor(world.m["therapist"]), course.pk)
    return course, made, token


def test_the_link_is_shown_once_and_only_its_hash_is_stored(world, client):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    login(client, world.m["therapist"])
    response = client.post(f"/measures/course/{course.pk}/links/new/")
    page = client.get(response["Location"]).content.decode()
    assert "Copy this link now" in page
    made = OneTimeLink.objects.get()
    token = page.split("/measures/link/")[1].split("/")[0]
    assert made.token_hash != token and len(made.token_hash) == 64 and token not in str(made.__dict__)
    again = client.get(f"/measures/course/{course.pk}/").content.decode()
    assert "Copy this link now" not in again and token not in again
    assert made.due_keys == [f"c{course.pk}.s1.gad7", f"c{course.pk}.s1.phq9"]
    assert made.expires_at - made.created_at == timedelta(days=7)


def test_a_client_fills_in_everything_through_the_link_and_it_then_stops_working(world, client, link):
    course, made, token = link
    client.logout()
    start = client.get(f"/measures/link/{token}/").content.decode()
    assert "Fill in the PHQ-9" in start and "You do not need to sign in" in start
    # the PHQ-9, saved as they go, then sent: its meaning is shown at once
    key = f"c{course.pk}.s1.phq9"
    assert client.post(f"/measures/link/{token}/{key}/save/", {"q1": "1"}).json()["answered"] == 1
    result = client.post(f"/measures/link/{token}/{key}/", form_data(phq9(1, 1, 1, 1, 1, 1, 0, 0, 0)))
    body = result.content.decode()
    assert result.status_code == 200 and "Your score is 6 out of 27" in body and "Next questionnaire" in body
    # a repeat of the same answers is recorded once
    client.post(f"/measures/link/{token}/{key}/", form_data(phq9(1, 1, 1, 1, 1, 1, 0, 0, 0)))
    assert Administration.objects.filter(due_key=key).count() == 1
    # the GAD-7 finishes the link
    gad = f"c{course.pk}.s1.gad7"
    last = client.post(f"/measures/link/{token}/{gad}/", {f"q{i}": "0" for i in range(1, 8)}).content.decode()
    assert "That was everything on this link" in last
    admin = Administration.objects.get(due_key=gad)
    assert admin.source == Source.LINK and admin.link_id == made.pk and admin.entered_by is None
    assert OneTimeLink.objects.get().used_at is not None
    # the link now explains that it was used
    used = client.get(f"/measures/link/{token}/")
    assert used.status_code == 410 and "This link has already been used" in used.content.decode()
    assert client.get(f"/measures/link/{token}/{gad}/").status_code == 410


def test_an_expired_link_explains_itself(world, client, link):
    _course, made, token = link
    OneTimeLink.objects.filter(pk=made.pk).update(expires_at=timezone.now() - timedelta(minutes=1),
                                                  created_at=timezone.now() - timedelta(days=8))
    response = client.get(f"/measures/link/{token}/")
    assert response.status_code == 410 and "This link has run out" in response.content.decode()
    with pytest.raises(ActionError):
        link_actions.submit_link(token, made.due_keys[0], phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert not Administration.objects.exists()


def test_a_stopped_link_and_an_unknown_link_explain_themselves(world, client, link):
    course, made, token = link
    login(client, world.m["therapist"])
    client.post(f"/measures/course/{course.pk}/links/{made.pk}/stop/")
    client.logout()
    stopped = client.get(f"/measures/link/{token}/")
    assert stopped.status_code == 410 and "This link was stopped" in stopped.content.decode()
    unknown = client.get("/measures/link/" + "x" * 43 + "/")
    assert unknown.status_code == 404 and "This link does not work" in unknown.content.decode()


def test_a_new_link_stops_the_previous_one(world, link):
    course, first, _token = link
    link_actions.create_link(actor(world.m["therapist"]), course.pk)
    assert OneTimeLink.objects.get(pk=first.pk).revoked_at is not None


def test_nothing_due_means_no_link(world):
    course = start_course(world, first_in=timedelta(days=6))
    actions.ensure_default_schedule(course)
    with pytest.raises(ActionError) as caught:
        link_actions.create_link(actor(world.m["therapist"]), course.pk)
    assert "Nothing is due" in caught.value.message
    assert not OneTimeLink.objects.exists()


def test_a_link_covers_only_its_own_questionnaires(world, client, link):
    course, _made, token = link
    response = client.get(f"/measures/link/{token}/c{course.pk}.s2.phq9/")
    assert response.status_code == 404
    with pytest.raises(ActionError):
        link_actions.submit_link(token, f"c{course.pk}.s2.phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))


def test_a_missing_answer_through_the_link_is_named_and_kept(world, client, link):
    course, _made, token = link
    key = f"c{course.pk}.s1.phq9"
    answers = form_data(phq9(1, 1, 1, 1, 1, 1, 0, 0, 0))
    del answers["q9"]
    response = client.post(f"/measures/link/{token}/{key}/", answers)
    assert response.status_code == 200 and response.context["form"].errors["q9"] == ["Choose one answer."]
    draft = Administration.objects.get(due_key=key)
    assert draft.status == Status.IN_PROGRESS and draft.answers["q1"] == 1


def test_only_the_care_team_makes_links(world, link):
    course, _made, _token = link
    for who in ("supervisor", "admin", "therapist2"):
        with pytest.raises(ActionError):
            link_actions.create_link(actor(world.m[who]), course.pk)
