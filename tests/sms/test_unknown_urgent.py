"""Worrying words from a number we do not know reach a person (issue 19): an item that stays on the SMS page and
on Today until an admin or the safeguarding lead closes it with a note, and an e-mail like a risk alert's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.safety import settings_actions
from openipt.sms import actions, outbox_actions, urgent_actions
from openipt.sms.models import Outcome, SmsReply
from tests.sms.test_inbound import reply
from tests.support.people import actor, login
from tests.support.sms import PHONES, FakeAfricasTalking, consent, group_tomorrow

WORRYING = "I want to kill myself tonight"
STRANGER = "+255700000998"


class BrokenMail:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def members(world):
    _grp, added = group_tomorrow(world)
    consent(world, added[0].client, PHONES[0])
    return added


@pytest.mark.django_db(transaction=True)
def test_from_the_gateway_to_an_admins_note_end_to_end(world, members, live_server, client):
    fake = FakeAfricasTalking()  # the gateway, posting to the secret address as Africa's Talking does
    try:
        row = actions.save_settings(
            actor(world.m["admin"]),
            backend="console",
            username="",
            api_key="",
            sender="",
            sandbox=True,
            daily_limit=50,
            send_hour=17,
        )
        url = live_server.url + reverse("sms:inbound", args=[row.inbound_token])
        status, _ = fake.post_form(
            url,
            {
                "from": STRANGER,
                "to": "12345",
                "text": WORRYING,
                "id": "in-77",
                "date": "2026-12-07 21:00:00",
                "linkId": "x",
            },
        )
    finally:
        fake.close()
    assert status == 200
    got = SmsReply.objects.get()
    assert (got.outcome, got.urgent, got.client_id) == (Outcome.UNKNOWN, True, None)
    # told at once, by e-mail like an alert: every admin, with no words, no number and no name in it
    got.refresh_from_db()
    assert got.notified_at is not None
    sent = [m for m in mail.outbox if "unknown number" in m.subject]
    assert {a for m in sent for a in m.to} == {world.m["admin"].user.email}
    body = sent[0].body
    assert "kill" not in body and "998" not in body and members[0].client.given_name not in body
    # the item appears on the admin's Today page, beside the open alerts, and first on the SMS page
    login(client, world.m["admin"])
    today = client.get(reverse("today:today")).content.decode()
    assert "Urgent text messages from unknown numbers" in today
    page = client.get(reverse("sms:outbox")).content.decode()
    assert WORRYING in page and "Urgent: worrying words from a number we do not know" in page
    assert members[0].client.given_name not in page.split("Messages")[0]  # no guess at whose number it is
    # closing it needs a note of what was done
    client.post(reverse("sms:handled", args=[got.pk]), {"note": "  "})
    assert SmsReply.objects.get(pk=got.pk).handled_at is None
    client.post(
        reverse("sms:handled", args=[got.pk]),
        {
            "note": "Called back: a neighbour's phone; she is safe "
            "with her sister and agreed to see the nurse."
        },
    )
    done = SmsReply.objects.get(pk=got.pk)
    assert done.handled_at is not None and done.handled_by_id == world.m["admin"].pk
    assert done.handled_note.startswith("Called back")
    event = AuditEvent.objects.filter(event_type="sms.reply_handled").latest("pk")
    assert (
        event.actor_user_id == world.m["admin"].user_id
        and event.details["urgent"]
        and event.details["with_note"]
    )
    assert event.object_id == str(got.pk) and event.client_id is None
    assert (
        "Urgent text messages from unknown numbers" not in client.get(reverse("today:today")).content.decode()
    )


def test_it_stays_until_a_person_acts_and_only_the_admins_and_the_safety_lead_see_it(world, members, client):
    got = reply(world, WORRYING, phone=STRANGER)
    assert got.urgent and got.handled_at is None
    for who in ("therapist", "facilitator", "supervisor"):  # not theirs: they see no unknown number at all
        login(client, world.m[who])
        assert "Urgent text messages" not in client.get(reverse("today:today")).content.decode()
        assert client.post(reverse("sms:handled", args=[got.pk]), {"note": "x"}).status_code == 404
    # the organisation's safeguarding lead sees it and may close it
    settings_actions.set_safeguarding_lead(actor(world.m["admin"]), world.m["therapist"].pk)
    login(client, world.m["therapist"])
    assert "Urgent text messages from unknown numbers" in client.get(reverse("today:today")).content.decode()
    with pytest.raises(ActionError) as exc:
        actions.mark_handled(actor(world.m["therapist"]), got.pk, "")
    assert exc.value.field == "note"
    actions.mark_handled(actor(world.m["therapist"]), got.pk, "Rang the number; no answer. Will try at 9.")
    assert SmsReply.objects.get(pk=got.pk).handled_by_id == world.m["therapist"].pk


def test_the_safety_lead_is_emailed_too(world, members):
    settings_actions.set_safeguarding_lead(actor(world.m["admin"]), world.m["supervisor"].pk)
    got = reply(world, WORRYING, phone=STRANGER)
    assert urgent_actions.notify(got.pk) == "sent"
    assert {a for m in mail.outbox for a in m.to} == {
        world.m["admin"].user.email,
        world.m["supervisor"].user.email,
    }
    assert urgent_actions.notify(got.pk) == "nothing"  # once


def test_a_failed_email_is_shown_and_sent_by_a_later_run_of_the_sender(world, members, settings, client):
    settings.EMAIL_BACKEND = "tests.sms.test_unknown_urgent.BrokenMail"
    got = reply(world, WORRYING, phone=STRANGER)
    now = timezone.now()
    assert outbox_actions.send_due(now).urgent == {"failed": 1}
    row = SmsReply.objects.get(pk=got.pk)
    assert row.notified_at is None and "mail server is down" in row.notify_error
    login(client, world.m["admin"])
    assert "The e-mail to the admins has not gone yet" in client.get(reverse("sms:outbox")).content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_actions.send_due(now + timedelta(seconds=30)).urgent == {}  # waits its pause (1 minute)
    assert outbox_actions.send_due(now + timedelta(minutes=2)).urgent == {"sent": 1}
    assert SmsReply.objects.get(pk=got.pk).notified_at is not None and len(mail.outbox) == 1


def test_calm_words_from_an_unknown_number_make_no_urgent_item(world, members, client):
    got = reply(world, "hello who is this", phone=STRANGER)
    assert not got.urgent and outbox_actions.send_due(timezone.now()).urgent == {} and not mail.outbox
    actions.mark_handled(actor(world.m["admin"]), got.pk)  # an ordinary reply needs no note
    assert SmsReply.objects.get(pk=got.pk).handled_at is not None
