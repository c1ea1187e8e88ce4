"""In Chromium with axe: an admin adds a site (a wrong time zone first), puts a group and its members and a
therapist in it; the manager then chooses that site on the dashboard. Every page passes axe and the CSP."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import Membership, Role, Site
from tests.programmes.test_queries import build
from tests.support.people import PASSWORD, make_member, make_world


def test_the_admin_sets_up_a_site_and_the_manager_sees_its_figures(ui):
    world = make_world()
    build(world)
    manager = make_member(world.org, Role.MANAGER)
    page = ui.page
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/programme/sites/")
    ui.check()
    page.get_by_label("Name").fill("Kasese district")
    page.get_by_label("Kind of place").select_option("district")
    page.get_by_label("Time zone").fill("Africa/Nowhere")
    page.get_by_role("button", name="Add the site").click()
    ui.check()
    expect(page.locator("#id_time_zone_error1")).to_contain_text("is not a time zone we know")
    page.get_by_label("Time zone").fill("Africa/Kampala")
    page.get_by_role("button", name="Add the site").click()
    ui.check()
    expect(page.get_by_role("heading", name="Kasese district")).to_be_visible()
    page.get_by_label("Groups in this site").select_option(label="Tuesday group · —")
    page.get_by_role("button", name="Save the groups").click()
    ui.check()
    expect(page.get_by_text("Groups in this site saved (1 changed).")).to_be_visible()
    therapist = Membership.objects.select_related("user").get(pk=world.m["therapist"].pk)
    page.get_by_label("Staff in this site").select_option(value=str(therapist.pk))
    page.get_by_role("button", name="Save the staff").click()
    ui.check()
    assert Membership.objects.get(pk=therapist.pk).site == Site.objects.get(name="Kasese district")
    ui.sign_out()

    ui.sign_in(manager.user.username, PASSWORD)
    page.get_by_label("Site (optional)").select_option(label="Kasese district")
    page.get_by_role("button", name="Show").click()
    ui.check()
    expect(page.get_by_role("table", name="The care cascade")).to_be_visible()
