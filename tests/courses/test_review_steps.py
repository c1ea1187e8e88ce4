"""HAZ-023: a client who is not getting better is offered a structured review, recorded with its outcome."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.clients.models import ClientSignal
from openipt.core.errors import ActionError
from openipt.courses import review_actions
from openipt.courses.steps_models import CourseReview
from openipt.measures import actions as measures_actions
from tests.support.measures import add_session, phq9, start_course
from tests.support.pages import text
from tests.support.people import actor


def score(world, course, number, total):
    """Enter a PHQ-9 with this total at session `number` through the real measures action."""
    while course.sessions.count() < number:
        add_session(world, course, days_after_last=7)
    values = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    measures_actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=number,
                                 completed_on=timezone.localdate(), answers=phq9(*values, difficulty=0))


def scores(world, course, totals):
    for number, total in enumerate(totals, start=1):
        score(world, course, number, total)


def due(world):
    return ClientSignal.objects.filter(client=world.clients["mine"], source=review_actions.REVIEW_SOURCE).first()


ALL_FINE = {f"{a}_finding": "ok" for a in review_actions.AREA_IDS}


def test_not_on_track_offers_a_review_on_the_caseload_and_course_page_until_one_is_recorded(world, as_member):
    course = start_course(world)
    scores(world, course, [10, 17])  # a reliable rise: red
    signal = due(world)
    assert signal.level == 2 and signal.label == "Review due now: PHQ-9: not on track at session 2"
    assert signal.url == f"/courses/{course.pk}/review/"
    browser = as_member(world.m["therapist"])
    assert "Review due now: PHQ-9: not on track at session 2" in text(browser.get("/clients/"))
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "A structured review is due." in page and f'href="/courses/{course.pk}/review/"' in page
    form = text(browser.get(f"/courses/{course.pk}/review/"))
    assert "How we work together" in form and "Medication and physical health" in form

    # Half an answer is kept back with a message beside the field; nothing is recorded.
    response = browser.post(f"/courses/{course.pk}/review/", {"alliance_finding": "ok", "outcomes": ["refocus"]})
    assert response.status_code == 200 and "Choose an answer for every part of the review" in text(response)
    assert not CourseReview.objects.exists() and due(world) is not None

    data = {**ALL_FINE, "life_events_finding": "concern", "life_events_note": "Lost her job last month.",
            "outcomes": ["refocus", "medication_review"], "plan": "Refocus on the job loss as a role transition; GP review."}
    response = browser.post(f"/courses/{course.pk}/review/", data)
    assert response.status_code == 302
    review = CourseReview.objects.get()
    assert review.outcomes == ["refocus", "medication_review"] and review.signal_level == 2
    assert review.findings["life_events"] == {"finding": "concern", "note": "Lost her job last month."}
    assert AuditEvent.objects.filter(event_type="course.review_recorded").count() == 1
    assert due(world) is None
    assert "Review due" not in text(browser.get("/clients/"))
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "Refocus on the problem area (or change it); Ask for a medication review" in page
    assert "concerns: New events and stresses" in page


def test_a_review_answers_the_signal_until_it_gets_worse(world):
    course = start_course(world)
    scores(world, course, [17, 17, 16, 16])  # amber at session 4
    assert due(world).level == 1
    review_actions.record_review(actor(world.m["therapist"]), course.pk, findings={
        a: {"finding": "ok"} for a in review_actions.AREA_IDS}, outcomes=["continue"], plan="")
    assert due(world) is None
    score(world, course, 5, 16)  # still amber: the review still answers it
    assert due(world) is None
    score(world, course, 6, 20)  # now red: a new review is due
    assert due(world).level == 2


def test_the_offer_stays_when_the_scores_recover_before_anyone_reviewed(world):
    course = start_course(world)
    scores(world, course, [17, 17, 16, 16])
    assert due(world) is not None
    score(world, course, 5, 8)  # back on track
    assert not ClientSignal.objects.filter(client=world.clients["mine"], source="measures").exists()
    offer = due(world)  # stays until a review is recorded, at level 1, saying the scores came back
    assert offer.level == 1 and offer.label.startswith("Review due (now back on track): PHQ-9: slower than expected")


def test_a_red_signal_needs_safety_asked_about_and_continue_cannot_go_with_a_change(world):
    course = start_course(world)
    scores(world, course, [10, 17])
    findings = {a: {"finding": "ok"} for a in review_actions.AREA_IDS}
    findings["risk"] = {"finding": "not_discussed"}
    with pytest.raises(ActionError, match="ask about safety"):
        review_actions.record_review(actor(world.m["therapist"]), course.pk, findings=findings, outcomes=["continue"], plan="")
    findings["risk"] = {"finding": "ok"}
    with pytest.raises(ActionError, match="cannot go with a change"):
        review_actions.record_review(actor(world.m["therapist"]), course.pk, findings=findings,
                                     outcomes=["continue", "refocus"], plan="x")
    with pytest.raises(ActionError, match="what will change"):
        review_actions.record_review(actor(world.m["therapist"]), course.pk, findings=findings, outcomes=["refocus"], plan="")
    assert due(world) is not None


def test_only_the_assigned_therapist_records_a_review(world, as_member):
    course = start_course(world)
    scores(world, course, [10, 17])
    assert as_member(world.m["supervisor"]).get(f"/courses/{course.pk}/review/").status_code == 403
    with pytest.raises(ActionError):
        review_actions.record_review(actor(world.m["supervisor"]), course.pk, findings={}, outcomes=["continue"], plan="")


def test_a_signal_without_a_review_due_row_is_still_offered_on_the_course_page(world, as_member):
    """A not-on-track signal raised before reviews existed (no "review due" row) still offers a review."""
    from openipt.clients.models import ClientSignal as Signal

    course = start_course(world)
    Signal.objects.bulk_create([Signal(client=world.clients["mine"], source="measures", level=2,
                                       label="PHQ-9: not on track at session 5", url=f"/measures/course/{course.pk}/#track")])
    assert due(world) is None
    page = text(as_member(world.m["therapist"]).get(f"/courses/{course.pk}/"))
    assert "A structured review is due.</strong> PHQ-9: not on track at session 5." in page
