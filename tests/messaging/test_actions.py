"""Sending, reading and refusing secure messages, through the real actions and database."""

from __future__ import annotations

import pytest
from django.core import mail

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.messaging import access, actions
from openipt.messaging.models import MAX_LENGTH, Message
from openipt.safety.models import Alert
from tests.support.messaging import CALM, WORRYING, client_writes, therapist_replies
from tests.support.people import actor


def test_a_client_message_is_stored_as_typed_and_audited(world):
    sent = client_writes(world, "  Hello <b>there</b>\r\nsecond line  ")
    message = Message.objects.get(pk=sent.message.pk)
    assert message.body == "Hello <b>there</b>\nsecond line"
    assert message.from_client and message.client == world.clients["self"] and message.read_at is None
    assert sent.alerts == []
    event = AuditEvent.objects.get(event_type="messaging.sent", object_id=str(message.pk))
    assert event.client_id == world.clients["self"].pk and event.details["from"] == "client"
    assert "Hello" not in str(event.details)  # the audit log holds no message words


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_an_empty_message_is_refused_beside_the_box(world, text):
    with pytest.raises(ActionError) as refused:
        client_writes(world, text)
    assert refused.value.field == "body" and "Write your message first" in refused.value.message
    assert not Message.objects.exists()


def test_a_message_over_the_limit_is_refused_with_the_numbers(world):
    client_writes(world, "a" * MAX_LENGTH)  # exactly the limit goes through
    with pytest.raises(ActionError) as refused:
        client_writes(world, "a" * (MAX_LENGTH + 1))
    assert refused.value.field == "body"
    assert f"{MAX_LENGTH + 1:,} characters long; the most is {MAX_LENGTH:,}" in refused.value.message
    assert Message.objects.count() == 1


def test_a_worrying_message_raises_an_alert_about_that_message_and_is_kept(world):
    sent = client_writes(world, WORRYING)
    [alert] = sent.alerts
    assert Alert.objects.filter(pk=alert.pk, client=world.clients["self"], rule_kind="free_text").exists()
    assert (alert.source, alert.source_type, alert.source_id) == (
        "messaging.message",
        "messaging.message",
        str(sent.message.pk),
    )
    assert alert.text == WORRYING
    assert Message.objects.filter(pk=sent.message.pk, body=WORRYING).exists()


def test_the_care_team_replies_and_others_may_not(world):
    client_writes(world)
    reply = therapist_replies(world)
    assert not reply.from_client and reply.sender == world.m["therapist"]
    for role in ("therapist2", "facilitator", "supervisor", "admin", "other_admin", "other_therapist"):
        with pytest.raises(ActionError):
            actions.reply(actor(world.m[role]), world.clients["self"].pk, "Hello")
    assert Message.objects.filter(from_client=False).count() == 1


def test_staff_cannot_send_as_a_client_and_a_client_cannot_reply_to_another_record(world):
    with pytest.raises(ActionError):
        actions.send_from_client(actor(world.m["therapist"]), CALM)
    with pytest.raises(ActionError):
        actions.reply(actor(world.m["client"]), world.clients["mine"].pk, CALM)
    assert not Message.objects.exists()


def test_who_may_read_a_thread(world):
    own = world.clients["self"]
    readers = {role for role in world.m if access.can_read(actor(world.m[role]), own)}
    # the client, their therapist, and the therapist's supervisor (who may see the record); no admin, nobody else
    assert readers == {"client", "therapist", "supervisor"}
    senders = {role for role in world.m if access.can_send(actor(world.m[role]), own)}
    assert senders == {"client", "therapist"}


def test_opening_the_thread_marks_the_other_sides_messages_read_and_records_who(world):
    sent = client_writes(world)
    reply = therapist_replies(world)
    own = world.clients["self"]
    # the therapist opens the thread: the client's message is read by them; their own reply stays unread
    assert actions.open_thread(actor(world.m["therapist"]), own) == 1
    sent.message.refresh_from_db()
    reply.refresh_from_db()
    assert sent.message.read_by == world.m["therapist"] and sent.message.read_at is not None
    assert reply.read_at is None
    # the client opens it: the reply is read by the client
    assert actions.open_thread(actor(world.m["client"]), own) == 1
    reply.refresh_from_db()
    assert reply.read_by == world.m["client"] and reply.read_at is not None
    # opening again marks nothing new and keeps the first time
    first = reply.read_at
    assert actions.open_thread(actor(world.m["client"]), own) == 0
    reply.refresh_from_db()
    assert reply.read_at == first
    reads = AuditEvent.objects.filter(event_type="messaging.read", client_id=own.pk)
    assert reads.count() == 2


def test_a_supervisor_looking_on_marks_nothing_read_but_the_look_is_audited(world):
    sent = client_writes(world)
    own = world.clients["self"]
    assert actions.open_thread(actor(world.m["supervisor"]), own) == 0
    sent.message.refresh_from_db()
    assert sent.message.read_at is None
    assert AuditEvent.objects.filter(
        event_type="messaging.viewed", client_id=own.pk, actor_user_id=world.m["supervisor"].user_id
    ).exists()


def test_the_e_mail_to_the_care_team_says_a_message_came_and_holds_none_of_its_words(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_writes(world, WORRYING)
    # two e-mails: the risk alert's own, and this one about the message
    [email] = [m for m in mail.outbox if "new message" in m.subject]
    assert email.to == [world.m["therapist"].user.email]
    assert f"/messages/clients/{world.clients['self'].pk}/" in email.body
    for words in (WORRYING, "better off", "everyone"):
        assert all(words not in m.body and words not in m.subject for m in mail.outbox)
    # the subject names no one: a subject shows on lock screens and in mail previews
    client = world.clients["self"]
    assert email.subject == "You have a new message in OpenIPT"
    for who in (client.record_number, client.given_name, client.display_name):
        assert who and who not in email.subject
    assert AuditEvent.objects.filter(event_type="messaging.emailed", object_id=str(sent.message.pk)).exists()


def test_a_failed_new_message_e_mail_is_logged_and_the_message_kept(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(actions, "send_mail", broken)
    with caplog.at_level("ERROR", logger="openipt.messaging"):
        with django_capture_on_commit_callbacks(execute=True):
            sent = client_writes(world, CALM)
    assert Message.objects.filter(pk=sent.message.pk).exists()
    [record] = [r for r in caplog.records if r.name == "openipt.messaging"]
    assert "new-message e-mail failed" in record.getMessage() and record.exc_info is not None


def test_the_e_mail_to_the_client_holds_no_words_of_the_reply(world, django_capture_on_commit_callbacks):
    from openipt.clients.models import Client

    Client.objects.filter(pk=world.clients["self"].pk).update(email="sam.client@example.test")
    secret = "Your scan results came back and we should talk about the lump."
    with django_capture_on_commit_callbacks(execute=True):
        therapist_replies(world, secret)
    [email] = mail.outbox
    assert email.to == ["sam.client@example.test"]
    assert "/messages/mine/" in email.body
    assert "scan" not in email.body and "lump" not in email.body and "scan" not in email.subject
    assert email.subject == "You have a new message in OpenIPT"


def test_no_e_mail_when_the_client_has_no_address(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        therapist_replies(world)
    assert mail.outbox == []


def test_the_reply_time_is_an_admin_setting_kept_in_range(world):
    admin = actor(world.m["admin"])
    assert actions.reply_days(world.org.pk) == 2
    saved = actions.set_reply_days(admin, 3, expected_version=0)
    assert actions.reply_days(world.org.pk) == 3 and actions.reply_days(world.other_org.pk) == 2
    with pytest.raises(ActionError) as refused:
        actions.set_reply_days(admin, 30, expected_version=saved.version)
    assert refused.value.field == "reply_days"
    with pytest.raises(ActionError):
        actions.set_reply_days(actor(world.m["therapist"]), 1, expected_version=saved.version)
    assert actions.reply_days(world.org.pk) == 3
