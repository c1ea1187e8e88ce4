"""Facilitator mode in Swahili in Chromium: translated steps, a step the pack lacks marked, axe-clean on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import User
from openipt.protocol import load_protocol
from openipt.protocol.loader import CONTENT_ROOT
from tests.e2e.test_groups_journey import _running
from tests.protocol.test_content_language_packs import _copy_sw, _without_step
from tests.support.people import PASSWORD, make_world


def test_a_facilitator_runs_a_session_in_swahili_and_sees_which_step_is_still_in_english(
        phone, tmp_path, monkeypatch):
    world = make_world()
    grp, _members = _running(world)
    User.objects.filter(pk=world.m["facilitator"].user_id).update(language="sw")
    phone.sign_in(world.m["facilitator"].user.username, PASSWORD)
    phone.goto(f"/groups/{grp.pk}/sessions/3/")  # a middle session, checked with axe
    page = phone.page
    assert page.locator("html").get_attribute("lang") == "sw"
    expect(page.get_by_text("Wanakikundi wanasaidiana", exact=True)).to_be_visible()
    expect(page.get_by_text("Pangeni mambo ya kujaribu", exact=True)).to_be_visible()
    assert page.locator(".oi-in-english").count() == 0
    page.get_by_label("Wanakikundi wanasaidiana").check()
    page.get_by_role("button", name="Hifadhi hatua zilizowekewa alama").click()
    phone.check()
    # The same session with a pack that lacks one step: that step in English, marked, the rest Swahili.
    protocol = load_protocol(CONTENT_ROOT / "en", [_without_step(_copy_sw(tmp_path), "group.middle.things_to_try")])
    monkeypatch.setattr("openipt.courses.present.default_protocol", lambda: protocol)
    phone.goto(f"/groups/{grp.pk}/sessions/3/")
    step = page.locator(".oi-step", has_text="Plan things to try")
    expect(step.locator(".oi-in-english")).to_be_visible()
    expect(step.locator("[lang=en]").first).to_have_text("Plan things to try")
    assert page.locator(".oi-in-english").count() == 1
    expect(page.get_by_text("Wanakikundi wanasaidiana", exact=True)).to_be_visible()
    phone.screenshot("groups-facilitator-sw-fallback")
