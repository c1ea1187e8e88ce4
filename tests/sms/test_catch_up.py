"""`openipt sms send-due` after a stoppage: what is still useful is sent once, what is too late is recorded as not
sent with the reason (issue 19). Every run is given its own clock (`now`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from openipt.sms import outbox_actions
from openipt.sms.models import Kind, SmsConsent, SmsMessage, Status
from tests.support.people import login
from tests.support.sms import PHONES, consent, evening_before, group_tomorrow


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(hour, minute)))


@pytest.fixture
def tomorrow(world):
    """A group session tomorrow at 10:00; member 0 agreed to reminders and check-ins, member 1 to reminders only.
    Their consent was recorded two days ago, before yesterday evening's sending hour (17:00)."""
    grp, members = group_tomorrow(world)
    consent(world, members[0].client, PHONES[0])
    consent(world, members[1].client, PHONES[1], checkins=False)
    SmsConsent.objects.update(recorded_at=timezone.now() - timedelta(days=2))
    return grp, members


def by_kind(member):
    return {m.kind: m for m in SmsMessage.objects.filter(client=member.client)}


def test_a_sender_that_missed_the_evening_sends_on_the_morning_of_the_session_once(world, tomorrow):
    _grp, members = tomorrow
    first = outbox_actions.send_due(tomorrow_at(7, 30))  # the server was down all evening and night
    again = outbox_actions.send_due(tomorrow_at(7, 45))
    assert (first.queued, first.counts["sent"]) == (3, 3)
    assert (again.queued, again.counts["sent"]) == (0, 0)
    reminder = by_kind(members[0])[Kind.REMINDER]
    # it is now the day of the session: the words say "today", not "tomorrow"
    assert reminder.body.startswith("Tuesday group: see you today,") and "at 10:00" in reminder.body
    assert reminder.status == Status.DELIVERED
    assert by_kind(members[0])[Kind.CHECKIN].status == Status.DELIVERED  # 2 hours 30 before: still useful


def test_nothing_is_made_in_the_night_it_waits_for_the_morning(world, tomorrow):
    assert outbox_actions.send_due(tomorrow_at(3, 0)).queued == 0
    assert not SmsMessage.objects.exists()  # not even a record of a miss: it is not missed yet
    assert outbox_actions.send_due(tomorrow_at(7, 0)).queued == 3


def test_a_check_in_too_close_to_the_session_is_not_sent_and_says_why(world, tomorrow):
    _grp, members = tomorrow
    done = outbox_actions.send_due(tomorrow_at(8, 30))  # 1 hour 30 before the session
    assert done.queued == 2 and done.counts["sent"] == 2  # the two reminders
    checkin = by_kind(members[0])[Kind.CHECKIN]
    assert checkin.status == Status.SKIPPED and checkin.sent_at is None
    assert checkin.last_error == outbox_actions.TOO_CLOSE


def test_reminders_for_a_session_already_past_are_not_sent_and_are_recorded_as_skipped(
    world, tomorrow, client
):
    _grp, members = tomorrow
    done = outbox_actions.send_due(tomorrow_at(11, 0))  # the server came back after the session began
    assert done.queued == 0 and done.counts["sent"] == 0
    rows = SmsMessage.objects.all()
    assert rows.count() == 3 and all(m.status == Status.SKIPPED and m.sent_at is None for m in rows)
    assert all(m.last_error == outbox_actions.TOO_LATE for m in rows)
    # once: the next runs add nothing and send nothing
    again = outbox_actions.send_due(tomorrow_at(11, 1))
    assert again.queued == 0 and again.counts["sent"] == 0 and SmsMessage.objects.count() == 3
    # the SMS page shows each as not sent, with the reason
    login(client, world.m["admin"])
    page = client.get("/sms/").content.decode()
    assert page.count("Not sent: too late") == 3
    assert "the server may have been down" in page


def test_a_past_session_whose_consent_came_after_its_sending_hour_is_not_called_missed(world, tomorrow):
    SmsConsent.objects.update(recorded_at=tomorrow_at(9, 0))  # recorded in the morning of the session
    outbox_actions.send_due(tomorrow_at(11, 0))
    assert not SmsMessage.objects.exists()


def test_a_miss_older_than_the_catch_up_window_is_left_alone(world, tomorrow):
    grp, _members = tomorrow
    first = grp.sessions.order_by("scheduled_start").first()
    outbox_actions.send_due(first.scheduled_start + outbox_actions.CATCH_UP + timedelta(minutes=1))
    assert not SmsMessage.objects.filter(key__contains=f":g{first.pk}:").exists()
    assert SmsMessage.objects.filter(
        status=Status.SKIPPED
    ).exists()  # (the next week's session, just begun, is)


def test_the_usual_evening_run_is_unchanged(world, tomorrow):
    _grp, members = tomorrow
    assert outbox_actions.send_due(evening_before()).queued == 3
    assert by_kind(members[0])[Kind.REMINDER].body.startswith("Tuesday group: see you tomorrow,")
    assert outbox_actions.send_due(tomorrow_at(7, 30)).queued == 0  # made last evening: not again
