"""Every foundation page not already walked by a journey passes axe and fits a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from openipt.accounts import actions
from openipt.accounts.models import Role
from tests.support.people import PASSWORD, actor, make_world


def test_account_pages_pass_axe_on_a_phone(phone):
    world = make_world()
    actions.add_member(world.other_org, world.m["therapist"].user, Role.THERAPIST)
    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    expect(phone.page.get_by_role("heading", name="Where are you working now?")).to_be_visible()
    phone.page.get_by_role("button", name="Continue").click()  # nothing chosen yet: the browser asks for a choice
    expect(phone.page.get_by_role("heading", name="Where are you working now?")).to_be_visible()
    phone.page.get_by_role("radio", name=re.compile(r"^Riverbank Clinic")).check()
    phone.page.get_by_role("button", name="Continue").click()
    phone.check()
    expect(phone.page.get_by_role("heading", name="Where are you working now?")).to_have_count(0)
    phone.goto("/account/mfa/")
    expect(phone.page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    phone.goto("/no/such/page/")
    expect(phone.page.get_by_role("heading", name="Page not found")).to_be_visible()
    phone.goto("/audit/")
    expect(phone.page.get_by_role("heading", name="This page is not available to you")).to_be_visible()


def test_admin_pages_and_invitation_pages_pass_axe(ui):
    world = make_world()
    issued = actions.invite(actor(world.m["admin"]), email="new@example.test", role="therapist")
    ui.goto(f"/account/invite/{issued.token}/")
    expect(ui.page.get_by_role("heading", name="Join Riverbank Clinic")).to_be_visible()
    ui.page.get_by_role("button", name="Create my account").click()  # empty: errors beside fields
    ui.check()
    ui.goto("/account/invite/not-a-token/")
    expect(ui.page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto(f"/account/people/{world.m['therapist'].pk}/")
    expect(ui.page.get_by_role("button", name="Deactivate account")).to_be_visible()
    ui.goto(f"/clients/{world.clients['mine'].pk}/")
    expect(ui.page.get_by_role("heading", name="Recent activity on this record")).to_be_visible()


def test_the_lockout_page_passes_axe(ui, settings):
    world = make_world()
    username = world.m["therapist"].user.username
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        ui.goto("/account/login/")
        ui.page.get_by_label("Username").fill(username)
        ui.page.get_by_label("Password").fill("wrong-password")
        ui.page.get_by_role("button", name="Sign in").click()
    ui.check()
    expect(ui.page.get_by_role("heading", name="Sign-in is paused for this account")).to_be_visible()
