"""In Chromium with axe: an admin makes an API client (with a mistake first), a therapist makes a personal token
and rotates it, and anyone reads the API's docs page; every page passes axe and the CSP."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.support.people import PASSWORD, make_world


def test_making_rotating_and_reading_about_api_tokens(ui):
    world = make_world()
    page = ui.page
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/account/settings/")
    page.get_by_role("link", name="API clients").click()
    ui.check()
    page.get_by_label("Name", exact=True).fill("Research warehouse")
    page.get_by_role("button", name="Make it").click()
    ui.check()
    expect(page.get_by_text("Choose at least one thing the token may do.", exact=True)).to_be_visible()
    page.get_by_label("clients:read").check()
    page.get_by_label("Stops working after").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Make it").click()
    ui.check()
    expect(page.get_by_role("heading", name="Copy the secret now")).to_be_visible()
    ui.sign_out()

    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto("/api/tokens/")
    page.get_by_label("Name", exact=True).fill("My script")
    page.get_by_label("measures:write").check()
    page.get_by_role("button", name="Make it").click()
    ui.check()
    page.get_by_role("button", name="New secret for My script").click()
    ui.check()
    expect(page.get_by_role("heading", name="A new secret for My script")).to_be_visible()
    ui.goto("/api/docs/")
    ui.check()
    expect(page.get_by_role("heading", name="Endpoints")).to_be_visible()
