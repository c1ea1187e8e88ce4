"""In Chromium with axe: an admin registers a webhook (a private address refused first), an alert's message
reaches a real HTTP server on localhost, and the admin reads the delivery log and sends a message again."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from openipt.api import webhook_actions
from tests.support.people import PASSWORD, make_world
from tests.support.safety import raise_text
from tests.support.webhooks import Receiver


def test_registering_a_webhook_and_reading_its_delivery_log(ui, settings):
    world = make_world()
    receiver = Receiver()
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        page = ui.page
        ui.sign_in(world.m["admin"].user.username, PASSWORD)
        ui.goto("/account/settings/")
        page.get_by_role("link", name="Webhooks").click()
        ui.check()
        page.get_by_label("Name", exact=True).fill("Regional records")
        page.get_by_label("Address", exact=True).fill("https://10.20.30.40/in")
        page.get_by_label("alert.raised").check()
        page.get_by_role("button", name="Register it").click()
        ui.check()
        expect(page.locator("#id_url_error1")).to_contain_text("private or local network")
        page.get_by_label("Address", exact=True).fill(receiver.url)
        page.get_by_role("button", name="Register it").click()
        ui.check()
        expect(page.get_by_role("heading", name="Copy the signing secret now")).to_be_visible()

        raise_text(world.clients["mine"], when=timezone.now())
        assert webhook_actions.deliver_due()["delivered"] == 1
        page.get_by_role("link", name="Regional records").click()
        ui.check()
        expect(page.get_by_text("answered 200", exact=False)).to_be_visible()
        page.get_by_role("button", name="Send again message 1").click()
        ui.check()
        expect(page.get_by_text("It will be sent again within a few seconds", exact=False)).to_be_visible()
        assert len(receiver.received) == 1
    finally:
        receiver.close()
