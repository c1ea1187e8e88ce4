"""Notifications: e-mail through Django's mail, retried; a failure is visible and never blocks or loses an alert."""

from __future__ import annotations

from django.core import mail
from django.test import override_settings

from openipt.safety import api, notify
from openipt.safety.models import Alert, AlertEvent, Delivery, DeliveryStatus
from tests.support.people import login
from tests.support.safety import WORRYING, at, raise_text, run

CLOSED_PORT = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,  # the discard port: nothing listens there, so the connection is refused
    "EMAIL_TIMEOUT": 2,
    "EMAIL_USE_TLS": False,
}


def test_the_first_email_goes_out_after_the_commit_and_holds_no_clinical_details(world, django_capture_on_commit_callbacks):
    """HAZ-006: the assigned therapist is e-mailed at once; the message names the record number and a link, not the words."""
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = api.raise_for_text(client=world.clients["mine"], text=WORRYING, source="practice.log")
    [message] = mail.outbox
    assert message.to == [world.m["therapist"].user.email]
    assert world.clients["mine"].record_number in message.subject
    assert f"/safety/alerts/{alert.pk}/" in message.body
    assert "better off" not in message.body and "Maya" not in message.body
    assert Delivery.objects.get(alert=alert).status == DeliveryStatus.SENT


@override_settings(**CLOSED_PORT)
def test_a_mail_server_that_refuses_never_blocks_the_alert_and_the_failure_is_visible_and_retried(world, client):
    """HAZ-006, HAZ-010: the alert is stored; the failed try is on the alert; a later run sends it once the server works."""
    [alert] = raise_text(world.clients["mine"])
    assert run(0)["pending"] == 1
    delivery = Delivery.objects.get(alert=alert)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()
    assert delivery.next_attempt_at == at(1)
    assert AlertEvent.objects.filter(alert=alert, kind="delivery_retry").exists()
    login(client, world.m["therapist"])
    page = client.get(f"/safety/alerts/{alert.pk}/").content.decode()
    assert "Waiting to be sent" in page and "next try" in page
    run(0.5)  # not yet time for the retry
    assert Delivery.objects.get(alert=alert).attempts == 1
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        run(1)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert len(mail.outbox) == 1


@override_settings(**CLOSED_PORT)
def test_after_the_last_try_the_delivery_is_marked_failed_on_the_alert_and_the_list(world, client):
    """HAZ-006: a delivery that never gets through says so where staff look; the banner still shows the alert."""
    [alert] = raise_text(world.clients["mine"])
    for minutes in (0, 1, 6, 21, 81, 321):
        run(minutes)
    delivery = Delivery.objects.get(alert=alert, recipient=world.m["therapist"])
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == notify.MAX_ATTEMPTS
    run(2000)
    delivery.refresh_from_db()
    assert delivery.attempts == notify.MAX_ATTEMPTS  # no more tries
    assert AlertEvent.objects.filter(alert=alert, kind="delivery_failed", details__to=str(world.m["therapist"].user)).count() == 1
    login(client, world.m["therapist"])
    assert "an e-mail could not be sent" in client.get("/safety/alerts/").content.decode()
    detail = client.get(f"/safety/alerts/{alert.pk}/").content.decode()
    assert "E-mail could not be sent" in detail and "Failed" in detail
    assert "risk alert is waiting for someone to act" in client.get("/clients/").content.decode()


@override_settings(EMAIL_BACKEND="no.such.EmailBackend")
def test_a_misconfigured_mail_backend_never_loses_the_alert(world, django_capture_on_commit_callbacks):
    """HAZ-010: a backend that cannot even be loaded leaves the alert stored and the delivery waiting to retry."""
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = api.raise_for_text(client=world.clients["mine"], text=WORRYING, source="practice.log")
    assert Alert.objects.filter(pk=alert.pk).exists()
    delivery = Delivery.objects.get(alert=alert)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("ModuleNotFoundError")


def test_a_person_without_an_email_address_is_marked_failed_at_once(world):
    """HAZ-006: a missing address is a visible failure, not a silent skip."""
    user = world.m["therapist"].user
    user.email = ""
    user.save(update_fields=["email"])
    [alert] = raise_text(world.clients["mine"])
    run(0)
    delivery = Delivery.objects.get(alert=alert)
    assert delivery.status == DeliveryStatus.FAILED and "No e-mail address" in delivery.last_error


@override_settings(**CLOSED_PORT)
def test_a_message_still_waiting_when_someone_acts_is_not_sent(world):
    """HAZ-006: once the alert is acknowledged, retries stop and the e-mail is marked as not needed."""
    from openipt.safety import actions
    from tests.support.people import actor

    [alert] = raise_text(world.clients["mine"])
    run(0)
    actions.acknowledge(actor(world.m["therapist"]), alert.pk, now=at(0.5))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        run(1)
    assert Delivery.objects.get(alert=alert).status == DeliveryStatus.SKIPPED
    assert mail.outbox == []
