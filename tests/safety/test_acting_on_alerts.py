"""Acknowledging and resolving: once, by whoever is first, with a note, and never lost or deleted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from openipt.audit.models import AuditEvent
from openipt.clients.models import ClientSignal
from openipt.core.errors import ActionError, ConflictError
from openipt.safety import actions
from openipt.safety.models import Alert, AlertEvent, AlertStatus, Delivery
from tests.support.people import actor, login
from tests.support.safety import raise_text


def test_acknowledging_twice_changes_nothing_the_second_time(world):
    """HAZ-006: the second press is told who acted first; one acknowledgement is recorded."""
    [alert] = raise_text(world.clients["mine"])
    first, changed = actions.acknowledge(actor(world.m["therapist"]), alert.pk)
    assert changed and first.status == AlertStatus.ACKNOWLEDGED and first.acknowledged_by == world.m["therapist"]
    again, changed = actions.acknowledge(actor(world.m["supervisor"]), alert.pk)
    assert not changed and again.acknowledged_by == world.m["therapist"]
    assert "acknowledged this alert at" in actions.already_acted_message(again)
    assert AlertEvent.objects.filter(alert=alert, kind="acknowledged").count() == 1
    assert AuditEvent.objects.filter(event_type="safety.alert_acknowledged").count() == 1


def test_two_people_pressing_acknowledge_on_the_same_page_both_land_cleanly(world, client):
    """HAZ-006: both had the page open; the second sees who acted first instead of an error."""
    [alert] = raise_text(world.clients["mine"])
    for who in ("therapist", "supervisor"):
        login(client, world.m[who])
        assert client.get(f"/safety/alerts/{alert.pk}/").status_code == 200
    login(client, world.m["therapist"])
    response = client.post(f"/safety/alerts/{alert.pk}/acknowledge/", follow=True)
    assert "Alert acknowledged." in response.content.decode()
    login(client, world.m["supervisor"])
    response = client.post(f"/safety/alerts/{alert.pk}/acknowledge/", follow=True)
    assert response.status_code == 200
    assert "acknowledged this alert at" in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).acknowledged_by == world.m["therapist"]


@pytest.mark.skipif(
    "sqlite" in __import__("os").environ.get("DATABASE_URL", "sqlite"),
    reason="the SQLite test database lives in memory with a shared cache, where a second writer gets 'table is locked' "
    "instead of waiting; this race runs on PostgreSQL (make test with DATABASE_URL) and the file-based SQLite of a real "
    "site waits (busy_timeout)",
)
@pytest.mark.django_db(transaction=True)
def test_two_acknowledgements_at_the_same_moment_record_exactly_one(transactional_db):
    """HAZ-006: two requests racing in separate connections: one wins, the other changes nothing."""
    from tests.support.people import make_world

    world = make_world()
    [alert] = raise_text(world.clients["mine"])
    start = threading.Barrier(2)
    results, errors = [], []

    def press(who):
        try:
            start.wait(timeout=10)
            results.append(actions.acknowledge(actor(world.m[who]), alert.pk)[1])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(who,)) for who in ("therapist", "supervisor")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == [False, True]
    assert AlertEvent.objects.filter(alert=alert, kind="acknowledged").count() == 1


def test_resolving_needs_a_note_and_keeps_the_alert_open_without_one(world, client):
    """HAZ-006 (bad input): no note → a message beside the field, the alert stays open, nothing else is lost."""
    [alert] = raise_text(world.clients["mine"])
    with pytest.raises(ActionError) as refused:
        actions.resolve(actor(world.m["therapist"]), alert.pk, "   ")
    assert refused.value.field == "note"
    login(client, world.m["therapist"])
    response = client.post(f"/safety/alerts/{alert.pk}/resolve/", {"note": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write what was done" in page and 'id="id_note_error1"' in page
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RAISED


def test_resolving_acknowledges_first_records_the_note_and_clears_the_caseload_signal(world, client):
    """HAZ-006: the signal stays urgent while any alert is open and clears when none is."""
    [first] = raise_text(world.clients["mine"])
    [second] = raise_text(world.clients["mine"], "I would never hurt myself", obj=world.clients["theirs"])
    login(client, world.m["therapist"])
    response = client.post(f"/safety/alerts/{first.pk}/resolve/", {"note": "Called her; safe; plan reviewed."}, follow=True)
    assert "Alert resolved." in response.content.decode()
    first.refresh_from_db()
    assert first.status == AlertStatus.RESOLVED and first.acknowledged_by == world.m["therapist"]
    assert first.resolution_note == "Called her; safe; plan reviewed."
    assert ClientSignal.objects.get(client=world.clients["mine"], source="safety").level == 3
    actions.resolve(actor(world.m["supervisor"]), second.pk, "Reviewed with the therapist.")
    assert not ClientSignal.objects.filter(client=world.clients["mine"], source="safety").exists()
    assert [e.kind for e in AlertEvent.objects.filter(alert=first)][-2:] == ["acknowledged", "resolved"]


def test_resolving_a_resolved_alert_says_who_did_and_keeps_the_second_note_in_the_form(world, client):
    """HAZ-006: the second person's note is not silently dropped: it stays in the form with the explanation."""
    [alert] = raise_text(world.clients["mine"])
    actions.resolve(actor(world.m["therapist"]), alert.pk, "First note.")
    with pytest.raises(ConflictError):
        actions.resolve(actor(world.m["supervisor"]), alert.pk, "Second note.")
    login(client, world.m["supervisor"])
    page = client.post(f"/safety/alerts/{alert.pk}/resolve/", {"note": "Second note typed here."}).content.decode()
    assert "resolved this alert at" in page
    assert "Second note typed here." in page
    assert Alert.objects.get(pk=alert.pk).resolution_note == "First note."


def test_the_resolve_form_can_reopen_paused_features_with_the_note_as_the_reason(world, client):
    """HAZ-009: reopening is a recorded choice of the person who resolved the alert."""
    from openipt.safety.api import automated_features_paused

    [alert] = raise_text(world.clients["mine"])
    login(client, world.m["therapist"])
    client.post(f"/safety/alerts/{alert.pk}/resolve/", {"note": "Seen today, safe, plan in place.", "reopen": "on"})
    assert automated_features_paused(world.clients["mine"]) is False


def test_alerts_and_their_history_cannot_be_deleted(world):
    """HAZ-010: there is no delete path: the models refuse, one by one and in bulk."""
    [alert] = raise_text(world.clients["mine"])
    with pytest.raises(PermissionError):
        alert.delete()
    with pytest.raises(PermissionError):
        Alert.objects.all().delete()
    with pytest.raises(PermissionError):
        AlertEvent.objects.filter(alert=alert).delete()
    with pytest.raises(PermissionError):
        Delivery.objects.all().delete()
    assert Alert.objects.count() == 1


def test_the_client_record_cannot_be_removed_from_under_an_alert(world):
    """HAZ-010: the alert protects the client row it points to."""
    from django.db.models import ProtectedError

    [alert] = raise_text(world.clients["mine"])
    with pytest.raises(ProtectedError):
        world.clients["mine"].delete()
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_people_who_cannot_see_the_client_cannot_act(world):
    """HAZ-001: staff not caring for the client, and other organisations, are refused."""
    [alert] = raise_text(world.clients["mine"])
    for who in ("therapist2", "facilitator", "other_admin", "client"):
        with pytest.raises(ActionError):
            actions.acknowledge(actor(world.m[who]), alert.pk)
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RAISED
