"""The safety list pages and the banner run the same number of queries with little and much data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from openipt.safety import actions, settings_actions
from tests.support.people import actor, login, make_client
from tests.support.safety import raise_text, run

CLOSED_PORT = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 9,
               "EMAIL_TIMEOUT": 2, "EMAIL_USE_TLS": False}


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, n, *, resolve_some=True):
    therapist = actor(world.m["therapist"])
    for i in range(n):
        c = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Grow{i}")
        [alert] = raise_text(c)
        if resolve_some and i % 3 == 0:
            actions.resolve(therapist, alert.pk, "Followed up.")
    settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": f"Line {n}", "phone": "0800"})


@pytest.mark.parametrize("who, url", [
    ("therapist", "/safety/alerts/"),
    ("therapist", "/safety/alerts/?status=all&severity=high&mine=on"),
    ("supervisor", "/safety/alerts/?status=unacknowledged"),
    ("admin", "/safety/alerts/?status=resolved"),
    ("therapist", "/clients/"),
    ("admin", "/safety/settings/"),
])
@override_settings(**CLOSED_PORT)
def test_safety_lists_and_the_banner_do_not_grow_their_queries(world, client, who, url):
    login(client, world.m[who])
    _grow(world, 2)
    run(0)  # some deliveries fail, so the list's "could not be sent" marks are in play
    small = _count(client, url)
    _grow(world, 30)
    run(0)
    large = _count(client, url)
    assert large == small, f"{url} ran {small} queries with little data and {large} with more"


def test_the_client_record_panel_does_not_grow_with_the_clients_alerts(world, client):
    target = world.clients["mine"]
    login(client, world.m["therapist"])
    raise_text(target)
    small = _count(client, f"/clients/{target.pk}/")
    for i in range(8):
        raise_text(target, obj=world.clients["theirs"] if i == 0 else make_client(world.m["admin"]))
    large = _count(client, f"/clients/{target.pk}/")
    assert large == small


@override_settings(**CLOSED_PORT)
def test_the_alert_page_does_not_grow_with_its_history(world, client):
    """Escalations, failed e-mails and their retries add rows to the history and the e-mail table, not queries."""
    [alert] = raise_text(world.clients["mine"])
    login(client, world.m["admin"])
    small = _count(client, f"/safety/alerts/{alert.pk}/")
    for minutes in (0, 1, 6, 21, 31, 61, 81):
        run(minutes)
    large = _count(client, f"/safety/alerts/{alert.pk}/")
    assert large == small


def test_client_pages_do_not_grow_with_alerts_or_contacts(world, client):
    login(client, world.m["client"])
    raise_text(world.clients["self"])
    small = _count(client, "/safety/me/help/")
    for i in range(6):
        raise_text(world.clients["self"], obj=make_client(world.m["admin"]))
        settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": f"Line {i}", "phone": "0800"})
    large = _count(client, "/safety/me/help/")
    assert large == small
