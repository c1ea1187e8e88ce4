"""End to end in Chromium: a client fills in a PHQ-9 on a 360-pixel phone, one question per screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from openipt.measures import actions
from openipt.measures.models import Administration, Status
from tests.support.measures import start_course
from tests.support.people import PASSWORD, make_world

# answer value for each of the ten questions (nine scored, then the difficulty question): total 12
ANSWERS = [2, 2, 1, 2, 1, 1, 2, 1, 0, 1]


def test_a_client_fills_in_a_phq9_on_a_phone_one_question_per_screen_and_reads_what_it_means(phone):
    world = make_world()
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    page = phone.page
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    expect(page.get_by_role("heading", name="Questionnaires for you")).to_be_visible()
    page.get_by_role("link", name="Fill in the PHQ-9").click()
    phone.check()
    questions = page.locator("fieldset.oi-question")
    expect(questions).to_have_count(10)
    send = page.get_by_role("button", name="Send my answers")
    for index, value in enumerate(ANSWERS):
        # only the current question is on the screen
        expect(questions.nth(index)).to_be_visible()
        for other in {0, 9} - {index}:
            expect(questions.nth(other)).to_be_hidden()
        expect(page.locator(".oi-questionnaire__where")).to_have_text(f"Question {index + 1} of 10")
        questions.nth(index).locator(f"label[for=id_{'difficulty' if index == 9 else f'q{index + 1}'}_{value}]").click()
        if index < 9:
            expect(send).to_be_hidden()
            page.get_by_role("button", name="Next").click()
        if index == 3:
            # the answers so far are on the server already, in case the connection drops
            expect(page.locator(".oi-save-status")).to_contain_text("Saved at")
            draft = Administration.objects.get(due_key=f"c{course.pk}.s1.phq9")
            assert draft.status == Status.IN_PROGRESS and draft.answers["q3"] == 1
            phone.check()
    expect(page.get_by_role("button", name="Next")).to_be_hidden()
    phone.check()
    phone.screenshot("measures-phone-question")
    send.click()
    expect(page.get_by_role("heading", name="Thank you. Your answers were sent.")).to_be_visible()
    phone.check()
    expect(page.get_by_text("Your score is 12 out of 27.")).to_be_visible()
    expect(page.get_by_text("Your answers show a fair amount of depression.")).to_be_visible()
    expect(page.get_by_text(re.compile("This is not a diagnosis"))).to_be_visible()
    phone.screenshot("measures-phone-result")
    admin = Administration.objects.get(due_key=f"c{course.pk}.s1.phq9")
    assert admin.status == Status.COMPLETED and admin.total == 12
    # the GAD-7 comes next, and the portal no longer lists the PHQ-9
    page.get_by_role("link", name="Back to my page").click()
    phone.check()
    expect(page.get_by_role("link", name="Fill in the PHQ-9")).to_have_count(0)
    expect(page.get_by_role("link", name="Fill in the GAD-7")).to_be_visible()


def test_on_a_desktop_every_question_is_on_one_page(ui):
    world = make_world()
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    ui.sign_in(world.m["client"].user.username, PASSWORD)
    ui.goto(f"/measures/me/c{course.pk}.s1.gad7/")
    page = ui.page
    questions = page.locator("fieldset.oi-question")
    expect(questions).to_have_count(8)
    for i in range(8):
        expect(questions.nth(i)).to_be_visible()
    expect(page.get_by_role("button", name="Next")).to_be_hidden()
    page.get_by_role("button", name="Send my answers").click()  # nothing answered: each question says so
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Some questions need an answer.")).to_be_visible()
    expect(page.locator(".oi-question--error")).to_have_count(7)  # the difficulty question may be skipped
