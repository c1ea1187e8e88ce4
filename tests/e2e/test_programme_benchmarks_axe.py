"""In Chromium on a 360-pixel phone, with axe: a programme manager reads the published group IPT trial results
beside the programme's own figure, on screen and in the print view."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.accounts.models import Role
from tests.programmes.test_queries import build
from tests.support.people import PASSWORD, make_member, make_world


def test_the_manager_reads_the_published_results_on_a_phone_and_in_print(phone):
    world = make_world()
    build(world)
    manager = make_member(world.org, Role.MANAGER)
    page = phone.page
    phone.sign_in(manager.user.username, PASSWORD)
    phone.goto("/programme/")
    expect(page.get_by_role("heading", name="Published results from group IPT trials")).to_be_visible()
    table = page.get_by_role("table", name="Group IPT for depression in rural Uganda, 6-month follow-up")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="Trial: Group IPT", exact=False)).to_contain_text("11.7%")
    expect(table.get_by_role("row", name="This programme, this period", exact=False)).to_contain_text(
        "hidden, as the counts it comes from are small"
    )
    expect(page.get_by_role("note", name="Why these figures are hard to compare")).to_be_visible()
    expect(page.get_by_role("link", name="doi:10.1192/bjp.188.6.567")).to_be_visible()
    no_sideways = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Published results from group IPT trials")).to_be_visible()
    expect(table).to_be_visible()
    phone.check()
