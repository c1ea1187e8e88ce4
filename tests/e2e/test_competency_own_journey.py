"""In Chromium on a 360-pixel phone, with axe on every page: a signed-off facilitator is assessed again and an item
falls below the programme's rule, so the sign-off is withdrawn; the supervisor sees it on the competency page until
they record what was done; the facilitator opens their own assessments from the menu and reads what each level
means and what is still needed."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import Role
from openipt.supervision import actions as sup
from tests.support.competency import assess
from tests.support.people import PASSWORD, actor, make_member, make_world


def test_a_withdrawn_sign_off_reaches_the_supervisor_and_the_trainee_reads_their_own_levels(phone):
    world = make_world()
    supervisor = world.m["supervisor"]
    trainee = make_member(world.org, Role.FACILITATOR, username="trainee-ben", supervisor=supervisor)
    assess(supervisor, trainee, 3)
    sup.sign_off(actor(supervisor), trainee.pk, competency="group_lead")
    assess(supervisor, trainee, 3, quiet_members=2, source="live")  # later, one item below the rule
    page = phone.page

    phone.sign_in(supervisor.user.username, PASSWORD)
    phone.goto("/supervision/competency/")
    expect(page.get_by_role("heading", name="Sign-offs withdrawn by the programme's rule: needs a decision")).to_be_visible()
    page.get_by_role("link", name=f"{trainee.user}: no longer signed off to lead a group alone", exact=False).click()
    phone.check()
    page.get_by_label("What was done?").fill("Co-leads with Grace until I observe her again in March.")
    page.get_by_role("button", name="Record what was done").click()
    phone.check()
    expect(page.get_by_text("Recorded. It stays in the sign-off's history.")).to_be_visible()
    phone.goto("/supervision/competency/")
    expect(page.get_by_text("needs a decision")).to_have_count(0)
    phone.sign_out()

    phone.sign_in(trainee.user.username, PASSWORD)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My competency")).to_be_attached()
    phone.goto("/supervision/competency/mine/")
    expect(page.get_by_role("heading", name="My competency assessments", level=1)).to_be_visible()
    expect(page.get_by_text("was withdrawn on", exact=False)).to_be_visible()
    expect(page.get_by_text("“Including quiet members” is at level 2; the programme looks for level 3 or more."))\
        .to_be_visible()
    levels = page.get_by_role("table", name="Your level on each skill, the newest assessment on the right")
    expect(levels.get_by_role("row", name="Including quiet members", exact=False)).to_contain_text(
        "2 · Some basic helping skills missing")
    phone.screenshot("competency-mine")
