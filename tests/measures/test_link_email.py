"""Staff e-mail a one-time link from the course page: to the address on record or a typed one, at most 3 times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.clients.models import Client
from openipt.measures import actions, link_actions
from openipt.measures.models import OneTimeLink
from tests.support.measures import start_course
from tests.support.people import login


@pytest.fixture
def made(world, client):
    """The therapist makes a link on the course page; returns the course, the link, its token and the page."""
    Client.objects.filter(pk=world.clients["mine"].pk).update(email="maya@example.test")
    course = start_course(world)
    actions.ensure_default_schedule(course)
    login(client, world.m["therapist"])
    page = client.get(client.post(f"/measures/course/{course.pk}/links/new/")["Location"]).content.decode()
    token = page.split("/measures/link/")[1].split("/")[0]
    return course, OneTimeLink.objects.get(), token, page


def _send(client, course, link, token, email=""):
    response = client.post(f"/measures/course/{course.pk}/links/{link.pk}/send/", {"token": token, "email": email})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def _sent_events(link):
    return AuditEvent.objects.filter(event_type=link_actions.LINK_SENT.code, object_id=str(link.pk))


def test_the_page_offers_to_send_the_new_link_to_the_address_on_record(made):
    _course, _link, _token, page = made
    assert "Send by e-mail" in page and "maya@example.test" in page and "It can be sent 3 more times." in page


def test_the_link_is_e_mailed_with_nothing_clinical_in_it(made, client):
    course, link, token, _page = made
    page = _send(client, course, link, token)
    assert "The link was e-mailed to maya@example.test." in page
    [message] = mail.outbox
    assert message.to == ["maya@example.test"]
    assert message.subject == "A short questionnaire from your care team"
    assert f"/measures/link/{token}/" in message.body
    text = (message.subject + message.body.replace(token, "")).lower()  # a random token may hold "phq" or "ipt"
    for clinical in ("phq", "gad", "depress", "anxi", "score", "ipt", "therap", "maya", "okafor", "mood"):
        assert clinical not in text, clinical
    [event] = _sent_events(link)
    assert event.details == {"to": "address on record", "send": 1}
    assert "maya@example.test" not in str(event.details)
    # the link is still shown so it can be copied, with one send fewer left
    assert f"/measures/link/{token}/" in page and "It can be sent 2 more times." in page


def test_a_typed_address_is_checked_before_sending(made, client):
    course, link, token, _page = made
    page = _send(client, course, link, token, email="not an address")
    assert "That is not an e-mail address." in page and mail.outbox == [] and not _sent_events(link).exists()
    assert f"/measures/link/{token}/" in page  # nothing lost: the link can still be sent or copied
    _send(client, course, link, token, email="sam.carer@example.test")
    assert [m.to for m in mail.outbox] == [["sam.carer@example.test"]]
    assert _sent_events(link).get().details["to"] == "typed address"


def test_a_client_without_an_e_mail_address_is_refused_cleanly(world, made, client):
    course, link, token, _page = made
    Client.objects.filter(pk=world.clients["mine"].pk).update(email="")
    page = _send(client, course, link, token)
    assert "has no e-mail address on record" in page and mail.outbox == []


def test_a_link_is_sent_at_most_three_times(made, client):
    course, link, token, _page = made
    for _ in range(3):
        _send(client, course, link, token)
    page = _send(client, course, link, token)
    assert "e-mailed 3 times already" in page and len(mail.outbox) == 3 and _sent_events(link).count() == 3
    assert "Send by e-mail" not in page


@pytest.mark.parametrize("how", ["stopped", "expired", "replaced"])
def test_a_link_that_no_longer_works_is_not_sent(made, client, how):
    course, link, token, _page = made
    if how == "stopped":
        client.post(f"/measures/course/{course.pk}/links/{link.pk}/stop/")
    elif how == "expired":
        OneTimeLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1),
                                                      created_at=timezone.now() - timedelta(days=8))
    else:
        client.post(f"/measures/course/{course.pk}/links/new/")
    page = _send(client, course, link, token)
    assert "This link cannot be used any more, so it was not sent." in page
    assert mail.outbox == [] and not _sent_events(link).exists()


@pytest.mark.parametrize("wrong", ["", "x" * 43, "a/b" * 10])
def test_a_wrong_or_missing_token_sends_nothing(made, client, wrong):
    course, link, _token, _page = made
    page = _send(client, course, link, wrong)
    assert "That link was not found." in page and mail.outbox == []


@pytest.mark.parametrize("role", ["supervisor", "admin", "therapist2"])
def test_only_staff_who_may_make_the_link_may_send_it(world, made, client, role):
    course, link, token, _page = made
    login(client, world.m[role])
    response = client.post(f"/measures/course/{course.pk}/links/{link.pk}/send/", {"token": token})
    assert response.status_code in (403, 404) and mail.outbox == [] and not _sent_events(link).exists()


def test_a_mail_server_that_refuses_leaves_the_link_to_copy_and_no_record_of_a_send(made, client, settings):
    course, link, token, _page = made
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens there
    page = _send(client, course, link, token)
    assert "The e-mail could not be sent. Copy the link" in page and f"/measures/link/{token}/" in page
    assert not _sent_events(link).exists()
