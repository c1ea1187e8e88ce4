"""In Chromium with axe: a programme manager signs in to the dashboard, narrows it to one group, and asks for a
monthly report of a month with nothing in it; an admin writes a DHIS2 code wrongly, then rightly. Every page
passes axe and the CSP."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import Role
from tests.programmes.test_queries import build
from tests.support.people import PASSWORD, make_member, make_world


def test_the_manager_reads_the_dashboard_and_the_admin_sets_the_dhis2_codes(ui):
    world = make_world()
    build(world)
    manager = make_member(world.org, Role.MANAGER)
    page = ui.page
    ui.sign_in(manager.user.username, PASSWORD)
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    ui.check()
    expect(page.get_by_role("table", name="The care cascade")).to_be_visible()
    page.get_by_label("Group (optional)", exact=True).select_option(label="Tuesday group")
    page.get_by_role("button", name="Show").click()
    ui.check()
    expect(
        page.get_by_role("img", name="The care cascade, in per cent of the step it comes from")
    ).to_be_visible()
    page.get_by_role("link", name="Monthly reports: CSV and DHIS2").click()
    ui.check()
    page.get_by_label("Month").fill("2019-02")
    page.get_by_role("button", name="Make the report").click()
    ui.check()
    expect(page.get_by_text("There is nothing to report for 2019-02", exact=False)).to_be_visible()
    ui.sign_out()

    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/programme/settings/")
    ui.check()
    page.get_by_label("DHIS2 organisation unit code").fill("OU_RIVER")
    page.get_by_label("DHIS2 data element codes").fill("enrolled = IPT ENROLLED")
    page.get_by_role("button", name="Save").click()
    ui.check()
    expect(
        page.get_by_text("Line 1: 'IPT ENROLLED' is not a DHIS2 data element code.", exact=True)
    ).to_be_visible()
    page.get_by_label("DHIS2 data element codes").fill("enrolled = IPT_ENROLLED")
    page.get_by_role("button", name="Save").click()
    ui.check()
    expect(page.get_by_text("Programme settings saved.")).to_be_visible()
