"""Replies: scored as a questionnaire, checked by the safety rules, answered by the kind of risk; STOP; nothing lost."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.measures.models import Administration
from openipt.safety.models import Alert, CrisisContact
from openipt.sms import actions, inbound_actions, outbox_actions
from openipt.sms.models import Kind, Outcome, SmsConsent, SmsMessage, SmsReply, Status
from tests.support.people import actor
from tests.support.sms import PHONES, consent, evening_before, group_tomorrow

PARTNER = "1 0 0 My husband hit me again last night and he checks my phone."


@pytest.fixture
def asked(world):
    """Two members asked for their check-in the evening before tomorrow's session (console gateway)."""
    grp, members = group_tomorrow(world)
    consent(world, members[0].client, PHONES[0])
    consent(world, members[1].client, PHONES[1], crisis_texts=True)
    CrisisContact.objects.create(organisation=world.org, language="en", name="Night line", phone="0800 000 111")
    actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                          sandbox=True, daily_limit=100, send_hour=17)
    outbox_actions.send_due(evening_before())
    return grp, members


GATEWAY_IDS = itertools.count(1)


def reply(world, text, phone=PHONES[0], now=None, gateway_id=None):
    row = actions.settings_for(world.org.pk)
    gateway_id = gateway_id or f"in-{next(GATEWAY_IDS)}"  # each message the gateway sends has its own id
    return inbound_actions.receive(row, {"from": phone, "to": "12345", "text": text, "id": gateway_id,
                                         "date": "2026-12-07 19:00:00", "linkId": "x"}, b"", now=now)


def answer_back(got):
    return SmsMessage.objects.filter(key__endswith=f":reply{got.pk}").first()


def test_a_check_in_reply_is_stored_as_a_phq2_on_the_members_course(world, asked):
    _grp, members = asked
    got = reply(world, "1 0 0")
    admin = Administration.objects.get()
    assert (admin.instrument_code, admin.total, admin.source) == ("phq2", 1, "sms")
    assert admin.course_id == members[0].course_id and admin.answers == {"q1": 1, "q2": 0, "q9": 0}
    assert got.outcome == Outcome.SCORED and got.administration_id == admin.pk and not got.needs_person
    assert answer_back(got).kind == Kind.THANKS and not Alert.objects.exists()
    assert SmsMessage.objects.get(client=members[0].client, kind=Kind.CHECKIN).answered_at is not None


def test_question_9_above_zero_raises_an_alert_at_once_and_gets_a_neutral_reply(world, asked):
    _grp, members = asked
    got = reply(world, "1,0,2")
    alert = Alert.objects.get()
    assert (alert.client_id, alert.rule_id) == (members[0].client_id, "phq9_item9_positive")
    assert got.alerts == 1 and got.needs_person
    back = answer_back(got)
    assert back.safety and back.kind == Kind.SAFETY
    assert back.body == "Thank you. Someone from Tuesday group will contact you soon."


def test_crisis_numbers_go_only_to_a_member_who_chose_them(world, asked):
    got = reply(world, "0 0 3", phone=PHONES[1])
    assert answer_back(got).body == ("Thank you. Someone from Tuesday group will contact you soon. "
                                     "If you need to talk to someone now, call 0800 000 111.")


def test_partner_violence_gets_neutral_words_even_when_crisis_numbers_were_chosen(world, asked):
    got = reply(world, PARTNER, phone=PHONES[1])
    assert Alert.objects.filter(kind="being_harmed").exists()
    assert Administration.objects.count() == 1  # the numbers are still stored
    body = answer_back(got).body
    assert body == "Thank you. Someone from Tuesday group will contact you soon." and "0800" not in body


def test_the_safety_reply_is_sent_even_at_the_daily_limit(world, asked):
    actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                          sandbox=True, daily_limit=1, send_hour=17)
    got = reply(world, "0 0 1")
    outbox_actions.deliver_due(timezone.now() + timedelta(seconds=1))
    assert SmsMessage.objects.get(pk=answer_back(got).pk).status == Status.DELIVERED


def test_a_reply_that_is_not_an_answer_gets_help_and_waits_for_a_person(world, asked):
    got = reply(world, "what numbers?")
    assert got.outcome == Outcome.NOT_UNDERSTOOD and got.needs_person and got.text == "what numbers?"
    assert answer_back(got).kind == Kind.HELP and not Administration.objects.exists()


def test_free_words_are_scanned_for_risk(world, asked):
    got = reply(world, "Some days I feel like everyone would be better off without me.")
    assert Alert.objects.filter(client=got.client).exists() and got.needs_person
    assert answer_back(got).kind == Kind.SAFETY


def test_a_late_reply_is_still_stored_and_scanned(world, asked):
    got = reply(world, "2 2 1", now=timezone.now() + timedelta(days=3))
    assert got.outcome == Outcome.LATE and Administration.objects.get().total == 4
    assert Alert.objects.exists()


def test_a_second_answer_to_the_same_check_in_still_counts_for_safety(world, asked):
    reply(world, "1 0 0")
    again = reply(world, "1 0 3")
    assert again.outcome == Outcome.TEXT and again.needs_person and Administration.objects.count() == 1
    assert Alert.objects.filter(rule_id="phq9_item9_positive").exists()


def test_stop_stops_everything_at_once_and_confirms_once(world, asked):
    _grp, members = asked
    waiting, _ = outbox_actions.queue(SmsConsent.objects.get(client=members[0].client), Kind.REMINDER, "x", key="later")
    got = reply(world, "STOP")
    row = SmsConsent.objects.get(client=members[0].client)
    assert row.stopped_at is not None and got.outcome == Outcome.STOP
    assert SmsMessage.objects.get(pk=waiting.pk).status == Status.CANCELLED
    assert AuditEvent.objects.filter(event_type="sms.stopped", client_id=members[0].client_id).count() == 1
    reply(world, "stop")
    confirmations = SmsMessage.objects.filter(client=members[0].client, kind=Kind.STOPPED)
    assert confirmations.count() == 1
    outbox_actions.deliver_due(timezone.now() + timedelta(seconds=1))
    assert confirmations.get().status == Status.DELIVERED
    assert confirmations.get().body.startswith("You will get no more messages from Tuesday group.")


def test_a_stop_is_confirmed_even_at_the_daily_limit(world, asked):
    actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                          sandbox=True, daily_limit=1, send_hour=17)
    _grp, members = asked
    reply(world, "what?", phone=PHONES[1])  # the other member's help answer: the day's one message, if none went yet
    outbox_actions.deliver_due(timezone.now() + timedelta(seconds=1))
    assert outbox_actions.sent_today(world.org.pk, timezone.now()) >= 1
    help_answer = reply(world, "what now?", phone=PHONES[1])
    reply(world, "STOP")
    outbox_actions.deliver_due(timezone.now() + timedelta(seconds=2))
    assert SmsMessage.objects.get(client=members[0].client, kind=Kind.STOPPED).status == Status.DELIVERED
    assert answer_back(help_answer).status == Status.HELD  # an ordinary answer still waits for tomorrow


def test_start_turns_messages_on_again_only_while_staff_consent_is_recorded(world, asked):
    _grp, members = asked
    reply(world, "Acha")
    got = reply(world, "START")
    assert got.outcome == Outcome.START and SmsConsent.objects.get(client=members[0].client).stopped_at is None
    assert answer_back(got).kind == Kind.STARTED
    reply(world, "STOP")
    actions.end_consent(actor(world.m["admin"]), members[0].client_id)
    refused = reply(world, "START")
    assert SmsConsent.objects.get(client=members[0].client).stopped_at is not None
    assert refused.needs_person and answer_back(refused) is None


def test_a_message_from_an_unknown_number_is_kept_for_a_person(world, asked):
    got = reply(world, "hello who is this", phone="+255700000999")
    assert got.outcome == Outcome.UNKNOWN and got.needs_person and got.client_id is None and got.text
    assert answer_back(got) is None


def test_a_body_that_cannot_be_read_is_kept_raw(world, asked):
    row = actions.settings_for(world.org.pk)
    got = inbound_actions.receive(row, None, b"\xff\xfe garbage")
    assert got.outcome == Outcome.UNREADABLE and got.needs_person and "garbage" in got.raw


def test_a_person_marks_a_reply_dealt_with(world, asked):
    got = reply(world, "what numbers?")
    actions.mark_handled(actor(world.m["admin"]), got.pk)
    assert SmsReply.objects.get(pk=got.pk).handled_by_id == world.m["admin"].pk


def test_an_alert_from_a_reply_links_staff_who_may_see_the_client_to_it(world, asked):
    from openipt.safety import api as safety_api

    got = reply(world, "Some days I feel like everyone would be better off without me.")
    alert = Alert.objects.get(source_type="sms.smsreply")
    assert alert.source_id == str(got.pk)
    label, url = safety_api.source_link(alert, actor(world.m["facilitator"]))
    assert label == "Open the text message" and url == f"/sms/clients/{got.client_id}/#replies"
    assert safety_api.source_link(alert, actor(world.m["therapist2"])) is None


def test_a_reply_that_cannot_be_acted_on_is_still_kept_for_a_person(world, asked, client, monkeypatch):
    """Fault injection: whatever breaks while acting on a reply, its words reach a person (HAZ-036)."""
    from django.urls import reverse

    from openipt.sms import replies

    def broken(text):
        raise RuntimeError("injected")

    monkeypatch.setattr(replies, "parse_checkin", broken)
    token = actions.settings_for(world.org.pk).inbound_token
    response = client.post(reverse("sms:inbound", args=[token]), {"from": PHONES[0], "text": "I am not safe tonight"})
    assert response.status_code == 200
    kept = SmsReply.objects.get()
    assert kept.needs_person and kept.outcome == Outcome.UNREADABLE and kept.text == "I am not safe tonight"


def test_a_reply_kept_after_a_failure_still_raises_the_question_9_alert_for_the_member(world, asked, monkeypatch,
                                                                                         caplog):
    """Fault injection: storing the check-in fails; the kept reply is matched to the member and checked (HAZ-036)."""
    _grp, members = asked

    def broken(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(inbound_actions, "record_remote_answers", broken)
    row = actions.settings_for(world.org.pk)
    kept = inbound_actions.receive_kept(row, {"from": PHONES[0], "text": "1 0 2", "id": "in-fail"}, b"")
    kept = SmsReply.objects.get(pk=kept.pk)
    assert kept.outcome == Outcome.UNREADABLE and kept.needs_person and kept.client_id == members[0].client_id
    alert = Alert.objects.get()
    assert (alert.client_id, alert.rule_id, alert.source_id) == (members[0].client_id, "phq9_item9_positive",
                                                                 str(kept.pk))
    assert kept.alerts == 1 and answer_back(kept).kind == Kind.SAFETY
    assert "could not be acted on" in caplog.text


def test_the_words_of_a_reply_kept_after_a_failure_are_still_scanned(world, asked, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(inbound_actions, "queue", broken)
    row = actions.settings_for(world.org.pk)
    kept = inbound_actions.receive_kept(row, {"from": PHONES[0], "id": "in-words",
                                              "text": "Some days I feel like everyone would be better off without me."},
                                        b"")
    assert Alert.objects.filter(client_id=kept.client_id, source_id=str(kept.pk)).exists() and kept.needs_person


def test_when_even_the_safety_checks_of_a_kept_reply_fail_it_is_kept_and_logged(world, asked, monkeypatch, caplog):
    from openipt.sms import replies

    def broken(text):
        raise RuntimeError("injected")

    monkeypatch.setattr(replies, "parse_checkin", broken)
    row = actions.settings_for(world.org.pk)
    kept = inbound_actions.receive_kept(row, {"from": PHONES[0], "text": "0 0 3", "id": "in-x"}, b"")
    assert SmsReply.objects.get(pk=kept.pk).needs_person and not Alert.objects.exists()
    assert "safety checks of a kept message failed too" in caplog.text


def test_worrying_words_from_an_unknown_number_are_marked_urgent(world, asked):
    calm = reply(world, "hello who is this", phone="+255700000999")
    worrying = reply(world, "I want to kill myself tonight", phone="+255700000998")
    assert worrying.outcome == Outcome.UNKNOWN and worrying.needs_person and worrying.urgent
    assert not SmsReply.objects.get(pk=calm.pk).urgent and not Alert.objects.exists()


def test_a_gateway_retry_of_the_same_message_is_stored_and_acted_on_once(world, asked):
    first = reply(world, "1,0,2", gateway_id="at-42")
    again = reply(world, "1,0,2", gateway_id="at-42")
    assert again.pk == first.pk and SmsReply.objects.count() == 1
    assert Alert.objects.count() == 1 and Administration.objects.count() == 1
    assert SmsMessage.objects.filter(kind=Kind.SAFETY).count() == 1


def test_the_callback_token_is_compared_in_constant_time(world, asked, monkeypatch):
    import hmac

    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    token = actions.settings_for(world.org.pk).inbound_token
    assert inbound_actions.settings_by_token(token).organisation_id == world.org.pk
    assert inbound_actions.settings_by_token("x" * 40) is None
    assert calls and any(b == token.encode() for _a, b in calls)
