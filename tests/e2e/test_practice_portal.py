"""End to end on a 360-pixel phone: a client works between sessions and the therapist reads it.

The client reads an assigned piece, logs an event, fills in a communication analysis with feedback
(closing the page mid-way loses nothing), rehearses three turns with the scripted partner and sees
it soften after an I-statement with a request, and goes back to turn 1; the therapist reads the
work and comments, and the client sees the comment.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from openipt.practice import actions
from openipt.practice.models import LogEntry, Rehearsal, Worksheet
from tests.support.people import PASSWORD, actor, make_world
from tests.support.practice import start_course


def _tap(ui, locator):
    locator.click()
    ui.page.wait_for_load_state("load")
    ui.check()


def test_a_client_works_between_sessions_on_a_phone_and_the_therapist_answers(phone):
    ui, page = phone, phone.page
    world = make_world()
    start_course(world, area="role_dispute", stage="renegotiation", held=1, next_in_days=3)
    actions.assign_reading(actor(world.m["therapist"]), world.clients["self"].pk, "sick_role")

    # the portal: where they are and what there is to do
    ui.sign_in(world.m["client"].user.username, PASSWORD)
    expect(page.get_by_text("Session 2 of 12")).to_be_visible()
    expect(page.get_by_text("Ask Dan to do the dishes on weeknights")).to_be_visible()
    ui.screenshot("portal-home-phone")

    # reading: open it, mark it read
    _tap(ui, page.get_by_role("link", name="It is OK to be unwell for a while"))
    expect(page.get_by_role("heading", name="You can do a bit less for now")).to_be_visible()
    _tap(ui, page.get_by_role("button", name="I have read this"))
    expect(page.get_by_text("Marked as read. Well done.")).to_be_visible()

    # the weekly log
    _tap(ui, page.get_by_role("link", name="My log"))
    page.get_by_label("Who was it with?").fill("Dan")
    page.get_by_label("What happened?").fill("We argued about the washing up after dinner.")
    page.get_by_label("How did you feel?").fill("Angry, then sad.")
    page.get_by_label("4", exact=True).check()
    _tap(ui, page.get_by_role("button", name="Save in my log"))
    expect(page.get_by_text("Saved in your log.")).to_be_visible()
    assert LogEntry.objects.get().mood == 4

    # a communication analysis, saved while typing, with feedback on the words
    _tap(ui, page.get_by_role("link", name="Worksheets"))
    page.get_by_label("Looking back at a hard conversation").check()
    _tap(ui, page.get_by_role("button", name="Start"))
    page.get_by_label("Who was the talk with?").fill("Dan")
    page.get_by_label("What I said", exact=True).fill("You never help me! You always leave it to me.")
    expect(page.locator("#ws-status")).to_contain_text("Saved at", timeout=10000)
    expect(page.locator("#feedback-what_i_said mark.pr-mark--hurtful").first).to_have_text(re.compile("You never"))
    page.get_by_label("What I could say instead next time").fill(
        "I feel worn out when I do all the washing up. Could you do it on weeknights?")
    expect(page.locator("#feedback-could_say")).to_contain_text("You asked for one clear thing.", timeout=10000)
    ui.check()
    ui.screenshot("worksheet-feedback-phone")
    sheet = Worksheet.objects.get()

    # closed mid-way: the server has what was typed
    ui.goto(f"/me/worksheets/{sheet.pk}/")
    expect(page.get_by_label("What I said", exact=True)).to_have_value("You never help me! You always leave it to me.")
    # and with the connection gone, this phone keeps the words until they can be saved
    page.route("**/autosave/", lambda route: route.abort())
    page.get_by_label("What I meant").fill("That I am tired and need help.")
    page.wait_for_timeout(2500)
    page.unroute("**/autosave/")
    ui.goto(f"/me/worksheets/{sheet.pk}/")
    expect(page.get_by_label("What I meant")).to_have_value("")
    expect(page.locator("#draft-restore")).to_be_visible()
    page.get_by_role("button", name="Bring back my words").click()
    expect(page.get_by_label("What I meant")).to_have_value("That I am tired and need help.")
    expect(page.locator("#ws-status")).to_contain_text("Saved at", timeout=10000)
    _tap(ui, page.get_by_role("button", name="Save and share with my therapist"))
    expect(page.get_by_text("Saved and shared with your therapist.")).to_be_visible()
    sheet.refresh_from_db()
    assert sheet.status == "shared" and sheet.data["what_i_meant"] == "That I am tired and need help."

    # rehearsal: three turns with the scripted partner
    _tap(ui, page.get_by_role("link", name="Practise", exact=True))
    page.get_by_label("Asking Sam to share the housework").check()
    page.get_by_label("Their name, or what you call them").fill("Dan")
    page.get_by_label("Who they are to you").fill("husband")
    page.get_by_label("What it is about, in your own words").fill("the washing up")
    _tap(ui, page.get_by_role("button", name="Start practising"))
    expect(page.get_by_role("heading", name="Asking Dan to share the housework")).to_be_visible()
    box = page.get_by_label("Your message")
    box.fill("You never help me with anything!")
    _tap(ui, page.get_by_role("button", name="Send"))
    expect(page.locator("#latest")).to_contain_text("I work all day too")
    box.fill("I feel exhausted when I do all the cleaning. Could you do the washing up on weeknights?")
    _tap(ui, page.get_by_role("button", name="Send"))
    expect(page.locator("#latest")).to_contain_text("I didn't know it was getting to you that much")
    expect(page.get_by_text("You named a feeling.").last).to_be_visible()
    box.fill("I know you are tired too. What would feel fair to you?")
    _tap(ui, page.get_by_role("button", name="Send"))
    expect(page.locator(".pr-turn--partner")).to_have_count(4)
    ui.screenshot("rehearsal-phone")
    first_try = Rehearsal.objects.get()

    # "what if I had said…": back to turn 1
    _tap(ui, page.get_by_role("button", name="Go back and say message 1 differently"))
    expect(page.get_by_text("You went back. Your first try is still saved.")).to_be_visible()
    expect(page.locator(".pr-turn")).to_have_count(1)
    box.fill("I feel tired and I need your help. Could we share the dishes?")
    _tap(ui, page.get_by_role("button", name="Send"))
    expect(page.locator("#latest")).to_contain_text("I didn't know it was getting to you that much")
    assert Rehearsal.objects.count() == 2 and first_try.turns.count() == 7
    ui.sign_out()

    # the therapist reads it all and answers in writing
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/me/care/{world.clients['self'].pk}/")
    expect(page.get_by_text("We argued about the washing up after dinner.")).to_be_visible()
    _tap(ui, page.get_by_role("link", name="Looking back at a hard conversation"))
    expect(page.get_by_text("That I am tired and need help.")).to_be_visible()
    page.get_by_label("Write to the client").fill("Good work. Let us look at the second line on Tuesday.")
    _tap(ui, page.get_by_role("button", name="Send to the client"))
    ui.goto(f"/me/care/{world.clients['self'].pk}/practise/{first_try.pk}/")
    expect(page.locator(".pr-turn--client")).to_have_count(3)
    page.get_by_label("Write to the client").fill("Your second message worked well. We will practise it in session.")
    _tap(ui, page.get_by_role("button", name="Send to the client"))
    ui.sign_out()

    # the client sees the answers beside their work
    ui.sign_in(world.m["client"].user.username, PASSWORD)
    ui.goto(f"/me/worksheets/{sheet.pk}/")
    expect(page.get_by_text("Good work. Let us look at the second line on Tuesday.")).to_be_visible()
    ui.goto(f"/me/practise/{first_try.pk}/")
    expect(page.get_by_text("Your second message worked well.")).to_be_visible()


def test_the_other_practice_pages_pass_axe_on_a_phone(phone):
    # every page of the portal and of the staff view that the journey above does not reach
    ui, page = phone, phone.page
    world = make_world()
    me = actor(world.m["client"])
    start_course(world, held=1)
    entry = actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "Dan",
                                       "what_happened": "A long talk about money.", "feeling": "", "mood": 6})
    actions.assign_reading(actor(world.m["therapist"]), world.clients["self"].pk, "mood_relationships")
    ui.sign_in(world.m["client"].user.username, PASSWORD)
    for path in ["/me/reading/", f"/me/log/{entry.pk}/", "/me/reminders/"]:
        ui.goto(path)
    page.get_by_label("What time of day?").fill("07:30")
    _tap(ui, page.get_by_role("button", name="Save my choices"))
    expect(page.get_by_text("Your reminder choices are saved.")).to_be_visible()
    ui.sign_out()
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/me/care/{world.clients['self'].pk}/log/")
    expect(page.get_by_text("A long talk about money.")).to_be_visible()
    ui.sign_out()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/me/settings/partner/")
    _tap(ui, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Practice partner settings saved.")).to_be_visible()
