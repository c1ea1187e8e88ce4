"""End to end in Chromium: what a new user sees in the first minutes (issue 14)."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.core.testing import PASSWORD, make_world


def test_every_page_names_an_icon_that_loads_so_a_new_browser_logs_no_404(ui):
    world = make_world()
    missing: list[str] = []
    ui.page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    expect(ui.page.get_by_role("heading", name="My caseload")).to_be_visible()
    icon = ui.page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    response = ui.page.request.get(icon.evaluate("link => link.href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert missing == []
