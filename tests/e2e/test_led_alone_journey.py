"""In Chromium on a 360-pixel phone, with axe on every page: a supervisor withdraws a facilitator's sign-off to lead
a group alone, sees the group they lead alone named on the supervision dashboard, opens the group's hold, adds a
co-facilitator who is signed off, and the group no longer waits for a decision (HAZ-041)."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import Role
from openipt.supervision import actions as sup
from tests.support.competency import assess
from tests.support.groups import group
from tests.support.people import PASSWORD, actor, make_member, make_world


def _click(ui, locator):
    locator.click()
    ui.page.wait_for_load_state("load")
    ui.check()


def test_a_supervisor_withdraws_a_sign_off_and_adds_a_signed_off_co_facilitator_to_the_held_group(phone):
    world = make_world()
    supervisor = world.m["supervisor"]
    trainee = make_member(world.org, Role.FACILITATOR, username="trainee-dan", supervisor=supervisor)
    grace = make_member(world.org, Role.FACILITATOR, username="grace-co")  # signed off, supervised by someone else
    for person in (trainee, grace):
        assess(world.m["admin"], person)
        sup.sign_off(actor(world.m["admin"]), person.pk, competency="group_lead")
    grp = group(world, name="Kasubi Tuesday group", facilitator_id=trainee.pk)
    page = phone.page

    phone.sign_in(supervisor.user.username, PASSWORD)
    phone.goto("/supervision/sign-offs/")
    page.get_by_label("Why is it withdrawn?").fill("A member said she was shamed in front of the group.")
    _click(phone, page.get_by_role("button", name="Withdraw this sign-off"))
    expect(page.get_by_text("Sign-off withdrawn. It stays in the history.")).to_be_visible()

    phone.goto("/supervision/")
    expect(page.get_by_role("heading", name="Groups led alone after a withdrawn sign-off: needs a decision")) \
        .to_be_visible()
    _click(phone, page.get_by_role("link", name=f"{grp.name}: led alone by {trainee.user}", exact=False))
    expect(page.get_by_role("heading", name="A supervisor must join or decide before the next session")).to_be_visible()
    _click(phone, page.get_by_role("link", name="Decide what happens"))
    expect(page.get_by_role("heading", name="Add a co-facilitator who is signed off")).to_be_visible()

    # Sent with nobody chosen, the form says what to do beside the field.
    _click(phone, page.get_by_role("button", name="Add to the group"))
    expect(page.locator("#id_co-co_facilitator_error1")).to_have_text("Choose who joins the group as co-facilitator.")
    page.get_by_label("Co-facilitator", exact=True).select_option(label=f"{grace.user} (Facilitator)")
    phone.screenshot("led-alone-co-facilitator")
    _click(phone, page.get_by_role("button", name="Add to the group"))
    expect(page.get_by_text(f"{grace.user} now co-leads the group, so it has a signed-off leader again.")) \
        .to_be_visible()
    expect(page.get_by_role("heading", name="A supervisor must join or decide before the next session")) \
        .to_have_count(0)

    phone.goto("/supervision/")
    expect(page.get_by_role("heading", name="Groups led alone after a withdrawn sign-off: needs a decision")) \
        .to_have_count(0)
    grp.refresh_from_db()
    assert grp.co_facilitator_id == grace.pk
