"""In Chromium with axe: staff record a member's SMS consent on the client's record, the evening's check-in goes
out through the console gateway, a worrying reply arrives at the secret address, and the admin reads the SMS page."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from openipt.safety.models import Alert
from openipt.sms import actions, outbox_actions
from tests.support.people import PASSWORD, actor, make_world
from tests.support.sms import FakeAfricasTalking, evening_before, group_tomorrow


def test_consent_check_in_worrying_reply_and_the_sms_page(ui, live_server):
    world = make_world()
    _grp, members = group_tomorrow(world, members=1)
    member = members[0].client
    row = actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                                sandbox=True, daily_limit=100, send_hour=17)
    page = ui.page
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto(f"/clients/{member.pk}/")
    page.get_by_role("link", name="Text message choices and messages").click()
    ui.check()
    expect(page.get_by_text("Thoughts that you would be better off dead", exact=False)).to_be_visible()
    page.get_by_label("Mobile number").fill("0712 000 101")
    page.get_by_label("Name the messages use").fill("Tuesday group")
    page.get_by_label("A check-in the day before each session (three numbers by reply)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    ui.check()
    expect(page.get_by_text("with + and the country code", exact=False).first).to_be_visible()
    page.get_by_label("Mobile number").fill("+254 712 000 101")
    page.get_by_role("button", name="Save", exact=True).click()
    ui.check()
    expect(page.get_by_text("Messages are on.")).to_be_visible()
    ui.screenshot("sms-consent")

    outbox_actions.send_due(evening_before())
    status, _ = FakeAfricasTalking.post_form(live_server.url + reverse("sms:inbound", args=[row.inbound_token]),
                                             {"from": "+254712000101", "text": "1 0 2", "id": "in-1"})
    assert status == 200 and Alert.objects.filter(client=member, rule_id="phq9_item9_positive").exists()
    FakeAfricasTalking.post_form(live_server.url + reverse("sms:inbound", args=[row.inbound_token]),
                                 {"from": "+254712000999", "text": "who is this?", "id": "in-2"})
    outbox_actions.deliver_due(evening_before())

    ui.goto("/sms/")
    expect(page.get_by_text("Reply to a worrying answer").first).to_be_visible()
    expect(page.get_by_text("Thank you. Someone from Tuesday group will contact you soon.")).to_be_visible()
    expect(page.get_by_text("time for your check-in", exact=False)).to_be_visible()
    expect(page.get_by_text("Unknown number ending …999")).to_be_visible()
    ui.screenshot("sms-page")
    page.get_by_role("button", name="Dealt with reply 1").click()
    ui.check()
    expect(page.get_by_text("Unknown number ending …999")).not_to_be_visible()
