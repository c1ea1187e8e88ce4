"""Staff enter paper forms and clinician ratings: every item answered or marked blank, the rule decides the total."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.measures import actions
from openipt.measures.actions import AnswersError
from openipt.measures.models import Administration, Source, Status
from tests.support.measures import phq9, start_course
from tests.support.people import actor, login


def _post(client, course, instrument, answers, *, session="1", day=None):
    data = {"instrument_code": instrument, "session_number": session,
            "completed_on": (day or timezone.localdate()).isoformat()}
    data.update(answers)
    return client.post(f"/measures/course/{course.pk}/enter/", data)


def test_a_therapist_enters_a_paper_phq9_with_one_answer_left_blank(world, client):
    # given a paper PHQ-9 with item 3 left blank
    course = start_course(world)
    login(client, world.m["therapist"])
    answers = {f"q{i}": "2" for i in range(1, 10)}
    answers.update(q3="blank", q9="0", difficulty="1")
    # when it is entered for session 1
    response = _post(client, course, "phq9", answers)
    # then the total is prorated by the instrument's rule (8 items: 14 -> 14 * 9 / 8 = 15.75 -> 16)
    assert response.status_code == 302
    admin = Administration.objects.get()
    assert (admin.total, admin.prorated, admin.band, admin.source) == (16, True, "moderately_severe", Source.STAFF)
    assert admin.answers["q3"] is None and admin.entered_by == world.m["therapist"] and admin.entered_by_role == "therapist"
    page = client.get(response["Location"]).content.decode()
    assert "estimated from the answers given" in page and "No answer" in page


def test_three_blanks_give_no_total_but_the_answers_are_kept(world, client):
    course = start_course(world)
    login(client, world.m["therapist"])
    answers = {f"q{i}": "1" for i in range(1, 10)}
    answers.update(q1="blank", q2="blank", q3="blank", difficulty="blank")
    assert _post(client, course, "phq9", answers).status_code == 302
    admin = Administration.objects.get()
    assert admin.total is None and admin.band == "" and admin.answers["q4"] == 1


def test_a_question_with_no_choice_is_refused_beside_it(world, client):
    course = start_course(world)
    login(client, world.m["therapist"])
    answers = {f"q{i}": "1" for i in range(1, 9)}
    answers["difficulty"] = "0"
    response = _post(client, course, "phq9", answers)  # q9 missing
    assert response.status_code == 200
    assert "Left blank" in response.context["answers"].errors["q9"][0]
    assert not Administration.objects.exists()


def test_a_clinician_rates_the_hamd(world, client):
    course = start_course(world)
    login(client, world.m["therapist"])
    page = client.get(f"/measures/course/{course.pk}/enter/?instrument_code=hamd17&session_number=1"
                      f"&completed_on={timezone.localdate().isoformat()}").content.decode()
    assert "Hamilton Rating Scale for Depression" in page and "Depressed mood" in page
    answers = {f"q{i}": "1" for i in range(1, 18)}
    assert _post(client, course, "hamd17", answers).status_code == 302
    admin = Administration.objects.get()
    assert admin.instrument_code == "hamd17" and admin.total == 17 and admin.band


def test_the_same_questionnaire_for_the_same_session_is_refused_naming_the_session(world):
    course = start_course(world)
    data = dict(instrument_code="phq9", session_number=1, completed_on=timezone.localdate(),
                answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0))
    actions.enter_paper(actor(world.m["therapist"]), course.pk, **data)
    with pytest.raises(ActionError) as caught:
        actions.enter_paper(actor(world.m["therapist"]), course.pk, **data)
    assert caught.value.field == "session_number" and "already recorded" in caught.value.message
    assert Administration.objects.count() == 1


def test_a_paper_form_completes_the_clients_unfinished_answers(world):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    key = f"c{course.pk}.s1.phq9"
    actions.save_portal_draft(actor(world.m["client"]), key, {"q1": 3})
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=1,
                        completed_on=timezone.localdate(), answers=phq9(0, 0, 0, 0, 0, 0, 0, 0, 0, difficulty=0))
    admin = Administration.objects.get(due_key=key)
    assert admin.status == Status.COMPLETED and admin.total == 0 and admin.source == Source.STAFF


@pytest.mark.parametrize("day, words", [
    (timedelta(days=1), "cannot be in the future"),
    (timedelta(days=-4 * 365), "more than three years ago"),
])
def test_a_wrong_date_is_refused_beside_the_date(world, client, day, words):
    course = start_course(world)
    login(client, world.m["therapist"])
    answers = {f"q{i}": "1" for i in range(1, 10)}
    answers["difficulty"] = "1"
    response = _post(client, course, "phq9", answers, day=timezone.localdate() + day)
    assert response.status_code == 200
    assert any(words in e for e in response.context["chooser"].errors["completed_on"])
    assert not Administration.objects.exists()


def test_a_session_the_course_does_not_have_is_refused(world):
    course = start_course(world)
    with pytest.raises(ActionError) as caught:
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=9,
                            completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0))
    assert caught.value.field == "session_number"


def test_an_unknown_instrument_is_refused_naming_the_field(world):
    course = start_course(world)
    with pytest.raises(ActionError) as caught:
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="epds", session_number=None,
                            completed_on=timezone.localdate(), answers={})
    assert caught.value.field == "instrument_code"
    with pytest.raises(AnswersError) as caught:
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="gad7", session_number=None,
                            completed_on=timezone.localdate(), answers={"q1": 1})
    assert "q2" in caught.value.errors


def test_entries_not_tied_to_a_session_can_repeat(world):
    course = start_course(world)
    for _ in range(2):
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="auditc", session_number=None,
                            completed_on=timezone.localdate(), answers={"q1": 1, "q2": 0, "q3": 0})
    assert Administration.objects.filter(instrument_code="auditc", due_key="").count() == 2


def test_the_sex_recorded_chooses_the_auditc_cut_off(world):
    # Maya has no sex recorded: the lower cut-off (3) is used and the sex is stored as unknown
    course = start_course(world)
    admin = actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="auditc", session_number=None,
                                completed_on=timezone.localdate(), answers={"q1": 1, "q2": 1, "q3": 1})
    assert (admin.total, admin.screen_positive, admin.screen_cutoff, admin.sex_used) == (3, True, 3, "")


def test_only_assigned_care_staff_enter_forms(world, client):
    course = start_course(world)
    for who in ("supervisor", "admin"):
        login(client, world.m[who])
        assert client.get(f"/measures/course/{course.pk}/enter/").status_code == 403
    login(client, world.m["therapist2"])
    assert client.get(f"/measures/course/{course.pk}/enter/").status_code == 404


def test_a_paper_phq9_with_item_nine_above_zero_raises_an_alert(world, client):
    """HAZ-005: a safety answer on paper raises the same alert as one given in the portal."""
    from openipt.safety.models import Alert

    course = start_course(world)
    login(client, world.m["therapist"])
    answers = {f"q{i}": "1" for i in range(1, 9)}
    answers.update(q9="2", difficulty="1")
    assert _post(client, course, "phq9", answers).status_code == 302
    alert = Alert.objects.get(client=world.clients["mine"])
    assert alert.rule_id == "phq9_item9_positive" and alert.severity == "high"
