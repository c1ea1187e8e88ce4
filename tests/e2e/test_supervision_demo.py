"""The demo organisation's supervision and couples pages in a browser (axe, no sideways scroll)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openipt.couples.models import Couple
from openipt.seed import demo
from openipt.supervision.models import FidelityRating


@pytest.mark.slow
def test_the_demo_supervision_pages_and_the_demo_couple(ui):
    page = ui.page
    demo.load_demo()
    ui.sign_in("supervisor", demo.DEMO_PASSWORD)
    ui.goto("/supervision/")
    expect(page.get_by_role("cell", name="Sam Okoro", exact=False).first).to_be_visible()
    ui.screenshot("supervision-dashboard")
    rating = FidelityRating.objects.filter(version=2).first()
    ui.goto(f"/supervision/ratings/{rating.pk}/")
    expect(page.get_by_text("All versions of this rating")).to_be_visible()
    ui.goto("/supervision/sign-offs/")
    expect(page.get_by_text("Co-led a full group with me", exact=False)).to_be_visible()
    ui.screenshot("supervision-signoffs")
    ui.sign_out()
    ui.sign_in("therapist", demo.DEMO_PASSWORD)
    couple = Couple.objects.get()
    ui.goto(f"/couples/{couple.pk}/")
    expect(page.get_by_text("I feel like a guest in my own house", exact=False)).to_be_visible()
    ui.screenshot("couples-session")


@pytest.mark.slow
def test_the_demo_partners_portal_on_a_phone(phone):
    page = phone.page
    demo.load_demo()
    phone.sign_in("karim", demo.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="You and your partner")).to_be_visible()
    phone.goto("/couples/mine/")
    expect(page.get_by_text("Talk about money once a week", exact=False)).to_be_visible()
    expect(page.get_by_text("I do not trust him yet", exact=False)).to_have_count(0)
    phone.screenshot("couples-my-view-phone")
