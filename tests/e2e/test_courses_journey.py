"""End to end in Chromium: a therapist runs a course of IPT, from starting it to the middle phase."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from openipt.courses import actions, goal_actions, session_actions
from openipt.courses.models import Course, Session, SessionNote
from tests.support.people import PASSWORD, actor, make_world


def test_a_therapist_starts_a_course_runs_session_one_and_moves_to_the_middle_phase(ui):
    world = make_world()
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto("/clients/")
    page.get_by_role("link", name="Maya Okafor").click()
    ui.check()
    page.get_by_role("link", name="Start a course").click()
    ui.check()
    page.get_by_label("Format", exact=True).select_option("individual")
    page.get_by_label("Time of session 1").fill("23:30")
    page.get_by_role("button", name="Start the course").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Course started: Individual IPT.")).to_be_visible()
    position = page.locator(".oi-position")
    expect(position).to_contain_text(re.compile(r"Session 1 of 12 · initial phase · 11 left · planned last session \d+ \w+ \d{4}"))
    ui.screenshot("course-overview")

    # the middle phase is refused with what is missing
    page.get_by_role("link", name="Move to the middle phase").click()
    ui.check()
    expect(page.get_by_text("Not yet. The protocol asks for this first:")).to_be_visible()
    expect(page.get_by_text("Choose a problem area.")).to_be_visible()
    page.get_by_role("button", name="Move to the middle phase").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("You cannot move to the middle phase yet:")).to_be_visible()
    page.get_by_role("link", name="Back to the course").click()
    ui.check()

    # session 1: tick steps, write and sign the note
    page.get_by_role("link", name="Open session 1").click()
    ui.check()
    expect(page.locator(".oi-position")).to_contain_text("Session 1 of 12")
    page.get_by_role("combobox", name="Attendance").select_option("attended")
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state("load")
    ui.check()
    steps = page.locator("input[name=steps]")
    steps.nth(0).check()
    expect(page.locator("#steps-status")).to_contain_text("Saved at")
    steps.nth(1).check()
    expect(page.locator("#steps-status")).to_contain_text("Saved at")
    page.get_by_label("Mood since the last session").fill("Low, 3 out of 10")
    page.get_by_label("Events since the last session").fill("Moved city for a new job in September.")
    expect(page.locator("#note-status")).to_contain_text("Draft saved at", timeout=10000)
    page.get_by_label("Psychoeducation").check()
    page.locator("input[name=risk_reviewed][value=yes]").check()
    page.get_by_role("button", name="Sign the note").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Note signed. It is now locked")).to_be_visible()
    expect(page.get_by_text("Moved city for a new job in September.")).to_be_visible()
    expect(page.get_by_text("This browser kept text that was typed but not saved")).to_be_hidden()  # it was all saved
    course = Course.objects.get()
    first = Session.objects.get(course=course, number=1)
    assert len(first.done_step_ids) == 2
    assert SessionNote.objects.get().is_signed
    ui.screenshot("session-signed")

    # record the area, formulation and agreements, then move to the middle phase
    page.get_by_role("link", name="Back to the course").click()
    ui.check()
    page.get_by_role("link", name="Change the focus").click()
    ui.check()
    page.get_by_role("combobox", name=re.compile(r"^Problem area")).select_option("role_transition")
    page.get_by_label("Why this area").fill("The mood dropped after the move, away from friends and family.")
    page.get_by_role("button", name="Save the focus").click()
    page.wait_for_load_state("load")
    ui.check()
    # the formulation has one home: written, shared and agreed on its own page, then shown on the course page
    page.get_by_role("link", name="Write, share or agree the formulation").click()
    ui.check()
    page.get_by_label("Formulation for the client").fill("Depression linked to the move: a role transition.")
    page.get_by_role("button", name="Save and share with the client").click()
    page.wait_for_load_state("load")
    ui.check()
    page.get_by_label("Date the client agreed").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record the agreement").click()
    page.wait_for_load_state("load")
    ui.check()
    ui.goto(f"/courses/{course.pk}/")
    expect(page.get_by_text("Depression linked to the move: a role transition.")).to_be_visible()
    page.get_by_role("button", name="Client agreed the contract today").click()
    page.wait_for_load_state("load")
    ui.check()
    # the initial screening for what IPT alone does not treat, then the course may move on
    expect(page.get_by_text("Before treatment starts")).to_be_visible()
    page.get_by_role("link", name="Open the screening").click()
    ui.check()
    for topic in ("Psychosis", "Bipolar disorder or mania", "Alcohol or drug dependence", "Cognitive impairment",
                  "Medication evaluation"):
        page.get_by_label(f"{topic}: what the client said").fill("Asked; nothing found.")
        page.get_by_label(f"{topic}: what you decided").select_option("proceed")
    page.get_by_role("button", name="Save screening").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Screening saved.")).to_be_visible()
    page.get_by_role("link", name="Back to the course").click()
    expect(page.get_by_text("Everything the protocol asks for is in place.")).to_be_visible()
    page.get_by_role("link", name="Move to the middle phase").click()
    ui.check()
    page.get_by_role("button", name="Move to the middle phase").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.locator(".oi-position")).to_contain_text("Session 2 of 12 · middle phase · 10 left")
    course.refresh_from_db()
    assert course.phase == "middle"


def test_typing_is_kept_in_the_browser_when_the_autosave_cannot_reach_the_server(ui):
    world = make_world()
    course = actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="ipc",
                                  start_date=timezone.localdate())
    session_actions.add_session(actor(world.m["therapist"]), course.pk, when=timezone.now() + timedelta(days=1), duration=30, mode="video")
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    page.route("**/autosave/", lambda route: route.abort())  # the connection drops
    ui.goto(f"/courses/{course.pk}/sessions/1/")
    page.get_by_label("Work on the strategies").fill("Decision analysis about the new job: three options weighed.")
    page.wait_for_timeout(2500)
    assert not SessionNote.objects.exists()
    page.unroute("**/autosave/")
    ui.goto(f"/courses/{course.pk}/sessions/1/")  # a fresh page load: the server has nothing
    expect(page.get_by_label("Work on the strategies")).to_have_value("")
    expect(page.get_by_text("This browser kept text you typed that was not saved")).to_be_visible()
    page.get_by_role("button", name="Restore my text").click()
    expect(page.get_by_label("Work on the strategies")).to_have_value("Decision analysis about the new job: three options weighed.")
    expect(page.locator("#note-status")).to_contain_text("Draft saved at", timeout=10000)
    assert SessionNote.objects.get().strategy_work.startswith("Decision analysis")
    ui.goto(f"/courses/{course.pk}/sessions/1/")
    expect(page.get_by_text("This browser kept text you typed that was not saved")).to_be_hidden()


def test_the_session_page_works_on_a_360_pixel_phone(phone):
    world = make_world()
    course = actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="individual",
                                  start_date=timezone.localdate(), first_session=timezone.now() + timedelta(hours=1))
    goal_actions.add_goal(actor(world.m["therapist"]), course.pk, text="Make one new friend in the new city")
    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    phone.goto(f"/courses/{course.pk}/sessions/1/")
    page = phone.page
    expect(page.locator(".oi-position")).to_contain_text("Session 1 of 12")
    expect(page.get_by_role("button", name="Sign the note")).to_be_visible()
    phone.screenshot("phone-session")
    phone.goto(f"/courses/{course.pk}/")
    phone.goto("/courses/calendar/")
    phone.goto(f"/courses/{course.pk}/focus/")
