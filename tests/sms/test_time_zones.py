"""Reminders in the site's time zone (issue 18): the session time the member reads, and "the day before", are the
site's, whatever the organisation's default (here Europe/London, OPENIPT_TIME_ZONE in the test settings)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from openipt.accounts import site_actions
from openipt.clients import site_actions as client_site_actions
from openipt.courses import session_actions
from openipt.groups import actions as group_actions
from openipt.sms import actions as sms_actions
from openipt.sms import outbox_actions
from openipt.sms.models import Kind, SmsConsent, SmsMessage, Status
from tests.support.courses import start
from tests.support.groups import client_of, group
from tests.support.people import actor
from tests.support.sms import PHONES, consent

NAIROBI = ZoneInfo("Africa/Nairobi")  # UTC+3 all year


def nairobi_site(world):
    return site_actions.save_site(
        actor(world.m["admin"]),
        None,
        site_actions.SiteInput("Kibera centre", "clinic", "Africa/Nairobi", True, ""),
    )


@pytest.fixture(autouse=True)
def default_is_elsewhere():
    assert settings.TIME_ZONE == "Europe/London"  # the organisation's default is not the site's


def test_a_group_at_a_nairobi_site_is_reminded_in_nairobi_time_and_on_nairobis_evening(world):
    site = nairobi_site(world)
    tomorrow = timezone.localdate() + timedelta(days=1)
    grp = group(
        world, start_date=tomorrow, weekday=tomorrow.weekday(), start_time=time(10, 0), site_id=site.pk
    )
    member = group_actions.add_member(
        actor(world.m["admin"]), grp.pk, client_of(world, given_name="Wanjiru").pk
    )
    consent(world, member.client, PHONES[0], checkins=False)
    SmsConsent.objects.update(recorded_at=timezone.now() - timedelta(days=2))
    session = grp.sessions.order_by("scheduled_start").first()
    assert session.scheduled_start.astimezone(NAIROBI).hour == 10  # 07:00 or 08:00 in London
    # 16:00 in Nairobi (13:00 in London) is before the sending hour (17:00) there: nothing yet
    assert (
        outbox_actions.send_due(
            timezone.make_aware(datetime.combine(timezone.localdate(), time(16, 0)), NAIROBI)
        ).queued
        == 0
    )
    # 17:00 in Nairobi (14:00 or 15:00 in London, before London's 17:00): the day before has its evening there
    sent = outbox_actions.send_due(
        timezone.make_aware(datetime.combine(timezone.localdate(), time(17, 5)), NAIROBI)
    )
    assert sent.queued == 1
    body = SmsMessage.objects.get(kind=Kind.REMINDER).body
    assert "see you tomorrow" in body and "at 10:00" in body  # Nairobi's 10:00, not London's 07:00


def test_a_client_at_a_nairobi_site_reads_their_individual_session_in_nairobi_time(world):
    site = nairobi_site(world)
    mine = world.clients["mine"]
    client_site_actions.set_client_site(actor(world.m["admin"]), site.pk, client_ids=[mine.pk])
    course = start(world)
    when = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time(9, 30)), NAIROBI
    )
    session_actions.add_session(
        actor(world.m["therapist"]), course.pk, when=when, duration=50, mode="in_person"
    )
    consent(world, mine, PHONES[2], neutral_name="Thursday visit", who="therapist", checkins=False)
    outbox_actions.send_due(timezone.make_aware(datetime.combine(timezone.localdate(), time(18, 0)), NAIROBI))
    body = SmsMessage.objects.get(client=mine, kind=Kind.REMINDER).body
    assert "at 09:30" in body  # in London it is 06:30


def test_without_a_site_the_organisations_zone_is_used(world):
    from tests.support.sms import evening_before, group_tomorrow

    _grp, members = group_tomorrow(world)
    consent(world, members[0].client, PHONES[0], checkins=False)
    assert outbox_actions.send_due(evening_before() - timedelta(hours=2)).queued == 0  # 16:00 London
    assert outbox_actions.send_due(evening_before()).queued == 1
    assert "at 10:00" in SmsMessage.objects.get().body


LIMA = ZoneInfo("America/Lima")  # UTC-5 all year: 8 hours behind Nairobi


def _nairobi_group_of_lima_clients(world, members=1):
    """A group meeting tomorrow at 10:00 at a Nairobi site, whose members' own site is in Lima."""
    admin = actor(world.m["admin"])
    nairobi = nairobi_site(world)
    lima = site_actions.save_site(admin, None, site_actions.SiteInput("Lima office", "clinic", "America/Lima", True, ""))
    tomorrow = timezone.localdate() + timedelta(days=1)
    grp = group(world, start_date=tomorrow, weekday=tomorrow.weekday(), start_time=time(10, 0), site_id=nairobi.pk)
    added = [group_actions.add_member(admin, grp.pk, client_of(world, given_name=f"Rosa{i}").pk)
             for i in range(members)]
    client_site_actions.set_client_site(admin, lima.pk, client_ids=[m.client_id for m in added])
    for i, member in enumerate(added):
        consent(world, member.client, PHONES[i], checkins=False)
    SmsConsent.objects.update(recorded_at=timezone.now() - timedelta(days=2))
    return added


def _nairobi(day_offset: int, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=day_offset), time(hour, minute)),
                               NAIROBI)


def test_a_reminder_scheduled_in_the_groups_zone_keeps_that_zones_night_whatever_the_clients_site(world):
    """The reminder is made on Nairobi's evening (the group meets there); the member's own site is in Lima. At 23:30
    in Nairobi (15:30 in Lima) it waits for 7:00 in Nairobi; at 7:30 in Nairobi (23:30 in Lima, but the session is
    at 10:00 in Nairobi) it goes. The night is the one of the zone the message was scheduled in."""
    _nairobi_group_of_lima_clients(world)
    assert outbox_actions.queue_due(_nairobi(0, 17, 5)) == 1
    reminder = SmsMessage.objects.get(kind=Kind.REMINDER)
    assert reminder.time_zone == "Africa/Nairobi"
    assert "at 10:00" in reminder.body

    assert outbox_actions.deliver_due(_nairobi(0, 23, 30))["night"] == 1  # daytime in Lima, night in Nairobi
    reminder.refresh_from_db()
    assert reminder.status == Status.QUEUED and reminder.next_attempt_at == _nairobi(1, 7, 0)
    # 7:30 in Nairobi is 23:30 in Lima: the client's site's night does not hold it past the session
    assert outbox_actions.deliver_due(_nairobi(1, 7, 30))["sent"] == 1
    reminder.refresh_from_db()
    assert reminder.sent_at == _nairobi(1, 7, 30) and reminder.sent_at.astimezone(LIMA).hour == 23


def test_a_reminder_held_by_the_daily_limit_waits_for_the_morning_of_the_groups_zone(world):
    """Two members, a limit of one message a day: the second reminder waits for 7:00 in Nairobi, where it was
    scheduled (4:00 UTC, before the 10:00 session), not 7:00 in the members' Lima (12:00 UTC, after it)."""
    sms_actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                              sandbox=True, daily_limit=1, send_hour=17)
    _nairobi_group_of_lima_clients(world, members=2)
    counts = outbox_actions.send_due(_nairobi(0, 17, 5)).counts
    assert counts["sent"] == 1 and counts["held"] == 1
    held = SmsMessage.objects.get(status=Status.HELD)
    assert held.next_attempt_at == _nairobi(1, 7, 0)
    assert outbox_actions.deliver_due(_nairobi(1, 7, 0))["sent"] == 1
