"""End to end in Chromium: sign in, the caseload, adding and opening a client, signing out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.people import PASSWORD, make_world


def test_a_therapist_signs_in_sees_their_caseload_adds_a_client_opens_the_record_and_signs_out(ui):
    world = make_world()
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    page = ui.page
    expect(page.get_by_role("heading", level=1, name="Today", exact=False)).to_be_visible()  # the start page
    page.get_by_role("link", name="Caseload").click()
    ui.check()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Maya Okafor")).to_be_visible()
    expect(page.get_by_text("Noah Berg")).to_have_count(0)
    ui.screenshot("caseload")

    page.get_by_role("link", name="Add a client").click()
    ui.check()
    page.get_by_role("button", name="Create record").click()  # nothing filled in
    ui.check()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Given name").fill("Leila")
    page.get_by_label("Family name").fill("Haddad")
    page.get_by_label("Date of birth").fill("1990-02-14")
    page.get_by_label("Preferred language").select_option("ar")
    page.get_by_role("button", name="Create record").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_role("heading", name="Leila Haddad")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Record C-[A-Z0-9]{6} created for Leila Haddad"))).to_be_visible()
    ui.screenshot("client-record")

    page.get_by_role("link", name="Back to caseload").click()
    ui.check()
    page.get_by_label("Search by name, record number, e-mail or phone").fill("leila")
    expect(page.locator("#caseload-results").get_by_role("link", name="Leila Haddad")).to_be_visible()
    expect(page.locator("#caseload-results").get_by_role("link", name="Maya Okafor")).to_have_count(0)
    page.locator("#caseload-results").get_by_role("link", name="Leila Haddad").click()
    ui.check()
    ui.sign_out()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    ui.goto("/clients/")
    expect(page.get_by_role("heading", name="Sign in to OpenIPT")).to_be_visible()


def test_the_caseload_and_a_record_work_on_a_360_pixel_phone(phone):
    world = make_world()
    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    phone.goto("/clients/")
    page = phone.page
    expect(page.get_by_role("link", name="Maya Okafor")).to_be_visible()
    page.get_by_role("link", name="Maya Okafor").click()
    phone.check()
    expect(page.get_by_role("heading", name="Details")).to_be_visible()
    phone.goto(f"/clients/{world.clients['mine'].pk}/edit/")
    phone.screenshot("phone-edit")


def test_signing_in_and_reaching_a_record_with_the_keyboard_alone(ui):
    world = make_world()
    page = ui.page
    ui.goto("/account/login/")
    expect(page.get_by_label("Username")).to_be_focused()  # the form starts where the typing starts
    page.keyboard.type(world.m["therapist"].user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.check()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    # Staff start on Today: Tab to the caseload in the menu, then to the client link, and open each with Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Caseload":
            break
    else:
        raise AssertionError("the caseload link was not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.check()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Maya Okafor":
            break
    else:
        raise AssertionError("the client link was not reachable with Tab")
    focus_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_outline != "none", "focused links must show a visible outline"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.check()
    expect(page.get_by_role("heading", name="Maya Okafor")).to_be_visible()


def test_an_admin_invites_a_therapist_who_joins_and_the_audit_log_shows_it(ui, chromium, live_server):
    world = make_world()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    page = ui.page
    page.get_by_role("link", name="People").click()
    ui.check()
    page.get_by_label("E-mail address").fill("kai@example.test")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_role("button", name="Create invitation").click()
    page.wait_for_load_state("load")
    ui.check()
    link = page.locator("#invite-link").inner_text().strip()
    ui.screenshot("people")

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    newcomer = context.new_page()
    newcomer.goto(link)
    newcomer.get_by_label("Your name").fill("Kai Rivers")
    newcomer.get_by_label("Username").fill("kai")
    newcomer.get_by_label("Password", exact=True).fill("a-long-safe-passphrase")
    newcomer.get_by_label("Password again").fill("a-long-safe-passphrase")
    newcomer.get_by_role("button", name="Create my account").click()
    newcomer.wait_for_load_state("load")
    expect(newcomer.get_by_role("heading", level=1, name="Today", exact=False)).to_be_visible()  # staff start on Today
    context.close()

    page.get_by_role("link", name="Audit log").click()
    ui.check()
    expect(page.locator("table").get_by_text("Invitation accepted")).to_be_visible()
    expect(page.locator("table").get_by_text("invite.accepted")).to_have_count(0)
    ui.screenshot("audit-log")


def test_a_client_signs_in_on_a_phone_and_sees_only_their_portal(phone):
    world = make_world()
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    page = phone.page
    expect(page.get_by_role("heading", name="Hello, Sam")).to_be_visible()
    expect(page.get_by_role("link", name="Caseload")).to_have_count(0)
    response = phone.page.goto(phone.base_url + f"/clients/{world.clients['mine'].pk}/")
    assert response.status == 403
    phone.check()
