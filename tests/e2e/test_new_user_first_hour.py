"""End to end in Chromium: what a new user sees in the first minutes (issue 14)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.people import PASSWORD, make_world


def test_every_page_names_an_icon_that_loads_so_a_new_browser_logs_no_404(ui):
    world = make_world()
    missing: list[str] = []
    ui.page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    expect(ui.page.get_by_role("heading", level=1, name="Today")).to_be_visible()  # staff land on Today
    icon = ui.page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    response = ui.page.request.get(icon.evaluate("link => link.href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert missing == []


def test_on_a_360_pixel_phone_the_first_questions_answers_are_on_screen_without_scrolling(chromium, live_server,
                                                                                        transactional_db):
    from openipt.measures import actions
    from tests.support.measures import start_course

    world = make_world()
    actions.ensure_default_schedule(start_course(world, "self"))
    context = chromium.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Username").fill(world.m["client"].user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Fill in the PHQ-9").click()
    page.wait_for_load_state("load")
    first = page.locator("fieldset.oi-question").first
    answers = first.locator("label")
    expect(answers.first).to_be_visible()
    box = answers.first.bounding_box()
    assert page.evaluate("window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= 640, box
    context.close()
