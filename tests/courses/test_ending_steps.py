"""HAZ-024: a course that ends early gets outreach, an ending (session or letter) and a plan for relapse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.courses import actions, ending_actions, session_actions
from openipt.courses.actions import TransitionError
from openipt.courses.models import Course
from openipt.courses.steps_models import CourseEnding, OutreachAttempt
from tests.support.measures import shift_course, start_course
from tests.support.pages import text
from tests.support.people import actor


def held(world, course, *attendance):
    """The next sessions with this attendance, moved into the past as if the weeks had gone by."""
    pending = course.sessions.filter(attendance="scheduled").count()
    for i in range(len(attendance) - pending):
        session_actions.add_session(actor(world.m["therapist"]), course.pk, duration=50, mode="in_person",
                                    when=timezone.now() + timedelta(days=2 + 7 * i))
    shift_course(course, 7 * len(attendance) + 7)
    pending = list(course.sessions.filter(attendance="scheduled").order_by("number"))
    for session, value in zip(pending, attendance, strict=False):
        session_actions.record_attendance(actor(world.m["therapist"]), course.pk, session.number, value)


def test_missed_sessions_prompt_outreach_after_the_first_and_again_after_the_second(world, as_member):
    course = start_course(world)
    held(world, course, "attended", "did_not_attend")
    browser = as_member(world.m["therapist"])
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "The client missed the last session." in page and "Contact them soon" in page
    response = browser.post(f"/courses/{course.pk}/outreach/", {"method": "phone", "result": "message", "note": "Voicemail"})
    assert response.status_code == 302
    attempt = OutreachAttempt.objects.get()
    assert attempt.missed_in_a_row == 1 and attempt.result == "message"
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "Outreach is recorded for now." in page and "Voicemail" in page

    held(world, course, "did_not_attend")
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "missed the last 2 sessions in a row" in page and "Try again to reach them" in page
    assert f'href="/courses/{course.pk}/end-early/"' in page


def test_no_outreach_is_recorded_without_a_missed_session(world, as_member):
    course = start_course(world)
    held(world, course, "attended")
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/{course.pk}/outreach/", {"method": "phone", "result": "message"}, follow=True)
    assert "nothing to follow up" in text(response)
    assert not OutreachAttempt.objects.exists()


def test_ending_early_goes_to_the_page_that_asks_how_it_ended(world, as_member):
    course = start_course(world)
    browser = as_member(world.m["therapist"])
    response = browser.get(f"/courses/{course.pk}/move/?to=ended_early")
    assert response["Location"] == f"/courses/{course.pk}/end-early/"


def test_a_drop_out_needs_outreach_and_a_letter_before_the_course_ends(world, as_member):
    course = start_course(world)
    held(world, course, "attended", "did_not_attend", "did_not_attend")
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/{course.pk}/end-early/", {"kind": "dropout", "reason": "Stopped coming."})
    page = text(response)
    assert response.status_code == 200
    assert "Try to reach the client first" in page and "Write an ending letter" in page
    assert Course.objects.get(pk=course.pk).status == "active"

    ending_actions.record_outreach(actor(world.m["therapist"]), course.pk, method="phone", result="no_answer")
    letter = text(browser.get(f"/courses/{course.pk}/letter/"))
    assert "If low mood comes back" in letter and "crisis line" in letter
    assert browser.post(f"/courses/{course.pk}/letter/", {"letter": "Dear Ann, ... You can come back."}).status_code == 302
    response = browser.post(f"/courses/{course.pk}/end-early/", {"kind": "dropout", "reason": "Stopped coming."})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == "ended_early" and course.end_reason.startswith("Stopped coming (drop-out)")
    assert CourseEnding.objects.get(course=course).kind == "dropout"
    assert ending_actions.ended_well(course) is False
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "The client stopped coming; an ending letter was sent." in page
    assert "You can come back." in text(browser.get(f"/courses/{course.pk}/letter/print/"))


def test_a_planned_early_ending_with_an_ending_session_ends_well(world, as_member):
    course = start_course(world)
    held(world, course, "attended", "attended")
    course.refresh_from_db()
    actions.save_ending(actor(world.m["therapist"]), course.pk, warning_signs="Staying in bed", what_helps="Walk with Sam",
                        contacts="Dr Lee", end_review="", expected_version=course.version)
    with pytest.raises(TransitionError, match="Choose the ending session"):
        ending_actions.end_early(actor(world.m["therapist"]), course.pk, kind="planned_early", reason="Moving away.")
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/{course.pk}/end-early/",
                            {"kind": "planned_early", "ending_session": "2", "reason": "Moving away for work."})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == "ended_early" and ending_actions.ended_well(course) is True
    assert "The course ended well, even though it ended early." in text(browser.get(f"/courses/{course.pk}/"))


def test_the_letter_draft_uses_the_relapse_plan_in_plain_words(world):
    course = start_course(world)
    course.refresh_from_db()
    actions.save_ending(actor(world.m["therapist"]), course.pk, warning_signs="Not answering the phone\nSleeping badly",
                        what_helps="Calling my sister", contacts="", end_review="", expected_version=course.version)
    course.refresh_from_db()
    draft = ending_actions.letter_draft(course)
    assert "- Not answering the phone\n- Sleeping badly" in draft and "- Calling my sister" in draft
    assert "You are welcome to come back." in draft


def test_a_booster_offer_is_recorded_and_shown(world, as_member):
    course = start_course(world)
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/{course.pk}/booster/", {"booster": "accepted"})
    assert response.status_code == 200 and "Say how many booster sessions were agreed." in text(response)
    response = browser.post(f"/courses/{course.pk}/booster/", {"booster": "accepted", "booster_sessions": "3"})
    assert response.status_code == 302
    assert "Booster or maintenance: Accepted (3 sessions)." in text(browser.get(f"/courses/{course.pk}/"))


def test_a_course_that_never_started_can_end_without_a_letter(world):
    course = start_course(world)
    held(world, course, "did_not_attend")
    ending_actions.end_early(actor(world.m["therapist"]), course.pk, kind="not_started", reason="Chose another service.")
    course.refresh_from_db()
    assert course.status == "ended_early" and course.ending_record.kind == "not_started"
    other = start_course(world, "self")
    held(world, other, "attended")
    with pytest.raises(TransitionError, match="has come to a session"):
        ending_actions.end_early(actor(world.m["therapist"]), other.pk, kind="not_started", reason="x")
