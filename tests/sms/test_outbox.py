"""Consent, reminders and check-ins the day before a session, idempotent sending, the daily limit, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.core.sealed import unseal
from openipt.sms import actions, outbox_actions
from openipt.sms.models import Kind, SmsConsent, SmsMessage, Status
from tests.support.people import actor
from tests.support.sms import PHONES, consent, evening_before, group_tomorrow


@pytest.fixture
def tomorrow(world):
    grp, members = group_tomorrow(world)
    consent(world, members[0].client, PHONES[0])
    consent(world, members[1].client, PHONES[1], checkins=False, language="es", neutral_name="Grupo del martes")
    return grp, members


def test_consent_keeps_the_number_sealed_and_is_audited(world):
    made = consent(world, world.clients["mine"], "+254 712 000 101")
    row = SmsConsent.objects.get(pk=made.pk)
    assert row.phone.startswith("sealed:v1:") and unseal(row.phone) == "+254712000101"
    assert row.phone_hint == "…101" and row.crisis_texts is False
    event = AuditEvent.objects.filter(event_type="sms.consent_recorded").latest("pk")
    assert event.client_id == world.clients["mine"].pk and "+254712000101" not in str(event.details)


@pytest.mark.parametrize("phone", ["0712000101", "call me", "", "+12"])
def test_a_number_without_its_country_code_is_refused_next_to_the_field(world, phone):
    with pytest.raises(ActionError) as exc:
        consent(world, world.clients["mine"], phone)
    assert exc.value.field == "phone" and not SmsConsent.objects.exists()


def test_one_number_cannot_get_the_messages_of_two_clients(world):
    consent(world, world.clients["mine"], PHONES[0])
    with pytest.raises(ActionError) as exc:
        consent(world, world.clients["self"], PHONES[0])
    assert exc.value.field == "phone"


def test_only_staff_who_may_change_the_record_record_consent(world):
    with pytest.raises(ActionError):
        consent(world, world.clients["mine"], who="supervisor")
    with pytest.raises(ActionError):
        consent(world, world.clients["mine"], who="therapist2")
    assert not SmsConsent.objects.exists()


def test_the_evening_before_each_member_gets_what_they_agreed_to_once_however_often_it_runs(world, tomorrow):
    _grp, members = tomorrow
    now = evening_before()
    first = outbox_actions.send_due(now)
    second = outbox_actions.send_due(now + timedelta(minutes=1))
    assert first.queued == 3 and first.counts["sent"] == 3
    assert second.queued == 0 and second.counts["sent"] == 0
    rows = {(m.client_id, m.kind): m for m in SmsMessage.objects.all()}
    assert set(rows) == {(members[0].client_id, Kind.REMINDER), (members[0].client_id, Kind.CHECKIN),
                         (members[1].client_id, Kind.REMINDER)}
    reminder = rows[(members[0].client_id, Kind.REMINDER)]
    assert reminder.body.startswith("Tuesday group: see you tomorrow,") and "at 10:00" in reminder.body
    assert reminder.status == Status.DELIVERED and reminder.backend == "console"
    assert rows[(members[1].client_id, Kind.REMINDER)].body.startswith("Grupo del martes: nos vemos mañana")
    assert rows[(members[0].client_id, Kind.CHECKIN)].body == (
        "Tuesday group: time for your check-in. Reply with your 3 numbers, like 1 0 0.")


def test_nothing_is_queued_before_the_sending_hour(world, tomorrow):
    assert outbox_actions.send_due(evening_before() - timedelta(hours=6)).queued == 0


def test_the_command_sends_what_is_due(world, tomorrow, capsys):
    call_command("sms_send_due")
    out = capsys.readouterr().out
    assert out.startswith("sms: queued")


def test_a_member_who_said_stop_or_whose_consent_ended_gets_nothing(world, tomorrow):
    _grp, members = tomorrow
    SmsConsent.objects.filter(client=members[0].client).update(stopped_at=evening_before())
    actions.end_consent(actor(world.m["admin"]), members[1].client_id)
    assert outbox_actions.send_due(evening_before()).queued == 0


def test_at_the_daily_limit_ordinary_messages_wait_for_tomorrow_and_say_so(world, tomorrow):
    actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                          sandbox=True, daily_limit=1, send_hour=17)
    counts = outbox_actions.send_due(evening_before()).counts
    assert counts["sent"] == 1 and counts["held"] == 2
    held = SmsMessage.objects.filter(status=Status.HELD)
    assert held.count() == 2 and all("daily limit" in m.last_error for m in held)
    assert all(timezone.localtime(m.next_attempt_at).date() > evening_before().date() for m in held)
    assert all(timezone.localtime(m.next_attempt_at).hour == 7 for m in held)  # the next morning, not the night
    assert outbox_actions.deliver_due(evening_before() + timedelta(hours=6))["sent"] == 0  # midnight: still waiting


def test_a_safety_message_is_never_held_by_the_limit(world, tomorrow):
    _grp, members = tomorrow
    actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                          sandbox=True, daily_limit=1, send_hour=17)
    now = evening_before()
    outbox_actions.send_due(now)
    assert outbox_actions.sent_today(world.org.pk, now) == 1
    safety, _ = outbox_actions.queue(SmsConsent.objects.get(client=members[0].client), Kind.SAFETY,
                                     "Thank you. Someone from Tuesday group will contact you soon.", key="safety:t",
                                     safety=True, now=now)
    counts = outbox_actions.deliver_due(now + timedelta(seconds=1))
    safety.refresh_from_db()
    assert safety.status == Status.DELIVERED and counts["sent"] == 1
    assert SmsMessage.objects.filter(status=Status.HELD).count() == 2


def test_backoff_grows_and_stops_at_six_hours():
    assert [outbox_actions.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox_actions.backoff(20) == timedelta(hours=6)


def test_an_individual_session_tomorrow_gets_its_reminder_and_check_in_on_its_course(world):
    from datetime import datetime, time

    from openipt.courses import session_actions
    from tests.support.courses import start

    course = start(world)
    when = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(15, 30)))
    session_actions.add_session(actor(world.m["therapist"]), course.pk, when=when, duration=50, mode="in_person")
    consent(world, world.clients["mine"], PHONES[2], neutral_name="Thursday visit", who="therapist")
    assert outbox_actions.send_due(evening_before()).queued == 2
    rows = {m.kind: m for m in SmsMessage.objects.filter(client=world.clients["mine"])}
    assert "at 15:30" in rows[Kind.REMINDER].body and rows[Kind.CHECKIN].course_id == course.pk
