"""End to end in Chromium: the therapist's view of a course's scores, a paper form, and a one-time link."""

from __future__ import annotations

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from openipt.clients.models import Client
from openipt.measures import actions
from openipt.measures.models import Administration, OneTimeLink, Source
from tests.support.measures import add_session, phq9, start_course
from tests.support.people import PASSWORD, actor, make_world


def _improving_course(world):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    for _ in range(3):
        add_session(world, course)
    for n, values in enumerate([(3, 3, 3, 3, 3, 3, 0, 0, 0), (3, 3, 3, 2, 0, 0, 0, 0, 0),
                                (2, 2, 1, 1, 1, 0, 0, 0, 0), (1, 1, 1, 1, 0, 0, 0, 0, 0)], start=1):
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=n,
                            completed_on=timezone.localdate(), answers=phq9(*values, difficulty=1))
    return course


def test_the_therapist_sees_the_chart_and_verdicts_on_the_course_page(ui):
    world = make_world()
    course = _improving_course(world)
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/courses/{course.pk}/")
    panel = page.locator("#measures")
    expect(panel.get_by_role("heading", name="Scores")).to_be_visible()
    expect(panel.locator("svg[role=img]").first).to_be_visible()
    expect(panel.get_by_text("Reliable improvement").first).to_be_visible()
    panel.get_by_text("What these words mean").click()
    expect(panel.get_by_text(re.compile("Reliable change means the score moved"))).to_be_visible()
    ui.screenshot("measures-course-panel")
    page.get_by_role("link", name="All scores and questionnaires").click()
    ui.check()
    page.get_by_text("Show the numbers").first.click()
    expect(page.locator("table.oi-chart-table").first).to_be_visible()
    page.get_by_text("Answers to each PHQ-9 question").click()
    expect(page.get_by_role("table", name=re.compile("the answer to each question"))).to_be_visible()
    ui.check()
    ui.screenshot("measures-course-page")


def test_a_therapist_enters_a_paper_form(ui):
    world = make_world()
    course = start_course(world)
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/measures/course/{course.pk}/")
    # the navigation's count arrives just after the page: the PHQ-9 and GAD-7 of session 1
    expect(page.get_by_role("link", name="Questionnaires due (2)")).to_be_visible()
    page.get_by_role("link", name="Enter a paper form or a clinician rating").click()
    ui.check()
    page.get_by_label("Questionnaire").select_option("gad7")
    page.get_by_role("button", name="Show the questions").click()
    expect(page.locator("fieldset.oi-question")).to_have_count(7 + 1)
    ui.check()
    for i, group in enumerate(page.locator("fieldset.oi-question").all()):
        group.get_by_label("Several days" if i < 7 else "Left blank").check()
    page.get_by_role("button", name="Save the answers").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("GAD-7 saved: 7.")).to_be_visible()
    expect(page.locator(".oi-facts")).to_contain_text("Mild")
    admin = Administration.objects.get()
    assert (admin.instrument_code, admin.total, admin.source, admin.session_number) == ("gad7", 7, Source.STAFF, 1)


def test_a_therapist_e_mails_a_new_link_to_the_client(ui):
    world = make_world()
    Client.objects.filter(pk=world.clients["mine"].pk).update(email="maya@example.test")
    course = start_course(world)
    actions.ensure_default_schedule(course)
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/measures/course/{course.pk}/")
    page.get_by_role("button", name="Make a link").click()
    page.wait_for_load_state("load")
    url = page.locator(".oi-link-box .oi-mono").inner_text().strip()
    page.get_by_role("button", name="Send by e-mail").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("The link was e-mailed to maya@example.test.")).to_be_visible()
    [message] = mail.outbox
    assert message.to == ["maya@example.test"] and url in message.body


def test_a_one_time_link_works_once(ui):
    world = make_world()
    course = start_course(world)
    actions.ensure_default_schedule(course)
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/measures/course/{course.pk}/")
    page.get_by_role("button", name="Make a link").click()
    page.wait_for_load_state("load")
    ui.check()
    url = page.locator(".oi-link-box .oi-mono").inner_text().strip()
    assert "/measures/link/" in url
    ui.sign_out()
    # the client, not signed in, opens the link and fills in both questionnaires
    page.goto(url)
    ui.check()
    page.get_by_role("link", name="Fill in the GAD-7").click()
    ui.check()
    for group in page.locator("fieldset.oi-question").all()[:7]:
        group.get_by_label("Not at all", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Your score is 0 out of 21.")).to_be_visible()
    page.get_by_role("link", name="Next questionnaire").click()
    ui.check()
    for group in page.locator("fieldset.oi-question").all()[:9]:
        group.get_by_label("Not at all", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Your score is 0 out of 27.")).to_be_visible()
    expect(page.get_by_text("That was everything on this link.")).to_be_visible()
    assert OneTimeLink.objects.get().used_at is not None
    # a second visit explains the link was used
    page.goto(url)
    ui.check()
    expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
    assert Administration.objects.filter(source=Source.LINK).count() == 2
