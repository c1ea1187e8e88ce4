"""An event listener (the webhooks' outbox) can never undo or stop the action that emitted: a risk alert above all."""

from __future__ import annotations

import pytest

from openipt.core import events
from openipt.safety import api
from openipt.safety.models import Alert
from tests.support.people import actor
from tests.support.safety import WORRYING


@pytest.fixture
def broken_listener():
    calls = []

    def listener(event_type, organisation_id, occurred_at, data):
        calls.append(event_type)
        from openipt.clients.models import Client

        Client.objects.update(given_name="written by a listener that then fails")  # undone with its savepoint
        raise RuntimeError("the webhook tables are locked")

    events.add_listener(listener)
    yield calls
    events.LISTENERS.remove(listener)


@pytest.mark.django_db
def test_a_failing_listener_leaves_the_alert_raised_and_its_own_writes_undone(world, broken_listener):
    client = world.clients["mine"]
    before = events.FAILURES["count"]
    [alert] = api.raise_for_text(client=client, text=WORRYING, source="practice.worksheet",
                                 actor=actor(world.m["client"]))
    assert broken_listener == [events.EventType.ALERT_RAISED]
    assert Alert.objects.filter(pk=alert.pk, status="raised").exists()
    client.refresh_from_db()
    assert client.given_name != "written by a listener that then fails"
    assert events.FAILURES["count"] == before + 1
