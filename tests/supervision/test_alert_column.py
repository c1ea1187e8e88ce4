"""The dashboard's "open alerts" column: open risk alerts on each clinician's clients."""

from __future__ import annotations

from django.urls import reverse

from openipt.safety import api as safety_api
from tests.support.people import actor, login


def test_each_clinician_shows_the_open_alerts_on_their_clients(world, client):
    login(client, world.m["supervisor"])
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert '<td data-label="Open alerts">0</td>' in page
    # when a client of the supervised therapist writes something worrying
    safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert '<td data-label="Open alerts">1</td>' in page


def test_a_resolved_alert_is_no_longer_counted(world):
    from openipt.safety import actions as safety_actions

    therapist = world.m["therapist"]
    [alert] = safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    assert safety_api.open_alert_counts_by_staff([therapist.pk]) == {therapist.pk: 1}
    safety_actions.resolve(actor(therapist), alert.pk, "Called the client; safe tonight, seen tomorrow.")
    assert safety_api.open_alert_counts_by_staff([therapist.pk]) == {therapist.pk: 0}
