"""Africa's Talking over real HTTP: a fake of its API on localhost, and its callbacks to the live test server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openipt.safety.models import Alert
from openipt.sms import actions, outbox_actions
from openipt.sms.models import Kind, Outcome, SmsMessage, SmsReply, Status
from tests.support.people import actor
from tests.support.sms import PHONES, FakeAfricasTalking, consent, evening_before, group_tomorrow

KEY = "atsk_0123456789abcdef"


@pytest.fixture
def fake(settings):
    gateway = FakeAfricasTalking()
    settings.SMS_AFRICASTALKING_SANDBOX_URL = gateway.url
    yield gateway
    gateway.close()


@pytest.fixture
def setup(world, fake):
    row = actions.save_settings(actor(world.m["admin"]), backend="africastalking", username="sandbox", api_key=KEY,
                                sender="OPENIPT", sandbox=True, daily_limit=50, send_hour=17)
    _grp, members = group_tomorrow(world, members=1)
    consent(world, members[0].client, PHONES[0])
    return row, members[0]


def test_messages_go_to_the_gateway_in_its_own_shape_with_the_sealed_key(world, fake, setup):
    row, _member = setup
    assert row.api_key.startswith("sealed:v1:") and KEY not in row.api_key
    counts = outbox_actions.send_due(evening_before()).counts
    assert counts["sent"] == 2 and len(fake.received) == 2
    first = fake.received[0]
    assert first["path"] == "/version1/messaging"
    assert first["headers"]["apiKey"] == KEY and first["headers"]["Accept"] == "application/json"
    assert first["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert set(first["fields"]) == {"username", "to", "message", "from"}
    assert (first["fields"]["username"], first["fields"]["to"], first["fields"]["from"]) == ("sandbox", PHONES[0], "OPENIPT")
    sent = SmsMessage.objects.filter(status=Status.SENT).order_by("pk")
    assert [(m.gateway_id, m.cost) for m in sent] == [("ATXid_1", "KES 0.8000"), ("ATXid_2", "KES 0.8000")]


def test_a_failure_is_retried_later_and_a_final_refusal_is_shown(world, fake, setup):
    fake.http_status = 500
    now = evening_before()
    counts = outbox_actions.send_due(now).counts
    assert counts["retry"] == 2
    waiting = SmsMessage.objects.filter(status=Status.QUEUED)
    assert waiting.count() == 2 and all("HTTP 500" in m.last_error for m in waiting)
    assert all(m.next_attempt_at == now + timedelta(minutes=1) for m in waiting)
    assert outbox_actions.deliver_due(now + timedelta(seconds=30))["retry"] == 0  # not due yet
    fake.http_status, fake.status_code = 201, 403
    outbox_actions.deliver_due(now + timedelta(minutes=1))
    failed = SmsMessage.objects.filter(status=Status.FAILED)
    assert failed.count() == 2 and all("InvalidPhoneNumber (code 403)" in m.last_error for m in failed)


@pytest.mark.django_db(transaction=True)
def test_delivery_reports_and_replies_come_back_through_the_secret_addresses(world, fake, setup, live_server):
    row, member = setup
    outbox_actions.send_due(evening_before())
    checkin = SmsMessage.objects.get(kind=Kind.CHECKIN)
    delivery_url = live_server.url + reverse("sms:delivery", args=[row.inbound_token])
    assert fake.report(delivery_url, checkin.gateway_id) == (200, "recorded")
    checkin.refresh_from_db()
    assert checkin.status == Status.DELIVERED and checkin.delivered_at is not None
    reminder = SmsMessage.objects.get(kind=Kind.REMINDER)
    fake.report(delivery_url, reminder.gateway_id, status="Failed", reason="UserInBlacklist")
    reminder.refresh_from_db()
    assert reminder.status == Status.FAILED and "UserInBlacklist" in reminder.last_error
    inbound_url = live_server.url + reverse("sms:inbound", args=[row.inbound_token])
    status, _body = fake.post_form(inbound_url, {"from": PHONES[0], "to": "12345", "text": "0 1 1", "id": "in-9",
                                                 "date": "2026-12-07 19:01:00", "linkId": "abc"})
    assert status == 200
    got = SmsReply.objects.get()
    assert got.outcome == Outcome.SCORED and got.client_id == member.client_id and got.gateway_id == "in-9"
    assert Alert.objects.filter(client_id=member.client_id, rule_id="phq9_item9_positive").exists()
    outbox_actions.deliver_due(max(timezone.now(), evening_before()) + timedelta(minutes=5))
    safety = SmsMessage.objects.get(kind=Kind.SAFETY)
    assert safety.status == Status.SENT and fake.received[-1]["fields"]["message"] == safety.body
