"""What a client sees: help one tap away on every page, and the crisis contacts at once after a risk signal."""

from __future__ import annotations

from openipt.safety import settings_actions
from tests.support.people import actor, login
from tests.support.safety import raise_text


def _contacts(world):
    admin = actor(world.m["admin"])
    settings_actions.add_contact(admin, {"language": "en", "name": "Riverbank Crisis Line", "phone": "0800 000 111", "order": 1})
    settings_actions.add_contact(admin, {"language": "es", "name": "Línea de crisis", "phone": "0800 000 222", "order": 1})
    settings_actions.add_contact(admin, {"language": "en", "name": "Old line", "phone": "0800 999", "is_active": False})


def test_every_client_page_has_get_help_now_and_my_safety_plan(world, client):
    """HAZ-005: help is one tap away on every client page; staff pages do not show the client bar."""
    login(client, world.m["client"])
    for path in ("/me/", "/safety/me/plan/", "/safety/me/help/"):
        page = client.get(path).content.decode()
        assert "Get help now" in page and "My safety plan" in page, path
    login(client, world.m["therapist"])
    assert "Get help now" not in client.get("/clients/").content.decode()


def test_after_a_risk_signal_the_client_sees_the_crisis_contacts_for_their_language_at_once(world, client):
    """HAZ-005: the next page the client sees (the one they are on) opens with the contacts set for their language."""
    _contacts(world)
    own = world.clients["self"]
    raise_text(own, actor=actor(world.m["client"]))
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    assert "You are not alone. Help is here." in page
    assert "Riverbank Crisis Line" in page and "Línea de crisis" not in page and "Old line" not in page
    assert "your therapist has been told" in page.lower()
    assert "better off" not in page  # the client is not shown the detector's reading of their words


def test_a_client_whose_language_has_no_contacts_gets_the_english_ones_and_spanish_speakers_their_own(world, client):
    """HAZ-005: crisis contacts are data per organisation and language, with English as the fallback."""
    from openipt.clients.models import Client

    _contacts(world)
    own = world.clients["self"]
    raise_text(own)
    login(client, world.m["client"])
    Client.objects.filter(pk=own.pk).update(preferred_language="es")
    page = client.get("/safety/me/help/").content.decode()
    assert "Línea de crisis" in page and "Riverbank Crisis Line" not in page
    Client.objects.filter(pk=own.pk).update(preferred_language="sw")
    page = client.get("/safety/me/help/").content.decode()
    assert "Riverbank Crisis Line" in page


def test_with_no_contacts_set_the_client_is_told_to_call_the_local_emergency_number(world, client):
    """HAZ-005: nothing is hard-coded for a country; the fallback names no number."""
    login(client, world.m["client"])
    page = client.get("/safety/me/help/").content.decode()
    assert "call your local emergency number" in page
    assert "999" not in page and "911" not in page and "112" not in page


def test_the_client_can_fold_the_crisis_box_away_and_help_stays_one_tap_away(world, client):
    _contacts(world)
    raise_text(world.clients["self"])
    login(client, world.m["client"])
    response = client.post("/safety/me/help/hide/", {"next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    page = client.get("/me/").content.decode()
    assert "You are not alone" not in page and "Get help now" in page
    assert "Riverbank Crisis Line" in client.get("/safety/me/help/").content.decode()
    raise_text(world.clients["self"], "I keep thinking about ending it all.", obj=world.clients["theirs"])
    assert "You are not alone" in client.get("/me/").content.decode()  # a new signal shows it again


def test_get_help_now_lists_the_crisis_contacts_once_while_the_crisis_box_is_open(world, client):
    # given a client with an open risk alert: the crisis box shows the contacts on their pages
    _contacts(world)
    raise_text(world.clients["self"])
    login(client, world.m["client"])
    assert "You are not alone. Help is here." in client.get("/me/").content.decode()
    # when they press "Get help now", that page lists the contacts once, not once more in the box
    page = client.get("/safety/me/help/").content.decode()
    assert page.count("Riverbank Crisis Line") == 1 and "Get help now" in page
    # and the box is back on the next page: the signal is not dropped
    assert "You are not alone. Help is here." in client.get("/me/").content.decode()


def test_hiding_refuses_to_send_the_client_to_another_site(world, client):
    login(client, world.m["client"])
    response = client.post("/safety/me/help/hide/", {"next": "https://example.com/"})
    assert response["Location"] == "/me/"


def test_a_client_never_sees_staff_alert_pages(world, client):
    """HAZ-001: alerts about a client are for staff."""
    [alert] = raise_text(world.clients["self"])
    login(client, world.m["client"])
    assert client.get("/safety/alerts/").status_code == 403
    assert client.get(f"/safety/alerts/{alert.pk}/").status_code == 403
    assert client.post(f"/safety/alerts/{alert.pk}/acknowledge/").status_code == 403


def test_the_portal_home_lists_the_crisis_contacts_once_while_the_crisis_box_is_open(world, client):
    # given a client with an open risk alert and crisis contacts set
    _contacts(world)
    raise_text(world.clients["self"])
    login(client, world.m["client"])
    # when they open their home page, the crisis box lists the contacts, and the help line below it
    # points to the box instead of listing them again (issue 14, defect 17)
    page = client.get("/me/").content.decode()
    assert "You are not alone. Help is here." in page
    assert page.count("Riverbank Crisis Line") == 1
    assert "use the contacts in the box at the top of this page" in page
    # once they fold the box away, the help line lists the contacts again: they stay one glance away
    client.post("/safety/me/help/hide/", {"next": "/me/"})
    page = client.get("/me/").content.decode()
    assert "You are not alone" not in page and page.count("Riverbank Crisis Line") == 1
