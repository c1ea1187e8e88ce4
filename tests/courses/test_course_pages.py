"""The course pages as a therapist uses them: messages beside fields, typing kept, repeats done once, no 500s."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.courses import actions, session_actions
from openipt.courses.models import Course, Session, SessionNote
from tests.support.clock import at
from tests.support.courses import make_ready_for_middle, start
from tests.support.pages import text
from tests.support.people import actor

NOTE_POST = {"mood": "Low", "events": "A row at home", "people": "Partner", "strategy_work": "Communication analysis",
             "client_will_try": "Ask for help with the children", "risk_reviewed": "yes", "risk_level": "none", "risk_text": ""}


def test_starting_a_course_from_the_client_record_happens_once_however_often_it_is_sent(world, as_member):
    browser = as_member(world.m["therapist"])
    client_id = world.clients["mine"].pk
    record = text(browser.get(f"/clients/{client_id}/"))
    assert "Courses of IPT" in record and f'href="/courses/start/{client_id}/"' in record
    data = {"format_id": "individual", "start_date": timezone.localdate().isoformat(), "sessions_planned": "",
            "frequency": "", "first_session_time": "18:00", "duration": "50", "mode": "video", "submission_key": "k1"}
    first = browser.post(f"/courses/start/{client_id}/", data)
    again = browser.post(f"/courses/start/{client_id}/", data)
    course = Course.objects.get()
    assert first["Location"] == again["Location"] == f"/courses/{course.pk}/"
    assert course.sessions.get().number == 1 and course.sessions.get().mode == "video"
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "Session 1 of 12 · initial phase · 11 left · planned last session" in page


def test_a_second_course_of_the_same_format_is_refused_beside_the_field_with_the_typing_kept(world, as_member):
    start(world)
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/start/{world.clients['mine'].pk}/", {
        "format_id": "individual", "start_date": timezone.localdate().isoformat(), "sessions_planned": "14",
        "mode": "in_person", "submission_key": "k2"})
    page = text(response)
    assert response.status_code == 200
    assert "already has an open course of Individual IPT" in page
    assert 'value="14"' in page and 'aria-invalid="true"' in page
    assert Course.objects.count() == 1


def test_a_short_contract_and_a_past_first_session_are_refused_with_what_to_do(world, as_member):
    browser = as_member(world.m["therapist"])
    base = {"format_id": "individual", "start_date": timezone.localdate().isoformat(), "mode": "in_person"}
    short = text(browser.post(f"/courses/start/{world.clients['mine'].pk}/", {**base, "sessions_planned": "4", "submission_key": "a"}))
    assert "The contract has 4 sessions; Individual IPT allows 12 to 16." in short
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    late = text(browser.post(f"/courses/start/{world.clients['mine'].pk}/", {**base, "start_date": past, "first_session_time": "10:00", "submission_key": "b"}))
    assert "is in the past. Choose today or a later date" in late
    assert Course.objects.count() == 0


def test_adding_a_session_twice_with_one_submission_adds_it_once_and_past_dates_are_refused(world, as_member, course):
    browser = as_member(world.m["therapist"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {"date": tomorrow, "time": "09:30", "duration": "50", "mode": "phone", "submission_key": "s1"}
    browser.post(f"/courses/{course.pk}/sessions/new/", data)
    browser.post(f"/courses/{course.pk}/sessions/new/", data)
    assert Session.objects.filter(course=course).count() == 2
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = text(browser.post(f"/courses/{course.pk}/sessions/new/", {**data, "date": yesterday, "submission_key": "s2"}))
    assert "is in the past. Choose today or a later date; a new session cannot be in the past." in refused
    assert f'value="{yesterday}"' in refused


def test_the_position_line_shows_on_every_page_about_the_client_or_course(world, as_member, course):
    browser = as_member(world.m["therapist"])
    line = "Session 1 of 12 · initial phase · 11 left · planned last session"
    for url in (f"/clients/{world.clients['mine'].pk}/", f"/clients/{world.clients['mine'].pk}/edit/", f"/courses/{course.pk}/",
                f"/courses/{course.pk}/sessions/1/", f"/courses/{course.pk}/focus/", f"/courses/start/{world.clients['mine'].pk}/"):
        assert line in text(browser.get(url)), url
    assert line not in text(browser.get("/clients/"))
    # another client's page shows nothing of this course
    other = as_member(world.m["therapist2"])
    assert line not in text(other.get(f"/clients/{world.clients['theirs'].pk}/"))


def test_the_middle_phase_refusal_lists_what_is_missing_then_the_move_is_made(world, as_member, course):
    browser = as_member(world.m["therapist"])
    check = text(browser.get(f"/courses/{course.pk}/move/?to=middle"))
    assert "Not yet. The protocol asks for this first:" in check
    assert "Write the formulation that links the symptoms to the problem area." in check
    refused = text(browser.post(f"/courses/{course.pk}/move/", {"to": "middle", "version": course.version, "reason": ""}))
    assert "You cannot move to the middle phase yet:" in refused and "Choose a problem area." in refused
    course = make_ready_for_middle(world, course)
    moved = browser.post(f"/courses/{course.pk}/move/", {"to": "middle", "version": course.version})
    assert moved.status_code == 302
    assert "Session 1 of 12 · middle phase · 11 left" in text(browser.get(f"/courses/{course.pk}/"))


def test_signing_an_empty_note_is_refused_and_keeps_what_was_typed(world, as_member, course):
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/{course.pk}/sessions/1/note/", {
        "version": "0", "risk_level": "none", "client_will_try": "   ", "action": "sign"})
    assert "The note is empty." in text(response)
    session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "attended")
    no_risk = text(browser.post(f"/courses/{course.pk}/sessions/1/note/", {
        **NOTE_POST, "risk_reviewed": "", "version": "1", "action": "sign"}))
    assert "Say whether risk was reviewed in this session (yes or no) before signing." in no_risk
    assert "A row at home" in no_risk  # nothing typed is lost
    assert SessionNote.objects.get().events == "A row at home"  # and the draft itself was saved


def test_a_signed_note_is_locked_and_an_edit_attempt_lands_in_the_addendum_box(world, as_member, course):
    browser = as_member(world.m["therapist"])
    session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "attended")
    signed = browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "version": "0", "action": "sign"})
    assert signed.status_code == 302
    note = SessionNote.objects.get()
    assert note.is_signed
    page = text(browser.get(f"/courses/{course.pk}/sessions/1/"))
    assert "Signed by" in page and 'id="note-form"' not in page and "Add the addendum" in page
    edit = text(browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "events": "Changed my mind", "version": "2"}))
    assert "This note is signed and locked. Add an addendum below to correct or add to it." in edit
    assert "Changed my mind" in edit  # put into the addendum box
    assert SessionNote.objects.get().events == "A row at home"


def test_the_session_page_shows_the_plan_with_ticks_and_steps_save_without_javascript(world, as_member, course):
    browser = as_member(world.m["therapist"])
    page = text(browser.get(f"/courses/{course.pk}/sessions/1/"))
    assert "Plan for this session" in page and "Review the symptoms" in page and "Give the sick role" in page
    ids = re.findall(r'name="steps" value="([^"]+)"', page)
    assert len(ids) >= 5
    browser.post(f"/courses/{course.pk}/sessions/1/steps/", {"steps": ids[:2]})
    assert Session.objects.get(course=course, number=1).done_step_ids == ids[:2]
    again = text(browser.get(f"/courses/{course.pk}/sessions/1/"))
    assert f'value="{ids[0]}" id="step-1" checked' in again
    bogus = browser.post(f"/courses/{course.pk}/sessions/1/steps/", {"steps": ["no.such.step"]}, follow=True)
    assert "not part of this session's plan" in text(bogus)
    htmx = browser.post(f"/courses/{course.pk}/sessions/1/steps/", {"steps": ids[:3]}, HTTP_HX_REQUEST="true")
    assert "Saved at" in text(htmx) and htmx.status_code == 200


def test_autosave_saves_the_draft_returns_the_new_version_and_reports_a_conflict(world, as_member, client, course):
    from openipt.clients.actions import assign_staff

    assign_staff(actor(world.m["admin"]), world.clients["mine"].pk, world.m["therapist2"].pk)
    browser = as_member(world.m["therapist"])
    first = browser.post(f"/courses/{course.pk}/sessions/1/autosave/", {**NOTE_POST, "version": "0"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and first["X-Note-Version"] == "1"
    assert 'hx-swap-oob="true"' in text(first) and "Draft saved at" in text(first)
    # my own "Save draft" racing my own autosave is not a conflict
    second = browser.post(f"/courses/{course.pk}/sessions/1/autosave/", {**NOTE_POST, "mood": "Better", "version": "1"}, HTTP_HX_REQUEST="true")
    raced = browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "mood": "Better still", "version": "1", "action": "save"})
    assert second["X-Note-Version"] == "2" and raced.status_code == 302
    # a colleague saves; my next autosave from the old version is refused, not overwritten
    session_actions.save_note(actor(world.m["therapist2"]), course.pk, 1, {"mood": "Colleague's words", "risk_reviewed": True},
                              expected_version=3)
    stale = browser.post(f"/courses/{course.pk}/sessions/1/autosave/", {**NOTE_POST, "mood": "Mine", "version": "3"}, HTTP_HX_REQUEST="true")
    assert "X-Note-Version" not in stale and "someone else saved this note" in text(stale)
    assert SessionNote.objects.get().mood == "Colleague's words"
    # the full save shows both versions side by side, and keeps the later person's typing
    page = text(browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "mood": "Mine", "version": "3", "action": "save"}))
    assert "The saved note (last saved by" in page and "Colleague's words" in page and 'value="4"' in page
    assert "Mine</textarea>" in page


def test_huge_text_and_bogus_values_get_messages_not_server_errors(world, as_member, course):
    browser = as_member(world.m["therapist"])
    huge = text(browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "strategy_work": "x" * 25000, "version": "0"}))
    assert "Ensure this value has at most 20000 characters (it has 25000)." in huge
    bad_technique = text(browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "techniques": ["levitation"], "version": "0"}))
    assert "Select a valid choice. levitation is not one of the available choices." in bad_technique
    for url, data in [
        (f"/courses/{course.pk}/sessions/1/attendance/", {"attendance": "on the moon"}),
        (f"/courses/{course.pk}/sessions/1/ratings/", {"rating_1": "eleven"}),
        (f"/courses/{course.pk}/sessions/1/addendum/", {"text": ""}),
        (f"/courses/{course.pk}/agree/", {"what": "everything"}),
        (f"/courses/{course.pk}/move/", {"to": "moon", "version": "x"}),
        (f"/courses/{course.pk}/contract/", {"sessions_planned": "-3", "frequency": "hourly", "start_date": "31/02/2026", "version": "a"}),
        (f"/courses/{course.pk}/focus/", {"primary_area": "astrology", "version": "1"}),
        (f"/courses/{course.pk}/sessions/1/reschedule/", {"date": "2026-13-45", "time": "25:99", "duration": "x", "mode": "y", "version": "1"}),
    ]:
        response = browser.post(url, data)
        assert response.status_code in (200, 302), url
    for url in (f"/courses/{course.pk}/sessions/999/", "/courses/999999/", f"/courses/{course.pk}/goals/999999/",
                f"/courses/{course.pk}/sessions/99999999999/", "/courses/99999999999999999999/"):
        assert browser.get(url).status_code == 404, url


def test_supervisors_see_courses_of_their_supervisees_read_only(world, as_member, course):
    browser = as_member(world.m["supervisor"])
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "Session 1 of 12" in page and "Move to the middle phase" not in page and "Change the contract" not in page
    session = text(browser.get(f"/courses/{course.pk}/sessions/1/"))
    assert 'id="note-form"' not in session and "Save ticked steps" not in session
    assert browser.get(f"/courses/{course.pk}/focus/").status_code == 403
    assert browser.post(f"/courses/{course.pk}/sessions/1/note/", {**NOTE_POST, "version": "0"}).status_code == 403
    record = text(browser.get(f"/clients/{world.clients['mine'].pk}/"))
    assert "Courses of IPT" in record and f"/courses/start/{world.clients['mine'].pk}/" not in record
    assert "Maya Okafor" in text(browser.get("/courses/"))


def test_goals_are_added_from_suggestions_and_rated_in_a_session(world, as_member, course):
    browser = as_member(world.m["therapist"])
    course = make_ready_for_middle(world, course)
    page = text(browser.get(f"/courses/{course.pk}/goals/"))
    assert "Suggested goals for the chosen area" in page
    browser.post(f"/courses/{course.pk}/goals/", {"text": "Make one new friend here", "area": "role_transition"})
    goal = course.goals.get()
    browser.post(f"/courses/{course.pk}/sessions/1/ratings/", {f"rating_{goal.pk}": "3", f"comment_{goal.pk}": "Early days"})
    assert goal.ratings.get().rating == 3
    overview = text(browser.get(f"/courses/{course.pk}/"))
    assert "Make one new friend here" in overview and "3/10" in overview and "<svg" in overview


def test_the_overview_timeline_marks_done_missed_next_and_remaining_sessions_in_phase_bands(world, as_member, course):
    act = actor(world.m["therapist"])
    session_actions.record_attendance(act, course.pk, 1, "attended")
    s2 = session_actions.add_session(act, course.pk, when=at(), duration=50, mode="video")
    session_actions.record_attendance(act, course.pk, s2.number, "did_not_attend")
    session_actions.add_session(act, course.pk, when=at(days=7), duration=50, mode="video")
    page = text(as_member(world.m["therapist"]).get(f"/courses/{course.pk}/"))
    assert page.count('class="oi-slot oi-slot--done"') == 1
    assert page.count('class="oi-slot oi-slot--missed"') == 1 and "did not attend" in page
    assert page.count('class="oi-slot oi-slot--next"') == 1
    assert page.count('class="oi-slot oi-slot--remaining"') == 9
    assert [b for b in ("Initial phase", "Middle phase", "Termination phase") if f'aria-label="{b}"' in page] == [
        "Initial phase", "Middle phase", "Termination phase"]
    assert "Session 3 of 12 · initial phase · 9 left" in page


@pytest.mark.parametrize("who", ["supervisor", "admin", "therapist"])
def test_the_course_list_shows_what_each_person_may_see(world, as_member, course, who):
    start(world, who="therapist2", client="theirs")
    page = text(as_member(world.m[who]).get("/courses/?show=all"))
    assert "Maya Okafor" in page
    assert ("Noah Berg" in page) == (who == "admin")


def test_a_renegotiation_is_shown_with_its_reason_on_the_overview(world, as_member, course):
    actions.record_agreement(actor(world.m["therapist"]), course.pk, "contract")
    course.refresh_from_db()
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/courses/{course.pk}/renegotiate/", {
        "sessions_planned": "13", "frequency": "weekly", "reason": "Missed two weeks through flu.",
        "agreed_on": timezone.localdate().isoformat(), "version": course.version})
    assert response.status_code == 302
    page = text(browser.get(f"/courses/{course.pk}/"))
    assert "12 → 13 sessions" in page and "Missed two weeks through flu." in page
