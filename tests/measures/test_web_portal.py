"""A client fills in a questionnaire in the portal: saved as they go, sent once, and explained in plain words."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.measures import actions
from openipt.measures.actions import AnswersError
from openipt.measures.models import Administration, Source, Status
from tests.support.measures import form_data, phq9, start_course
from tests.support.people import actor, login


@pytest.fixture
def due_phq9(world):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    return course, f"c{course.pk}.s1.phq9"


def test_the_portal_lists_what_is_due_and_the_client_sees_what_the_answers_mean(world, client, due_phq9):
    course, key = due_phq9
    login(client, world.m["client"])
    # the portal shows the questionnaires due before session 1
    portal = client.get("/me/").content.decode()
    assert "Fill in the PHQ-9" in portal and "Fill in the GAD-7" in portal
    # every question is on the page, with its published wording and answers
    page = client.get(f"/measures/me/{key}/").content.decode()
    assert "Question 1 of 10" in page and "Little interest or pleasure in doing things" in page
    assert "More than half the days" in page
    # when the client sends answers adding up to 12 (moderate)
    response = client.post(f"/measures/me/{key}/", form_data(phq9(2, 2, 1, 2, 1, 1, 2, 1, 0, difficulty=1)))
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    # then they read the score, the band's meaning in plain words, and that it is not a diagnosis
    assert "Your score is 12 out of 27" in result
    assert "Your answers show a fair amount of depression" in result
    assert "This is not a diagnosis" in result
    assert "call your local emergency number" not in result
    admin = Administration.objects.get(due_key=key)
    assert (admin.status, admin.total, admin.band, admin.source) == (Status.COMPLETED, 12, "moderate", Source.PORTAL)
    assert admin.answers["difficulty"] == 1 and admin.answers["q9"] == 0
    assert admin.instrument_version.startswith("Pfizer form")


def test_answers_are_saved_as_the_client_goes_and_come_back_when_the_page_is_reopened(world, client, due_phq9):
    _course, key = due_phq9
    login(client, world.m["client"])
    saved = client.post(f"/measures/me/{key}/save/", {"q1": "2", "q2": "3"})
    assert saved.status_code == 200 and saved.json()["answered"] == 2
    client.post(f"/measures/me/{key}/save/", {"q1": "1", "q3": "0"})
    draft = Administration.objects.get(due_key=key)
    assert draft.status == Status.IN_PROGRESS
    assert {k: v for k, v in draft.answers.items() if v is not None} == {"q1": 1, "q2": 3, "q3": 0}
    page = client.get(f"/measures/me/{key}/").content.decode()
    assert 'name="q2" id="id_q2_3" value="3" checked' in page


def test_an_empty_save_stores_nothing(world, client, due_phq9):
    _course, key = due_phq9
    login(client, world.m["client"])
    assert client.post(f"/measures/me/{key}/save/", {}).json()["answered"] == 0
    assert not Administration.objects.exists()


def test_a_missing_answer_is_named_beside_its_question_and_nothing_else_is_lost(world, client, due_phq9):
    _course, key = due_phq9
    login(client, world.m["client"])
    answers = form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    del answers["q4"]
    response = client.post(f"/measures/me/{key}/", answers)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["q4"] == ["Choose one answer."]
    body = response.content.decode()
    assert "Question 4</a>: Choose one answer." in body
    assert 'name="q5" id="id_q5_1" value="1" checked' in body  # what was chosen stays chosen
    draft = Administration.objects.get(due_key=key)
    assert draft.status == Status.IN_PROGRESS and draft.answers["q5"] == 1 and draft.answers["q4"] is None


def test_an_answer_out_of_range_is_refused_beside_its_question(world, client, due_phq9):
    _course, key = due_phq9
    login(client, world.m["client"])
    answers = form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    answers["q2"] = "7"
    response = client.post(f"/measures/me/{key}/", answers)
    assert response.status_code == 200
    assert response.context["form"].errors["q2"] == ["Choose one of the answers shown."]
    assert not Administration.objects.filter(status=Status.COMPLETED).exists()


def test_the_action_refuses_an_unknown_item_or_value_naming_it(world, due_phq9):
    _course, key = due_phq9
    with pytest.raises(AnswersError) as caught:
        actions.save_portal_draft(actor(world.m["client"]), key, {"q99": 1})
    assert caught.value.field == "q99"
    with pytest.raises(AnswersError) as caught:
        actions.submit_portal(actor(world.m["client"]), key, {**phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), "q3": 4})
    assert caught.value.field == "q3"
    with pytest.raises(AnswersError) as caught:
        actions.submit_portal(actor(world.m["client"]), key, {**phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), "q3": "2"})
    assert caught.value.field == "q3"
    assert not Administration.objects.exists()


def test_sending_twice_records_the_answers_once(world, client, due_phq9):
    _course, key = due_phq9
    login(client, world.m["client"])
    data = {**form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)), "submission_key": "abc123"}
    first = client.post(f"/measures/me/{key}/", data)
    again = client.post(f"/measures/me/{key}/", data)  # a double click: same form
    other = client.post(f"/measures/me/{key}/", {**data, "submission_key": "zzz999", "q1": "3"})  # a resend
    assert first["Location"] == again["Location"] == other["Location"]
    assert Administration.objects.filter(due_key=key).count() == 1
    assert Administration.objects.get(due_key=key).total == 8
    again_action = actions.submit_portal(actor(world.m["client"]), key, phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))
    assert not again_action.created and again_action.administration.total == 8


def test_a_safety_answer_shows_a_calm_message_and_raises_an_alert_in_the_same_transaction(world, client, due_phq9):
    from openipt.safety.models import Alert

    _course, key = due_phq9
    login(client, world.m["client"])
    response = client.post(f"/measures/me/{key}/", form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 1)))
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for telling us how you feel" in page
    assert "Your therapist has been told about this answer" in page
    assert "call your local emergency number now" in page
    # one red box (the crisis box every client page shows), and one tense: the therapist has been told
    assert page.count("oi-alert--error") == 1 and "will be told" not in page
    admin = Administration.objects.get(due_key=key)
    assert admin.safety_followup and admin.flags == [{"item": "q9", "value": 1, "score": 1, "threshold": 1}]
    assert Alert.objects.filter(client=world.clients["self"]).exists()


def test_after_a_safety_answer_the_result_page_and_home_show_one_red_box_and_each_crisis_contact_once(
        world, client, due_phq9):
    from openipt.safety import settings_actions

    settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": "Riverbank Crisis Line",
                                                           "phone": "0800 000 111", "order": 1})
    _course, key = due_phq9
    login(client, world.m["client"])
    # when the client answers question 9 with "several days"
    response = client.post(f"/measures/me/{key}/", form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 1)))
    # then the result page has one red box, and it lists the crisis line once
    result = client.get(response["Location"]).content.decode()
    assert result.count("oi-alert--error") == 1 and result.count("Riverbank Crisis Line") == 1
    # and so does their home page (issue 14, defect 17)
    home = client.get("/me/").content.decode()
    assert home.count("oi-alert--error") == 1 and home.count("Riverbank Crisis Line") == 1


def test_a_safety_answer_raises_an_alert_when_saved_even_if_the_questionnaire_is_never_sent(world, client, due_phq9):
    """HAZ-005: the answer to item 9 counts the moment it is saved, not only when the client presses Send."""
    from openipt.safety.models import Alert

    _course, key = due_phq9
    login(client, world.m["client"])
    # the client answers the first questions: nothing to worry about yet
    client.post(f"/measures/me/{key}/save/", {"q1": "1", "q2": "1"})
    assert not Alert.objects.filter(client=world.clients["self"]).exists()
    # then answers item 9 "several days" and closes the page without sending
    client.post(f"/measures/me/{key}/save/", {"q9": "1"})
    alert = Alert.objects.get(client=world.clients["self"])
    assert alert.rule_id == "phq9_item9_positive" and alert.status == "raised"
    # more answers saved afterwards do not add evidence or a second alert
    client.post(f"/measures/me/{key}/save/", {"q3": "0"})
    assert Alert.objects.filter(client=world.clients["self"]).count() == 1
    evidence_before = len(Alert.objects.get(pk=alert.pk).evidence)
    # and sending the questionnaire later adds to the same open alert instead of raising a second
    client.post(f"/measures/me/{key}/", form_data(phq9(1, 1, 0, 0, 0, 0, 0, 0, 1)))
    assert Alert.objects.filter(client=world.clients["self"]).count() == 1
    assert len(Alert.objects.get(pk=alert.pk).evidence) >= evidence_before


def test_a_client_cannot_fill_in_someone_elses_questionnaire(world, client):
    other = start_course(world, "mine")
    actions.ensure_default_schedule(other)
    login(client, world.m["client"])
    key = f"c{other.pk}.s1.phq9"
    assert client.get(f"/measures/me/{key}/").status_code == 404
    assert client.post(f"/measures/me/{key}/", form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))).status_code == 404
    assert client.post(f"/measures/me/{key}/save/", {"q1": "1"}).status_code == 404
    with pytest.raises(ActionError):
        actions.submit_portal(actor(world.m["client"]), key, phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    assert not Administration.objects.exists()


@pytest.mark.parametrize("key", ["c1.s1.unknown", "nonsense", "c1.s0.phq9", "c1.d20261399.phq9", "c1.s1.hamd17"])
def test_an_unknown_or_malformed_questionnaire_explains_itself(world, client, due_phq9, key):
    login(client, world.m["client"])
    response = client.get(f"/measures/me/{key}/")
    assert response.status_code == 404
    assert "This questionnaire is not waiting for you" in response.content.decode()


def test_clinician_rated_questionnaires_are_never_given_to_clients(world):
    course = start_course(world, "self")
    actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code="hamd17", rule="every_session")
    assert actions.open_item_for_client(world.clients["self"], f"c{course.pk}.s1.hamd17") is None


def test_the_result_page_belongs_to_its_client(world, client, due_phq9):
    _course, key = due_phq9
    out = actions.submit_portal(actor(world.m["client"]), key, phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))
    login(client, world.m["client"])
    page = client.get(f"/measures/me/answers/{out.administration.uuid}/").content.decode()
    assert "Your answers show few or no signs of depression right now." in page
    login(client, world.m["therapist"])
    assert client.get(f"/measures/me/answers/{out.administration.uuid}/").status_code == 403


def test_completion_time_is_recorded(world, due_phq9):
    _course, key = due_phq9
    before = timezone.now()
    out = actions.submit_portal(actor(world.m["client"]), key, phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert out.administration.completed_at >= before
    assert out.administration.started_at <= out.administration.completed_at
