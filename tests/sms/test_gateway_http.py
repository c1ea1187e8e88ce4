"""Africa's Talking over real HTTP: a fake of its API on localhost, and its callbacks to the live test server."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openipt.safety.models import Alert
from openipt.sms import actions, outbox_actions
from openipt.sms.models import Kind, Outcome, SmsConsent, SmsMessage, SmsReply, Status
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


def test_a_retry_that_would_fall_in_the_night_waits_for_seven_in_the_morning(world, fake, setup):
    fake.http_status = 500
    late = evening_before() + timedelta(hours=3, minutes=59, seconds=30)  # 21:59:30: the retry would be at 22:00:30
    assert outbox_actions.send_due(late).counts["retry"] == 2
    waiting = SmsMessage.objects.filter(status=Status.QUEUED)
    morning = timezone.make_aware(datetime.combine(late.date() + timedelta(days=1), time(7, 0)))
    assert waiting.count() == 2 and all(m.next_attempt_at == morning for m in waiting)
    fake.http_status = 201
    assert outbox_actions.deliver_due(morning - timedelta(minutes=1))["sent"] == 0 and len(fake.received) == 2
    assert outbox_actions.deliver_due(morning)["sent"] == 2


def test_a_message_already_due_is_not_sent_in_the_night_but_a_safety_message_is(world, fake, setup):
    _row, member = setup
    fake.http_status = 500
    outbox_actions.send_due(evening_before())  # both fail once; the retry is due at 18:01
    fake.http_status = 201
    night = evening_before() + timedelta(hours=5)  # 23:00: the runner was down until now
    safety, _ = outbox_actions.queue(SmsConsent.objects.get(client=member.client), Kind.SAFETY,
                                     "Thank you. Someone will contact you soon.", key="safety:night", safety=True,
                                     now=night)
    counts = outbox_actions.deliver_due(night)
    assert counts["sent"] == 1 and counts["night"] == 2
    safety.refresh_from_db()
    assert safety.status == Status.SENT
    morning = timezone.make_aware(datetime.combine(night.date() + timedelta(days=1), time(7, 0)))
    assert set(SmsMessage.objects.filter(status=Status.QUEUED).values_list("next_attempt_at", flat=True)) == {morning}


def test_an_answer_to_a_members_own_message_goes_at_once_in_the_night_while_it_is_fresh(world, fake, setup):
    """A member who texts STOP or a question at 23:00 is answered then (a stop is confirmed at once); an answer
    that could not go for a quarter of an hour is an ordinary message again and waits for 7:00."""
    _row, member = setup
    night = evening_before() + timedelta(hours=5)  # 23:00
    row = SmsConsent.objects.get(client=member.client)
    fresh, _ = outbox_actions.queue(row, Kind.STOPPED, "You will get no more messages.", key="stopped:n", now=night)
    stale, _ = outbox_actions.queue(row, Kind.HELP, "Reply with three numbers.", key="help:n",
                                    now=night - timedelta(minutes=20))
    reminder, _ = outbox_actions.queue(row, Kind.REMINDER, "Group tomorrow.", key="reminder:n", now=night)
    counts = outbox_actions.deliver_due(night)
    assert counts["sent"] == 1 and counts["night"] == 2
    assert [m["fields"]["message"] for m in fake.received] == ["You will get no more messages."]
    morning = timezone.make_aware(datetime.combine(night.date() + timedelta(days=1), time(7, 0)))
    for waiting in (stale, reminder):
        waiting.refresh_from_db()
        assert waiting.status == Status.QUEUED and waiting.next_attempt_at == morning


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
