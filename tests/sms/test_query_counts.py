"""The SMS page and a client's SMS page run the same number of queries whatever the number of messages and replies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.sms import actions, inbound_actions, outbox_actions
from openipt.sms.models import Kind, SmsConsent
from tests.support.people import login, make_client


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, start, n):
    row = actions.settings_for(world.org.pk)
    if row.pk is None:
        from tests.support.people import actor

        row = actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                                    sandbox=True, daily_limit=500, send_hour=17)
    from tests.support.sms import consent

    for i in range(start, start + n):
        person = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Texter{i}")
        phone = f"+25471{i:07d}"
        made = consent(world, person, phone, neutral_name="Tuesday group")
        outbox_actions.queue(SmsConsent.objects.get(pk=made.pk), Kind.REMINDER, "Tuesday group: see you", key=f"q{i}")
        inbound_actions.receive(row, {"from": phone, "text": "what?"}, b"")
        inbound_actions.receive(row, {"from": phone, "text": "STOP"}, b"")
    outbox_actions.deliver_due()


@pytest.mark.parametrize("who", ["admin", "therapist"])
def test_the_sms_page_does_not_grow_its_queries_with_the_data(world, client, who):
    login(client, world.m[who])
    _grow(world, 0, 1)
    small = _count(client, "/sms/")
    _grow(world, 1, 30)
    large = _count(client, "/sms/")
    assert large == small, f"/sms/ ran {small} queries with little data and {large} with more"


def test_a_clients_sms_page_does_not_grow_with_their_messages(world, client):
    login(client, world.m["therapist"])
    _grow(world, 0, 1)
    target = SmsConsent.objects.get().client
    url = f"/sms/clients/{target.pk}/"
    small = _count(client, url)
    for i in range(20):
        outbox_actions.queue(SmsConsent.objects.get(), Kind.THANKS, "thanks", key=f"more{i}")
    large = _count(client, url)
    assert large == small
