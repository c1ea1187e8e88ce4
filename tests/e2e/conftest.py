"""Browser tests: Debian's Chromium driven by Playwright, with axe run on every page visited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("OPENIPT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every rule of those tags runs; only violations are reported in full (passes and the rest come back as counts
# of one node each), which keeps axe's answer small: the check is the same, the round trip much shorter.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
SCREENSHOT_DIR = os.environ.get("OPENIPT_SCREENSHOTS")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("OPENIPT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; OPENIPT_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class UI:
    """A page in a real browser, checked with axe after every visit."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.visited: list[str] = []

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self):
        """Run axe (WCAG 2.1 A and AA) on the current page and fail on any violation."""
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import Error

        # A click that submits a form may start its navigation after "load" of the old page has
        # already fired; axe then dies with the page. Wait for the new page and run axe again.
        for attempt in range(3):
            self.page.wait_for_load_state("load")
            try:
                results = Axe().run(self.page, options=AXE_OPTIONS)
                width = self.page.evaluate("document.documentElement.scrollWidth")
                break
            except Error as error:
                if "context was destroyed" not in str(error) or attempt == 2:
                    raise
        self.visited.append(self.page.url)
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        viewport = self.page.viewport_size["width"]
        assert width <= viewport, f"{self.page.url} scrolls sideways: {width}px content in a {viewport}px window"

    def sign_in(self, username: str, password: str):
        self.goto("/account/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("load")
        self.check()

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state("load")
        self.check()

    def screenshot(self, name: str):
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


def _ui(chromium, live_server, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    ui = UI(page, live_server.url)
    yield ui
    context.close()
    csp = [e for e in errors if "Content Security Policy" in e]
    assert csp == [], f"the browser blocked something under the CSP: {csp}"


@pytest.fixture
def ui(chromium, live_server, transactional_db):
    """A desktop-sized browser window."""
    yield from _ui(chromium, live_server, 1280, 900)


@pytest.fixture
def phone(chromium, live_server, transactional_db):
    """A 360-pixel-wide phone-sized window."""
    yield from _ui(chromium, live_server, 360, 740)
