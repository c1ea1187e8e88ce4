"""In Chromium on a 360-pixel phone, with axe on every page: a supervisor tries to sign a trainee off before the
programme's rule is met and reads why, rates the trainee on the competency tool, sees each item's level over
time, and signs them off; the programme manager then sees the facilitators by level on the dashboard."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import Role
from openipt.supervision.competency_tools import tool
from tests.support.competency import assess
from tests.support.people import PASSWORD, make_member, make_world


def test_a_supervisor_rates_a_trainee_and_signs_them_off_and_the_manager_sees_the_levels(phone):
    world = make_world()
    supervisor = world.m["supervisor"]
    trainee = make_member(world.org, Role.FACILITATOR, username="trainee-ann", supervisor=supervisor)
    assess(supervisor, trainee, 3, quiet_members=2, role_play=2)  # an earlier role-play with two gaps
    page = phone.page
    phone.sign_in(supervisor.user.username, PASSWORD)

    phone.goto("/supervision/sign-offs/")
    page.get_by_label("Clinician").select_option(label=str(trainee.user))
    page.get_by_label("Competency").select_option(value="group_lead")
    page.get_by_role("button", name="Sign off").click()
    phone.check()
    reason = page.locator("#id_membership_error1")  # beside the field, and in the summary above the form
    expect(reason).to_contain_text("cannot be signed off to lead a group alone yet")
    expect(reason).to_contain_text("“Including quiet members” is at level 2")

    phone.goto("/supervision/competency/")
    page.get_by_role("link", name=str(trainee.user)).click()
    phone.check()
    page.get_by_role("link", name="Assess now").click()
    phone.check()
    page.get_by_label("Live session").check()
    for item in tool().items:
        page.locator(f"#lv-{item.id}-{4 if item.id == 'warmth' else 3}").check()
    page.get_by_label("Notes (optional)").fill("Led session 4 with me watching; every member spoke.")
    page.get_by_role("button", name="Save the assessment").click()
    phone.check()
    expect(page.get_by_text("Assessment saved.")).to_be_visible()
    page.get_by_role("link", name=f"Competency of {trainee.user}").click()
    phone.check()
    expect(page.get_by_text("Yes: the latest assessment meets the programme's rule.")).to_be_visible()
    expect(page.get_by_role("img", name="Levels of Including quiet members over time")).to_be_attached()
    phone.screenshot("competency-trainee")

    phone.goto("/supervision/sign-offs/")
    page.get_by_label("Clinician").select_option(label=str(trainee.user))
    page.get_by_label("Competency").select_option(value="group_lead")
    page.get_by_role("button", name="Sign off").click()
    phone.check()
    expect(page.get_by_text(f"{trainee.user} is signed off", exact=False)).to_be_visible()
    phone.sign_out()

    manager = make_member(world.org, Role.MANAGER)
    phone.sign_in(manager.user.username, PASSWORD)
    table = page.get_by_role("table", name="Facilitators by their latest assessment")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="Meets the rule 1")).to_be_visible()
    expect(table.get_by_role("row", name="Signed off to lead a group alone 1")).to_be_visible()
    phone.screenshot("competency-programme")
