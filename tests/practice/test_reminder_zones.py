"""E-mail session reminders in the client's site's time zone (issue 18)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from openipt.accounts import site_actions
from openipt.clients import site_actions as client_site_actions
from openipt.practice import actions, reminder_actions
from openipt.practice.models import Reminder
from tests.practice.test_reminders import emailed  # noqa: F401 - a fixture
from tests.support.people import actor
from tests.support.practice import start_course


def test_a_client_at_a_nairobi_site_is_reminded_at_their_time_with_the_session_in_their_time(
    world,
    me,
    emailed,  # noqa: F811 - the fixture imported above
):
    site = site_actions.save_site(
        actor(world.m["admin"]),
        None,
        site_actions.SiteInput("Kibera centre", "clinic", "Africa/Nairobi", True, ""),
    )
    client_site_actions.set_client_site(
        actor(world.m["admin"]), site.pk, client_ids=[world.clients["self"].pk]
    )
    # 18:00 the day before, chosen by the client, is 18:00 in Nairobi (15:00 in London, the organisation's zone)
    actions.set_reminders(me, enabled=True, email=False, at=time(18, 0), days_before=1)
    course = start_course(world, held=0, next_in_days=3)  # the session: day 3 at 10:00 in London
    nairobi = ZoneInfo("Africa/Nairobi")
    session_at = course.sessions.get().scheduled_start.astimezone(
        nairobi
    )  # 13:00 in Nairobi (12:00 in summer)
    evening = timezone.make_aware(
        datetime.combine(session_at.date() - timedelta(days=1), time(18, 0)), nairobi
    )
    assert reminder_actions.make_due_reminders(evening - timedelta(minutes=1)) == (0, 0)
    made, _emails = reminder_actions.make_due_reminders(evening + timedelta(minutes=5))
    assert made == 1
    assert f", {session_at:%H:%M}" in Reminder.objects.get(kind="session").text
    assert session_at.strftime("%H:%M") != timezone.localtime(session_at).strftime(
        "%H:%M"
    )  # not London's time
