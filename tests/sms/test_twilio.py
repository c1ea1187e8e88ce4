"""Twilio over real HTTP: a fake of its Messages API on localhost, and its signed callbacks to the live server."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.safety.models import Alert
from openipt.sms import actions, gateways, outbox_actions
from openipt.sms.models import Kind, Outcome, SmsMessage, SmsReply, Status
from tests.support.people import actor, login
from tests.support.sms import PHONES, FakeTwilio, consent, evening_before, group_tomorrow

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-0123456789"
NUMBER = "+15005550006"


@pytest.fixture
def fake(settings):
    gateway = FakeTwilio()
    settings.SMS_TWILIO_URL = gateway.url
    settings.SITE_URL = "https://openipt.example.org"
    yield gateway
    gateway.close()


@pytest.fixture
def setup(world, fake):
    row = actions.save_settings(
        actor(world.m["admin"]),
        backend="twilio",
        username=SID,
        api_key=TOKEN,
        sender=NUMBER,
        sandbox=False,
        daily_limit=50,
        send_hour=17,
    )
    _grp, members = group_tomorrow(world, members=1)
    consent(world, members[0].client, PHONES[0])
    return row, members[0]


def test_messages_go_to_twilio_in_its_own_shape_with_basic_auth_and_a_status_callback(world, fake, setup):
    row, member = setup
    counts = outbox_actions.send_due(evening_before()).counts
    assert counts["sent"] == 2 and len(fake.received) == 2
    request = fake.received[0]
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert (
        base64.b64decode(request["headers"]["Authorization"].removeprefix("Basic ")).decode()
        == f"{SID}:{TOKEN}"
    )
    assert request["fields"]["To"] == PHONES[0] and request["fields"]["From"] == NUMBER
    assert request["fields"]["StatusCallback"] == (
        "https://openipt.example.org" + reverse("sms:delivery", args=[row.inbound_token])
    )
    sent = SmsMessage.objects.get(kind=Kind.REMINDER)
    assert sent.status == Status.SENT and sent.gateway_id.startswith("SM") and sent.backend == "twilio"
    assert request["fields"]["Body"] in {m.body for m in SmsMessage.objects.all()}


def test_an_invalid_number_is_final_and_a_server_error_is_tried_again(world, fake, setup):
    fake.http_status = 400
    outbox_actions.send_due(evening_before())
    failed = SmsMessage.objects.get(kind=Kind.REMINDER)
    assert failed.status == Status.FAILED and "21211" in failed.last_error  # trying again will not mend it
    SmsMessage.objects.all().delete()
    fake.http_status, fake.error_code = 503, 20500
    outbox_actions.send_due(evening_before())
    waiting = SmsMessage.objects.get(kind=Kind.REMINDER)
    assert waiting.status == Status.QUEUED and waiting.next_attempt_at > evening_before()


@pytest.mark.django_db(transaction=True)
def test_signed_replies_and_status_reports_come_back_and_unsigned_ones_are_not_acted_on(
    world, fake, setup, live_server, settings
):
    row, member = setup
    settings.SITE_URL = live_server.url  # the public address Twilio calls (and signs)
    outbox_actions.send_due(evening_before())
    checkin = SmsMessage.objects.get(kind=Kind.CHECKIN)
    delivery_url = live_server.url + reverse("sms:delivery", args=[row.inbound_token])
    status, _ = fake.post_signed(
        delivery_url,
        {
            "MessageSid": checkin.gateway_id,
            "MessageStatus": "delivered",
            "AccountSid": SID,
            "To": PHONES[0],
            "From": NUMBER,
        },
        TOKEN,
    )
    checkin.refresh_from_db()
    assert status == 200 and checkin.status == Status.DELIVERED
    reminder = SmsMessage.objects.get(kind=Kind.REMINDER)
    fake.post_signed(
        delivery_url,
        {
            "MessageSid": reminder.gateway_id,
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
            "AccountSid": SID,
        },
        TOKEN,
    )
    reminder.refresh_from_db()
    assert reminder.status == Status.FAILED and "30003" in reminder.last_error
    inbound_url = live_server.url + reverse("sms:inbound", args=[row.inbound_token])
    reply = {
        "MessageSid": "SM" + "9" * 32,
        "AccountSid": SID,
        "From": PHONES[0],
        "To": NUMBER,
        "Body": "0 1 1",
        "NumMedia": "0",
    }
    # a forged message (wrong signature) is kept for an admin to read, never scored or answered
    status, _ = fake.post_signed(inbound_url, reply, TOKEN, signature="bm90IGEgc2lnbmF0dXJl")
    assert status == 403
    kept = SmsReply.objects.get()
    assert kept.outcome == Outcome.UNREADABLE and kept.client_id is None and not Alert.objects.exists()
    # the real one is stored on the member and its question 9 raises the alert
    status, body = fake.post_signed(inbound_url, reply, TOKEN)
    assert status == 200 and "<Response>" in body
    got = SmsReply.objects.exclude(pk=kept.pk).get()
    assert (
        got.outcome == Outcome.SCORED
        and got.client_id == member.client_id
        and got.gateway_id == reply["MessageSid"]
    )
    assert Alert.objects.filter(client_id=member.client_id, rule_id="phq9_item9_positive").exists()
    outbox_actions.deliver_due(max(timezone.now(), evening_before()) + timedelta(minutes=5))
    safety = SmsMessage.objects.get(kind=Kind.SAFETY)
    assert safety.status == Status.SENT and fake.received[-1]["fields"]["Body"] == safety.body


def test_twilio_settings_are_checked_and_chosen_on_the_settings_page(world, fake, client):
    with pytest.raises(ActionError) as exc:
        actions.save_settings(
            actor(world.m["admin"]),
            backend="twilio",
            username="sandbox",
            api_key=TOKEN,
            sender=NUMBER,
            sandbox=False,
            daily_limit=50,
            send_hour=17,
        )
    assert exc.value.field == "username"
    with pytest.raises(ActionError) as exc:
        actions.save_settings(
            actor(world.m["admin"]),
            backend="twilio",
            username=SID,
            api_key=TOKEN,
            sender="",
            sandbox=False,
            daily_limit=50,
            send_hour=17,
        )
    assert exc.value.field == "sender"
    login(client, world.m["admin"])
    page = client.get(reverse("sms:settings")).content.decode()
    assert 'value="twilio"' in page
    response = client.post(
        reverse("sms:settings"),
        {
            "backend": "twilio",
            "username": SID,
            "api_key": TOKEN,
            "sender": NUMBER,
            "daily_limit": 50,
            "send_hour": 17,
        },
    )
    assert response.status_code == 302
    row = actions.settings_for(world.org.pk)
    assert row.backend == "twilio" and row.api_key.startswith("sealed:") and TOKEN not in row.api_key


def test_the_signature_is_twilios_scheme():
    # The worked example in Twilio's security documentation (docs/clinical/sources.md): Auth Token 12345.
    example = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert gateways.twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", example) == (
        "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    fields = {"From": "+254712000101", "Body": "1 0 0", "MessageSid": "SM1"}
    url = "https://example.org/sms/in/abc/"
    good = gateways.twilio_signature(TOKEN, url, fields)
    assert gateways.twilio_signed(TOKEN, [url], fields, good)
    assert not gateways.twilio_signed(TOKEN, [url], {**fields, "Body": "1 0 3"}, good)  # words changed
    assert not gateways.twilio_signed(TOKEN, [url + "x"], fields, good)  # another address
    assert not gateways.twilio_signed("", [url], fields, good) and not gateways.twilio_signed(
        TOKEN, [url], fields, ""
    )


def test_an_unsigned_message_with_worrying_words_is_urgent_for_the_admins_though_never_acted_on(
    world, fake, setup, live_server, settings
):
    """A wrong site address in Twilio's settings makes every signature fail: the members' words must still reach a
    person at once when they are worrying (urgent, admins e-mailed), though nothing is matched, scored or answered."""
    from django.core import mail

    row, member = setup
    settings.SITE_URL = live_server.url
    inbound_url = live_server.url + reverse("sms:inbound", args=[row.inbound_token])
    words = "I want to kill myself tonight"
    message = {"MessageSid": "SM" + "7" * 32, "AccountSid": SID, "From": PHONES[0], "To": NUMBER, "Body": words}
    status, _ = fake.post_signed(inbound_url, message, TOKEN, signature="bm90IGEgc2lnbmF0dXJl")
    assert status == 403
    kept = SmsReply.objects.get()
    assert kept.urgent and kept.needs_person and kept.text == words and kept.client_id is None
    assert PHONES[0] not in kept.from_hint
    assert not Alert.objects.exists() and not SmsMessage.objects.filter(kind=Kind.SAFETY).exists()
    assert [m for m in mail.outbox if "unknown number" in m.subject]
    # Calm words without a signature are kept for an admin as before, not urgent.
    calm = {**message, "MessageSid": "SM" + "6" * 32, "Body": "see you on Tuesday"}
    fake.post_signed(inbound_url, calm, TOKEN, signature="bm90IGEgc2lnbmF0dXJl")
    assert not SmsReply.objects.exclude(pk=kept.pk).get().urgent
