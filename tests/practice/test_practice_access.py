"""Clients see only their own between-session work; staff see their clients' and only the assigned
care staff change anything. Everything is in the audit log."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.practice import access, actions, rehearsal_actions, reminder_actions, worksheet_actions
from tests.support.clock import at
from tests.support.people import actor, login
from tests.support.practice import start_course


@pytest.fixture
def work(world, me, therapist):
    own = world.clients["self"]
    start_course(world, held=1, next_in_days=1)
    reminder_actions.make_due_reminders(at(1, 9))
    return {
        "reading": actions.assign_reading(therapist, own.pk, "sick_role"),
        "entry": actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "Dan", "what_happened": "x",
                                            "feeling": "", "mood": 5}),
        "sheet": worksheet_actions.start_worksheet(me, "grief"),
        "talk": rehearsal_actions.start_rehearsal(me, "housework"),
        "reminder": own.reminders.first(),
    }


def test_another_client_reaches_none_of_it(world, client, work, second_portal_client):
    _other, other_actor = second_portal_client
    login(client, other_actor.membership)
    for url in [f"/me/reading/{work['reading'].pk}/", f"/me/log/{work['entry'].pk}/",
                f"/me/worksheets/{work['sheet'].pk}/", f"/me/practise/{work['talk'].pk}/"]:
        assert client.get(url).status_code == 404, url
    for url in [f"/me/reading/{work['reading'].pk}/read/", f"/me/reminders/{work['reminder'].pk}/seen/"]:
        assert client.post(url).status_code == 404, url
    # and their own lists do not show it
    for url in ["/me/", "/me/reading/", "/me/log/", "/me/worksheets/", "/me/practise/"]:
        page = client.get(url).content.decode()
        assert "It is OK to be unwell" not in page and f"/me/worksheets/{work['sheet'].pk}/" not in page
    with pytest.raises(ActionError):
        actions.mark_read(other_actor, work["reading"].pk)
    with pytest.raises(ActionError):
        reminder_actions.dismiss_reminder(other_actor, work["reminder"].pk)


def test_staff_see_their_clients_work_and_only_the_assigned_care_staff_change_it(world, client, work):
    own = world.clients["self"]
    assert access.staff_client(actor(world.m["therapist2"]), own.pk) is None
    assert access.staff_client(actor(world.m["other_admin"]), own.pk) is None
    assert access.readings(actor(world.m["therapist2"]), own) == []
    for who in ("therapist", "supervisor", "admin"):
        assert access.get_worksheet(actor(world.m[who]), work["sheet"].pk) is not None
        assert access.can_guide(actor(world.m[who]), own) == (who == "therapist")
    for who in ("supervisor", "admin"):
        with pytest.raises(ActionError, match="Only care staff assigned"):
            actions.assign_reading(actor(world.m[who]), own.pk, "mood_relationships")
    login(client, world.m["supervisor"])
    page = client.get(f"/me/care/{own.pk}/").content.decode()
    assert "You can read this." in page and 'action="/me/care/' not in page


def test_the_client_record_shows_a_between_sessions_panel(world, client, work, me):
    rehearsal_actions.send_message(me, work["talk"].pk, "Hello", expected_steps=0)
    login(client, world.m["therapist"])
    page = client.get(f"/clients/{world.clients['self'].pk}/").content.decode()
    panel = page.split('id="between-heading"')[1].split("</section>")[0]
    assert "1 log entry" in panel and "1 practice conversation" in panel
    assert f"/me/care/{world.clients['self'].pk}/" in panel


def test_staff_views_and_every_change_are_audited(world, client, work, me):
    login(client, world.m["supervisor"])
    client.get(f"/me/care/{world.clients['self'].pk}/")
    client.get(f"/me/care/{world.clients['self'].pk}/worksheets/{work['sheet'].pk}/")
    types = list(AuditEvent.objects.values_list("event_type", flat=True))
    for event in ("practice.reading_assigned", "practice.log_added", "practice.worksheet_started",
                  "practice.rehearsal_started", "practice.reminders_made", "practice.viewed"):
        assert event in types, event
    viewed = AuditEvent.objects.filter(event_type="practice.viewed").last()
    assert viewed.client_id == world.clients["self"].pk and viewed.actor_role == "supervisor"
