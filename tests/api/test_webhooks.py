"""Webhooks: registering (page and REST), the outbox written with the action, signed delivery to a real
HTTP server on localhost, retries with back-off, the delivery log, "send again", and address checks."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from openipt.api import webhook_actions, webhook_net
from openipt.api.models import DeliveryStatus, Webhook, WebhookDelivery
from openipt.audit.models import AuditEvent
from openipt.courses import actions as course_actions
from openipt.measures import actions as measure_actions
from openipt.safety.models import Alert
from tests.support.api import api_client, call, personal
from tests.support.measures import phq9, start_course
from tests.support.people import actor, login
from tests.support.safety import at, raise_text, run
from tests.support.webhooks import Receiver


def _browser(membership):
    from django.test import Client

    browser = Client()
    login(browser, membership)
    return browser

ALL_EVENTS = ["alert.raised", "alert.escalated", "questionnaire.completed", "course.ended"]


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def remote(receiver, settings):
    """The receiver, allowed by name as an admin of the server would (OPENIPT_WEBHOOK_ALLOWED_HOSTS)."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver.received.clear()
    receiver.status = 200
    return receiver


def _hook(world, url, events=ALL_EVENTS):
    return webhook_actions.create(actor(world.m["admin"]), name="Records", url=url, events=events)


def _verify(secret: str, headers: dict, body: bytes) -> bool:
    """What the integrating guide tells a receiver to do."""
    parts = dict(p.split("=", 1) for p in headers["OpenIPT-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@pytest.mark.django_db
def test_an_alert_is_recorded_with_its_action_and_delivered_signed_with_no_words_of_the_client(api_world, remote):
    world = api_world.world
    hook, secret = _hook(world, remote.url)
    [alert] = raise_text(world.clients["mine"], when=timezone.now())
    [row] = WebhookDelivery.objects.filter(webhook=hook)
    assert (row.event_type, row.status, row.attempts) == ("alert.raised", "pending", 0)

    assert webhook_actions.deliver_due() == {"delivered": 1, "not_delivered": 0}
    [got] = remote.received
    assert got["path"] == "/hook?x=1"
    assert _verify(secret, got["headers"], got["body"])
    assert not _verify("whsec_wrong", got["headers"], got["body"])
    payload = json.loads(got["body"])
    assert payload["type"] == "alert.raised" and payload["id"] == str(row.event_id)
    assert payload["data"]["alert_id"] == alert.pk and payload["data"]["client_id"] == alert.client_id
    assert payload["data"]["severity"] == alert.severity
    assert "better off" not in got["body"].decode() and "Maya" not in got["body"].decode()
    assert got["headers"]["OpenIPT-Event"] == "alert.raised"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code, row.next_attempt_at) == ("delivered", 1, 200, None)
    assert webhook_actions.deliver_due() == {"delivered": 0, "not_delivered": 0}  # sent once


@pytest.mark.django_db
def test_an_action_that_is_undone_leaves_no_event_and_an_unchosen_event_is_not_recorded(api_world, remote):
    world = api_world.world
    hook, _secret = _hook(world, remote.url, events=["course.ended"])
    raise_text(world.clients["mine"], when=timezone.now())
    assert not WebhookDelivery.objects.filter(webhook=hook).exists()  # alert.raised was not chosen

    hook2, _secret = _hook(world, remote.url, events=["alert.raised"])
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_text(world.clients["theirs"], when=timezone.now())
        assert WebhookDelivery.objects.filter(webhook=hook2).count() == 1
        raise RuntimeError("the action fails after the alert")
    assert not WebhookDelivery.objects.filter(webhook=hook2).exists()


@pytest.mark.django_db
def test_questionnaire_completed_course_ended_and_escalation_are_events_with_ids_and_scores(api_world, remote):
    world = api_world.world
    hook, _secret = _hook(world, remote.url)
    course = start_course(world, "theirs", therapist="therapist2")
    admin = measure_actions.enter_paper(
        actor(world.m["therapist2"]), course.pk, instrument_code="phq9", session_number=None,
        completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 0, 0, 0, 0, 0, difficulty=0))
    course_actions.transition_course(actor(world.m["therapist2"]), course.pk, "ended_early", reason="Moved away.")
    by_type = {d.event_type: d.payload["data"] for d in WebhookDelivery.objects.filter(webhook=hook)}
    assert by_type["questionnaire.completed"] == {
        "administration_id": str(admin.uuid), "client_id": course.client_id, "course_id": course.pk,
        "instrument": "phq9", "total": admin.total, "band": admin.band, "prorated": False,
        "safety_followup": False, "completed_at": by_type["questionnaire.completed"]["completed_at"]}
    assert by_type["course.ended"]["course_id"] == course.pk and by_type["course.ended"]["status"] == "ended_early"
    assert "Moved away" not in json.dumps(by_type)

    WebhookDelivery.objects.filter(webhook=hook).delete()
    raise_text(world.clients["group"], when=at(0))
    run(31)  # nobody acknowledged it: passed to the supervisor
    escalated = WebhookDelivery.objects.get(webhook=hook, event_type="alert.escalated").payload["data"]
    alert = Alert.objects.get(pk=escalated["alert_id"])
    assert escalated["status"] == "escalated" and escalated["told"] == "supervisor" and alert.status == "escalated"


@pytest.mark.django_db
def test_a_refused_delivery_is_retried_with_growing_pauses_then_given_up_and_the_alert_stays(api_world, remote):
    world = api_world.world
    hook, _secret = _hook(world, remote.url, events=["alert.raised"])
    remote.status = 503
    [alert] = raise_text(world.clients["mine"], when=timezone.now())
    row = WebhookDelivery.objects.get(webhook=hook)
    pauses = []
    for number in range(1, webhook_actions.MAX_ATTEMPTS + 1):
        now = timezone.now() + timedelta(days=number)  # past any pause
        before = timezone.now()
        tried = webhook_actions.attempt(row.pk, now)
        assert tried is not None and (tried.number, tried.status_code) == (number, 503)
        row.refresh_from_db()
        if row.next_attempt_at is not None:
            pauses.append(round((row.next_attempt_at - before).total_seconds() / 60))
    assert pauses == [1, 2, 4, 8, 16, 32, 64]
    assert (row.status, row.attempts, row.last_status_code) == ("failed", webhook_actions.MAX_ATTEMPTS, 503)
    assert webhook_actions.attempt(row.pk, timezone.now() + timedelta(days=30)) is None  # given up: not tried again
    assert webhook_actions.backoff(20) == timedelta(hours=6)  # the cap
    # The alert is untouched by all this: still open, on the staff's pages and escalating.
    alert.refresh_from_db()
    assert alert.status in ("raised", "escalated") and alert.acknowledged_at is None

    # "Send again" (the admin's button) tries once more, and this time the program answers.
    remote.status = 204
    response = _browser(world.m["admin"]).post(reverse("api:webhook_resend", args=[hook.pk, row.pk]))
    assert response.status_code == 302
    assert webhook_actions.deliver_due()["delivered"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", webhook_actions.MAX_ATTEMPTS + 1, 204)
    assert AuditEvent.objects.filter(event_type="api.webhook_resent").exists()
    page = _browser(world.m["admin"]).get(reverse("api:webhook", args=[hook.pk])).content.decode()
    assert "answered 503" in page and "answered 204" in page and "Delivered" in page


@pytest.mark.django_db
def test_an_address_that_turns_private_after_saving_is_refused_when_sending(api_world, remote, settings):
    world = api_world.world
    hook, _secret = _hook(world, remote.url, events=["alert.raised"])
    settings.WEBHOOK_ALLOWED_HOSTS = []  # no longer allowed: 127.0.0.1 is loopback
    raise_text(world.clients["mine"], when=timezone.now())
    assert webhook_actions.deliver_due() == {"delivered": 0, "not_delivered": 1}
    assert remote.received == []
    row = WebhookDelivery.objects.get(webhook=hook)
    assert row.status == "pending" and row.last_status_code is None and "private or local network" in row.last_error


@pytest.mark.django_db
def test_the_admin_page_registers_a_webhook_shows_the_secret_once_and_refuses_bad_input_saving_nothing(
        api_world, remote, settings):
    world = api_world.world
    browser = _browser(world.m["admin"])
    url = reverse("api:webhooks")
    page = browser.post(url, {"name": "Records", "url": remote.url, "events": ["alert.raised"]}).content.decode()
    hook = Webhook.objects.get(organisation=world.org, name="Records")
    assert "Copy the signing secret now" in page and "whsec_" in page
    assert hook.secret.startswith("sealed:v1:")  # sealed at rest, not shown again
    assert "whsec_" not in browser.get(url).content.decode().replace(hook.hint, "")
    assert AuditEvent.objects.filter(event_type="api.webhook_created").exists()

    settings.WEBHOOK_ALLOWED_HOSTS = []
    settings.WEBHOOK_ALLOW_HTTP = False
    cases = [
        ({"name": "", "url": "https://a.example", "events": ["alert.raised"]}, "This field is required"),
        ({"name": "X", "url": "https://a.example", "events": ["made.up"]}, "is not one of the available choices"),
        ({"name": "X", "url": "ftp://a.example/", "events": ["alert.raised"]}, "must start with https://"),
        ({"name": "X", "url": "http://203.0.113.9/", "events": ["alert.raised"]}, "Use an https:// address"),
        ({"name": "X", "url": "https://127.0.0.1:8443/", "events": ["alert.raised"]}, "private or local network"),
        ({"name": "X", "url": "https://10.1.2.3/", "events": ["alert.raised"]}, "private or local network"),
        ({"name": "X", "url": "https://169.254.169.254/latest", "events": ["alert.raised"]}, "private or local network"),
        ({"name": "X", "url": "https://[::1]/", "events": ["alert.raised"]}, "private or local network"),
        ({"name": "X", "url": "https://user:pw@a.example/", "events": ["alert.raised"]}, "user name and password"),
        ({"name": "X", "url": "https://no-such-host.invalid/", "events": ["alert.raised"]}, "could not be found"),
    ]
    before = Webhook.objects.count()
    for data, words in cases:
        response = browser.post(url, data)
        assert response.status_code == 200 and words in response.content.decode(), data
    assert Webhook.objects.count() == before
    # Rotate and delete, each audited; a deleted webhook's waiting messages are not sent.
    response = browser.post(reverse("api:webhook_change", args=[hook.pk, "rotate"]))
    assert "A new signing secret" in response.content.decode()
    raise_text(world.clients["mine"], when=timezone.now())
    browser.post(reverse("api:webhook_change", args=[hook.pk, "delete"]))
    assert WebhookDelivery.objects.get(webhook=hook).status == DeliveryStatus.CANCELLED
    assert {"api.webhook_rotated", "api.webhook_deleted"} <= set(
        AuditEvent.objects.filter(event_type__startswith="api.webhook").values_list("event_type", flat=True))
    assert browser.get(reverse("api:webhook", args=[hook.pk])).status_code == 404


@pytest.mark.django_db
def test_the_rest_endpoints_manage_webhooks_for_an_admins_token_or_an_api_client_only(api_world, remote):
    world = api_world.world
    _t, client_secret = api_client(world.m["admin"], scopes=["webhooks:manage"])
    made = call(client_secret, "POST", "webhooks", {"name": "Warehouse", "url": remote.url, "events": ["course.ended"]})
    assert made.status_code == 201, made.content
    hook_id = made.json()["webhook"]["id"]
    assert made.json()["secret"].startswith("whsec_")
    listed = call(client_secret, "GET", "webhooks").json()["items"]
    assert [h["id"] for h in listed] == [hook_id] and "secret" not in listed[0]
    bad = call(client_secret, "POST", "webhooks", {"name": "X", "url": "https://10.0.0.1/", "events": ["course.ended"]})
    assert bad.status_code == 422 and "url" in bad.json()["error"]["fields"]
    unknown = call(client_secret, "POST", "webhooks", {"name": "X", "url": remote.url, "events": ["x"], "extra": 1})
    assert unknown.status_code == 422

    # A therapist's token with the scope is still not an admin; another organisation sees nothing.
    therapist = personal(world.m["therapist"], scopes=["webhooks:manage"])[1]
    assert call(therapist, "POST", "webhooks", {"name": "X", "url": remote.url, "events": ["course.ended"]}).status_code == 403
    assert call(therapist, "GET", "webhooks").json()["items"] == []
    other = api_client(world.m["other_admin"], scopes=["webhooks:manage"])[1]
    assert call(other, "GET", f"webhooks/{hook_id}").status_code == 404
    assert call(other, "DELETE", f"webhooks/{hook_id}").status_code == 404
    no_scope = api_client(world.m["admin"], scopes=["clients:read"])[1]
    assert call(no_scope, "GET", "webhooks").status_code == 403

    rotated = call(client_secret, "POST", f"webhooks/{hook_id}/rotate")
    assert rotated.status_code == 200 and rotated.json()["secret"] != made.json()["secret"]
    course = start_course(world, "theirs", therapist="therapist2")
    course_actions.transition_course(actor(world.m["therapist2"]), course.pk, "ended_early", reason="Moved away.")
    webhook_actions.deliver_due()
    [delivery] = call(client_secret, "GET", f"webhooks/{hook_id}/deliveries").json()["items"]
    assert (delivery["event_type"], delivery["status"], delivery["last_status_code"]) == ("course.ended", "delivered", 200)
    again = call(client_secret, "POST", f"webhooks/{hook_id}/deliveries/{delivery['id']}/retry")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    assert call(client_secret, "POST", f"webhooks/{hook_id}/deliveries/999999/retry").status_code == 404
    assert call(client_secret, "DELETE", f"webhooks/{hook_id}").status_code == 200
    assert call(client_secret, "GET", f"webhooks/{hook_id}").status_code == 404
    kinds = set(AuditEvent.objects.filter(event_type__startswith="api.webhook").values_list("event_type", flat=True))
    assert {"api.webhook_created", "api.webhook_rotated", "api.webhook_deleted", "api.webhook_resent"} <= kinds


@pytest.mark.parametrize("address, refused", [
    ("127.0.0.1", True), ("10.0.0.8", True), ("172.16.4.4", True), ("192.168.1.1", True), ("169.254.169.254", True),
    ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True), ("::1", True), ("fe80::1", True), ("fc00::1", True),
    ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", True), ("8.8.8.8", False), ("2606:4700::1111", False),
    ("64:ff9b::7f00:1", True), ("2002:7f00:1::1", True), ("::127.0.0.1", True), ("64:ff9b::a9fe:a9fe", True),
    ("64:ff9b:1::a00:1", True), ("2002:a9fe:a9fe::1", True), ("2001:0:4136:e378:8000:63bf:80ff:fffe", True),
    ("2002:808:808::1", False),
])
def test_loopback_private_link_local_and_other_non_public_addresses_are_refused(address, refused):
    assert webhook_net._refused_address(address) is refused


def test_an_address_is_refused_before_any_lookup_when_its_form_is_wrong():
    with override_settings(WEBHOOK_ALLOW_HTTP=False):
        for url, words in [("", "Give the address"), ("https://exa mple.org/", "without spaces"),
                           ("https://ex\u00e4mple.org/", "plain characters"), ("https://a.example:99999/", "not a web address"),
                           ("https://a.example/#x", "after #"), ("http://a.example/", "https://"), ("https:///x", "no host")]:
            with pytest.raises(webhook_net.TargetRefused) as refused:
                webhook_net.parse(url)
            assert words in str(refused.value), url
    assert webhook_net.parse("https://a.example/in?x=1") == webhook_net.Target("https", "a.example", 443, "/in?x=1")


def test_the_signature_is_an_hmac_of_the_time_and_the_body():
    value = webhook_net.signature("whsec_k", 1700000000, b'{"a":1}')
    expected = hmac.new(b"whsec_k", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert value == f"t=1700000000,v1={expected}"


@pytest.mark.django_db
def test_a_batch_tells_webhooks_of_each_alert_as_raised_then_of_each_questionnaire(api_world, remote):
    """The batch's alerts are told to webhooks together when they are all raised: one row an alert, as alone."""
    world = api_world.world
    hook, _secret = _hook(world, remote.url)
    course = start_course(world, "theirs", therapist="therapist2")
    _token, secret = personal(world.m["therapist2"])
    risky, calm = (1, 1, 1, 1, 1, 1, 1, 1, 2), (1, 1, 1, 1, 0, 0, 0, 0, 0)
    body = {"responses": [
        {"key": f"w-{n}", "course_id": course.pk, "instrument_code": "phq9",
         "completed_on": timezone.localdate().isoformat(), "answers": phq9(*values, difficulty=0)}
        for n, values in enumerate((risky, calm, risky))]}
    answer = call(secret, "POST", "administrations/batch", body).json()
    assert [r["alerts"] for r in answer["results"]] == [1, 0, 1]
    rows = list(WebhookDelivery.objects.filter(webhook=hook).order_by("pk"))
    assert [r.event_type for r in rows] == ["alert.raised"] * 2 + ["questionnaire.completed"] * 3
    alerts = list(Alert.objects.filter(client=course.client).order_by("pk"))
    assert [r.payload["data"]["alert_id"] for r in rows[:2]] == [a.pk for a in alerts]
    assert all(r.payload["data"]["status"] == "raised" and r.payload["data"]["level"] == 0 for r in rows[:2])
    assert len({r.event_id for r in rows}) == 5
