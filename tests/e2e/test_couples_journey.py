"""End to end: each partner writes their view on a phone; the other sees only what was shared; the
therapist sees both side by side. Privacy checks control HAZ-001 (docs/clinical-safety/hazard-log.md).
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from openipt.accounts.models import Role
from openipt.clients import actions as client_actions
from openipt.couples import actions
from openipt.couples.models import Entry
from openipt.courses import actions as course_actions
from tests.support.people import PASSWORD, actor, make_client, make_member, make_world

PRIVATE = "I worry he is bored with me"
SHARED = "Cook together on Sundays"


def _couple(first_session=None):
    world = make_world()
    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    login = make_member(world.org, Role.CLIENT)
    client_actions.link_portal_user(two, login.user)
    course = course_actions.start_course(actor(world.m["therapist"]), world.clients["self"].pk, format_id="couples",
                                         start_date=timezone.localdate(), first_session=first_session)
    couple = actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    return world, login, couple


def _click(ui, locator):
    locator.click()
    ui.page.wait_for_load_state("load")
    ui.check()


def test_partners_write_on_a_phone_and_see_only_what_was_shared(phone):
    page = phone.page
    world, partner_two, couple = _couple()
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    expect(page.get_by_role("heading", name="You and your partner")).to_be_visible()
    _click(phone, page.get_by_role("link", name="Write my answers"))
    page.get_by_label("What I expect of my partner").fill(PRIVATE)
    page.get_by_label("What I would like to change").fill(SHARED)
    page.locator("#id_change_shared").check()
    expect(page.get_by_text("Saved at")).to_be_visible(timeout=10000)  # autosaved while typing
    phone.check()
    phone.screenshot("couples-my-view-phone")
    page.reload()
    phone.check()
    expect(page.get_by_label("What I expect of my partner")).to_have_value(PRIVATE)
    expect(page.locator("#id_change_shared")).to_be_checked()
    phone.sign_out()

    # HAZ-001: partner two sees the shared answer and never the private one.
    phone.sign_in(partner_two.user.username, PASSWORD)
    phone.goto("/couples/mine/")
    expect(page.get_by_text(SHARED)).to_be_visible()
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    private = Entry.objects.get(kind="i_expect")
    response = page.goto(phone.base_url + f"/couples/entries/{private.pk}/")
    assert response.status == 404


def test_the_therapist_sees_both_views_side_by_side(ui):
    page = ui.page
    world, partner_two, couple = _couple()
    actions.save_view(actor(world.m["client"]), {"i_expect": PRIVATE, "change": SHARED, "change_shared": "on"},
                      expected_version=1)
    actions.save_view(actor(partner_two), {"i_expect": "More time together", "i_expect_shared": "on"},
                      expected_version=1)
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/courses/{couple.course_id}/")
    _click(ui, page.get_by_role("link", name="Open the in-session page (both views side by side)"))
    expect(page.get_by_text(PRIVATE)).to_be_visible()
    expect(page.get_by_text("More time together")).to_be_visible()
    expect(page.get_by_text("Private: for the therapist only").first).to_be_visible()
    ui.screenshot("couples-session")
    # before turning the screen to the couple, the therapist hides what is private
    _click(ui, page.get_by_role("link", name="Show only what they shared (to turn the screen to the couple)"))
    expect(page.get_by_text("More time together")).to_be_visible()
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    ui.screenshot("couples-session-together")


def test_partner_two_fills_in_their_own_phq9_on_a_phone_and_the_therapist_sees_both(phone):
    from datetime import timedelta

    from openipt.measures import actions as measures_actions
    from openipt.measures.models import Administration

    page = phone.page
    world, partner_two, couple = _couple(first_session=timezone.now() + timedelta(days=1))
    measures_actions.ensure_default_schedule(couple.course)
    key = f"c{couple.course_id}.s1.phq9"
    phone.sign_in(partner_two.user.username, PASSWORD)
    expect(page.get_by_role("heading", name="Questionnaires for you")).to_be_visible()
    _click(phone, page.get_by_role("link", name="Fill in the PHQ-9"))
    questions = page.locator("fieldset.oi-question")
    for index in range(10):  # "several days" (1) to the first four questions, then "not at all" (0): total 4
        name = "difficulty" if index == 9 else f"q{index + 1}"
        questions.nth(index).locator(f"label[for=id_{name}_{1 if index < 4 else 0}]").click()
        if index < 9:
            page.get_by_role("button", name="Next").click()
    _click(phone, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_text("Your score is 4 out of 27.")).to_be_visible()
    admin = Administration.objects.get(due_key=key)
    assert admin.client.user_id == partner_two.user_id and admin.course_id == couple.course_id
    phone.sign_out()

    # partner one's own PHQ-9 for session 1 is still waiting for them
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    expect(page.get_by_role("link", name="Fill in the PHQ-9")).to_be_visible()
    phone.sign_out()

    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    phone.goto("/measures/due/")
    expect(page.get_by_text("(couples: partner 1)").first).to_be_visible()
    phone.goto(f"/couples/{couple.pk}/")
    expect(page.get_by_text("latest 4")).to_be_visible()
