"""Reminders at the times clients chose: made once each by `openipt manage remind`, shown in the
portal, e-mailed through the task queue, and never when the client turned them off."""

from __future__ import annotations

from datetime import time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from openipt.core.errors import ActionError
from openipt.practice import actions, reminder_actions, worksheet_actions
from openipt.practice.models import Reminder
from tests.support.clock import at
from tests.support.people import actor, login
from tests.support.practice import start_course


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def emailed(world):
    """The portal client has an e-mail address."""
    from openipt.clients.actions import update_client

    own = world.clients["self"]
    own.refresh_from_db()
    update_client(actor(world.m["admin"]), own.pk, {"given_name": own.given_name, "family_name": own.family_name,
                                                    "email": "sam@example.test"}, expected_version=own.version)
    own.refresh_from_db()
    return own


def test_a_session_reminder_is_made_at_the_chosen_time_once_and_emailed_once(
        world, me, emailed, django_capture_on_commit_callbacks):
    # given a client who wants reminders at 18:00 the day before, with a session in 3 days at 10:00
    actions.set_reminders(me, enabled=True, email=True, at=time(18, 0), days_before=1)
    start_course(world, held=1, next_in_days=3, to_try="")
    # when `remind` runs just before the chosen time, nothing is due
    assert reminder_actions.make_due_reminders(at(2, 17).replace(minute=59)) == (0, 0)
    # when it runs after it, one reminder is made and its e-mail queued and sent
    with django_capture_on_commit_callbacks(execute=True):
        made = reminder_actions.make_due_reminders(at(2, 18).replace(minute=5))
    assert made == (1, 1)
    reminder = Reminder.objects.get(kind="session")
    assert reminder.email_state == "sent" and reminder.emailed_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.test"]
    assert "Your next session is on" in mail.outbox[0].body and "/me/" in mail.outbox[0].body
    assert "housework" not in mail.outbox[0].body.lower()  # no clinical detail by e-mail
    # when it runs again every few minutes, nothing is made or sent twice
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_actions.make_due_reminders(at(2, 18).replace(minute=10)) == (0, 0)
        assert reminder_actions.make_due_reminders(at(2, 21)) == (0, 0)
    assert Reminder.objects.count() == 1 and len(mail.outbox) == 1


def test_a_moved_session_gets_a_new_reminder(world, me, emailed):
    from openipt.courses import session_actions

    course = start_course(world, held=1, next_in_days=3, to_try="")
    reminder_actions.make_due_reminders(at(2, 19))
    session = course.sessions.get(number=2)
    session_actions.reschedule_session(actor(world.m["therapist"]), course.pk, 2, when=at(3, 15), duration=50,
                                       mode="video", expected_version=session.version)
    reminder_actions.make_due_reminders(at(2, 19).replace(minute=30))
    assert Reminder.objects.filter(kind="session").count() == 2


def test_reading_worksheets_and_things_to_try_are_reminded_the_day_after(world, me, therapist):
    start_course(world, held=1, next_in_days=None)
    own = world.clients["self"]
    actions.assign_reading(therapist, own.pk, "sick_role")
    worksheet_actions.assign_worksheet(therapist, own.pk, "grief")
    assert reminder_actions.make_due_reminders(at(0, 23)) == (0, 0)
    reminder_actions.make_due_reminders(at(1, 18).replace(minute=1))
    keys = sorted(k.split(":")[0] for k in Reminder.objects.values_list("key", flat=True))
    assert keys == ["reading", "try", "worksheet"]
    assert set(Reminder.objects.values_list("email_state", flat=True)) == {"skipped"}  # no e-mail address


def test_a_client_who_turns_reminders_off_gets_none(world, me, therapist, emailed):
    actions.set_reminders(me, enabled=False, email=True, at=time(9, 0), days_before=1)
    start_course(world, held=1, next_in_days=2)
    actions.assign_reading(therapist, world.clients["self"].pk, "sick_role")
    assert reminder_actions.make_due_reminders(at(1, 23)) == (0, 0)


def test_without_email_a_reminder_shows_in_the_portal_until_dismissed(world, client, me):
    actions.set_reminders(me, enabled=True, email=False, at=time(8, 30), days_before=0)
    start_course(world, held=1, next_in_days=1, to_try="")
    reminder_actions.make_due_reminders(at(1, 9))
    reminder = Reminder.objects.get()
    assert reminder.email_state == "skipped"
    login(client, world.m["client"])
    # the portal shows reminders that are due by now; this one is due tomorrow at 08:30
    Reminder.objects.filter(pk=reminder.pk).update(due_at=at(0, 0))
    page = client.get("/me/").content.decode()
    assert "Your next session is on" in page
    client.post(f"/me/reminders/{reminder.pk}/seen/")
    assert "Your next session is on" not in client.get("/me/").content.decode()


def test_a_mail_server_that_is_down_marks_the_reminder_failed(world, me, emailed, settings,
                                                               django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.practice.test_reminders.FailingBackend"
    start_course(world, held=1, next_in_days=2, to_try="")
    with django_capture_on_commit_callbacks(execute=True):
        reminder_actions.make_due_reminders(at(1, 19))
    assert Reminder.objects.get().email_state == "failed"


def test_the_remind_command_is_safe_to_repeat(world, me):
    start_course(world, held=1, next_in_days=1)
    out = StringIO()
    call_command("remind", "--dry-run", stdout=out)
    assert "would be made (dry run: nothing changed)" in out.getvalue()
    out = StringIO()
    call_command("remind", stdout=out)
    call_command("remind", stdout=out)
    assert out.getvalue().endswith("0 reminders made, 0 e-mails queued\n")


def test_reminder_choices_are_checked_beside_the_field(world, client, me):
    login(client, world.m["client"])
    response = client.post("/me/reminders/", {"reminders_enabled": "on", "reminder_email": "on",
                                              "reminder_time": "18:00", "session_days_before": "1"})
    assert "We have no e-mail address for you" in str(response.context["form"].errors["reminder_email"])
    response = client.post("/me/reminders/", {"reminders_enabled": "on", "reminder_time": "25:99",
                                              "session_days_before": "1"})
    assert "Choose a time of day" in str(response.context["form"].errors["reminder_time"])
    response = client.post("/me/reminders/", {"reminder_time": "07:15", "session_days_before": "2"})
    assert response.status_code == 302
    settings = world.clients["self"].practice
    assert (settings.reminders_enabled, settings.reminder_time, settings.session_days_before) == (False, time(7, 15), 2)
    with pytest.raises(ActionError):
        actions.set_reminders(me, enabled=True, email=False, at=time(7, 0), days_before=9)


def test_a_questionnaire_due_is_reminded_once_in_the_half_hour_after_the_chosen_time(world, me, therapist):
    # given a portal client with a course whose schedule asks for questionnaires now
    from django.utils import timezone

    from openipt.measures import actions as measures_actions
    from openipt.measures import api as measures_api

    course = start_course(world, held=1, next_in_days=1, to_try="")
    measures_actions.use_default_schedule(therapist, course.pk)
    due = measures_api.due_for_client(world.clients["self"])
    assert due, "the course's default schedule asks for questionnaires before session 2"
    now = timezone.now()
    chosen = (timezone.localtime(now) - timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    actions.set_reminders(me, enabled=True, email=False, at=chosen, days_before=1)
    # when `remind` runs five minutes after the chosen time, each questionnaire gets one reminder
    reminder_actions.make_due_reminders(now)
    made = Reminder.objects.filter(kind="questionnaire")
    assert sorted(made.values_list("key", flat=True)) == sorted(f"questionnaire:{d['key']}" for d in due)
    assert "A questionnaire is waiting for you" in made.first().text and made.first().url.startswith("/measures/")
    # and running again (or in the next hour, outside the window) adds none
    reminder_actions.make_due_reminders(now + timedelta(minutes=5))
    reminder_actions.make_due_reminders(now + timedelta(hours=1))
    assert Reminder.objects.filter(kind="questionnaire").count() == len(due)


def test_a_spanish_client_gets_the_reminder_and_its_e_mail_in_spanish(
        world, me, emailed, django_capture_on_commit_callbacks):
    from openipt.clients.models import Client

    Client.objects.filter(pk=emailed.pk).update(preferred_language="es")
    actions.set_reminders(me, enabled=True, email=True, at=time(18, 0), days_before=1)
    start_course(world, held=1, next_in_days=3, to_try="")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_actions.make_due_reminders(at(2, 18).replace(minute=5)) == (1, 1)
    assert Reminder.objects.get(kind="session").text.startswith("Tu próxima sesión es el ")
    sent = mail.outbox[0]
    assert sent.subject == "Un recordatorio de OpenIPT"
    assert "Entra para ver más:" in sent.body and "Tu próxima sesión es el " in sent.body
