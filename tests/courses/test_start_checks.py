"""Checks before a course starts treatment, and the initial-phase screening for what IPT alone does not treat.

Controls HAZ-019 in docs/clinical-safety/hazard-log.md: a course does not leave its initial phase
until the conditions IPT alone does not treat, and the need for medication, were asked about and decided.
"""

from __future__ import annotations

import pytest

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.courses import actions, screening_actions, start_checks
from openipt.courses.models import ScreeningAnswer
from openipt.protocol import default_protocol
from tests.support.courses import make_ready_for_middle, start
from tests.support.pages import text
from tests.support.people import actor

TOPICS = ("psychosis", "bipolar", "substance", "cognitive", "medication")


def post_for(topics, decision="proceed", answer="Asked; nothing found."):
    data = {}
    for t in topics:
        data[f"{t}-answer"] = answer
        data[f"{t}-decision"] = decision
    return data


def test_every_format_screens_in_its_initial_phase_and_every_named_check_is_registered():
    for fmt in default_protocol().formats():
        assert "initial_screening" in fmt.start_checks, fmt.id
        assert {"psychosis", "bipolar", "substance", "cognitive", "medication"} <= set(fmt.screening_topics), fmt.id
        for check_id in fmt.start_checks:
            assert check_id in start_checks.CHECKS, (fmt.id, check_id)
    adolescents = default_protocol().format("ipt_a")
    assert {"intellectual_disability", "safeguarding"} <= set(adolescents.screening_topics)
    assert "partner_safety_screen" in default_protocol().format("couples").start_checks


def test_a_check_the_content_names_but_nothing_registered_keeps_the_course_from_starting(world):
    course = start(world)
    make_ready_for_middle(world, course)
    saved = start_checks.CHECKS.pop("initial_screening")
    try:
        missing = start_checks.missing(course)
        with pytest.raises(actions.TransitionError):
            actions.transition_course(actor(world.m["therapist"]), course.pk, "middle")
    finally:
        start_checks.CHECKS["initial_screening"] = saved
    assert "this version of OpenIPT does not know" in missing[0]


def test_the_screening_page_records_answers_and_the_course_page_says_what_is_missing(world, as_member):
    course = start(world)
    browser = as_member(world.m["therapist"])
    overview = text(browser.get(f"/courses/{course.pk}/"))
    assert "Before treatment starts" in overview and "Initial screening: ask about and record Psychosis" in overview
    assert f'href="/courses/{course.pk}/screening/"' in overview
    response = browser.post(f"/courses/{course.pk}/screening/", post_for(("psychosis", "bipolar")))
    assert response.status_code == 302
    page = text(browser.get(f"/courses/{course.pk}/screening/"))
    assert "Go ahead with IPT" in page and "Not asked yet" in page
    assert "ask about and record Alcohol or drug dependence, Cognitive impairment, Medication evaluation" in \
        " ".join(start_checks.missing(course))
    browser.post(f"/courses/{course.pk}/screening/", post_for(("substance", "cognitive", "medication"), "shared_care"))
    assert start_checks.missing(course) == []
    assert ScreeningAnswer.objects.filter(course=course).count() == 5
    assert AuditEvent.objects.filter(event_type="course.screening_recorded").count() == 2
    assert AuditEvent.objects.filter(event_type="course.screening_viewed").exists()
    make_ready_for_middle(world, course)
    assert actions.transition_course(actor(world.m["therapist"]), course.pk, "middle").phase == "middle"


def test_a_decision_to_refer_first_holds_the_course_until_a_new_decision_is_recorded(world):
    course = start(world)
    act = actor(world.m["therapist"])
    make_ready_for_middle(world, course)  # every topic: go ahead
    screening_actions.record_screening(act, course.pk, {"bipolar": {"answer": "A week without sleep last spring, "
                                                                   "spending sprees.", "decision": "refer"}})
    with pytest.raises(actions.TransitionError) as refused:
        actions.transition_course(act, course.pk, "middle")
    assert any("you decided to refer first for Bipolar disorder or mania" in r for r in refused.value.reasons)
    screening_actions.record_screening(act, course.pk, {"bipolar": {"answer": "Psychiatrist saw her; mood stabiliser "
                                                                   "started; IPT alongside.", "decision": "shared_care"}})
    assert actions.transition_course(act, course.pk, "middle").phase == "middle"
    # the earlier answers stay in the record
    assert list(ScreeningAnswer.objects.filter(course=course, topic="bipolar").values_list("decision", flat=True)) == [
        "proceed", "refer", "shared_care"]


def test_an_adolescent_course_also_asks_about_intellectual_disability_and_safeguarding(world):
    course = start(world, format_id="ipt_a")
    act = actor(world.m["therapist"])
    screening_actions.record_screening(act, course.pk, {t: {"answer": "No concerns.", "decision": "proceed"}
                                                        for t in TOPICS})
    missing = " ".join(start_checks.missing(course))
    assert "Intellectual disability" in missing and "Safeguarding" in missing


def test_bad_screening_input_gets_a_clear_message_beside_the_field_and_never_a_500(world, as_member):
    course = start(world)
    browser = as_member(world.m["therapist"])
    url = f"/courses/{course.pk}/screening/"
    empty = browser.post(url, {})
    assert empty.status_code == 200 and "Fill in at least one topic" in text(empty)
    no_decision = browser.post(url, {"psychosis-answer": "No voices."})
    assert no_decision.status_code == 200 and "Choose what you decided" in text(no_decision)
    no_answer = browser.post(url, {"psychosis-decision": "proceed"})
    assert no_answer.status_code == 200 and "Write what the client said" in text(no_answer)
    assert browser.post(url, {"psychosis-answer": "x", "psychosis-decision": "maybe"}).status_code == 200
    assert browser.post(url, {"psychosis-answer": "x" * 5000, "psychosis-decision": "proceed"}).status_code == 200
    with pytest.raises(ActionError, match="not part of this course"):
        screening_actions.record_screening(actor(world.m["therapist"]), course.pk,
                                           {"safeguarding": {"answer": "x", "decision": "proceed"}})
    assert not ScreeningAnswer.objects.exists()


def test_the_supervisor_may_read_the_screening_but_not_record_it(world, as_member):
    course = start(world)
    browser = as_member(world.m["supervisor"])
    page = browser.get(f"/courses/{course.pk}/screening/")
    assert page.status_code == 200 and "Save screening" not in text(page)
    assert browser.post(f"/courses/{course.pk}/screening/", post_for(TOPICS)).status_code == 403
    assert not ScreeningAnswer.objects.exists()
