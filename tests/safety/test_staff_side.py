"""What staff see: the banner on every page until someone acts, the alert list and the alert's evidence."""

from __future__ import annotations

from openipt.safety import actions
from tests.support.people import actor, login
from tests.support.safety import raise_answers, raise_text, run


def test_the_assigned_therapist_sees_the_banner_on_every_page_until_someone_acts(world, client):
    """HAZ-006: the alert is at the top of every page for the therapist, not for staff of other clients."""
    [alert] = raise_text(world.clients["mine"])
    login(client, world.m["therapist"])
    for path in ("/clients/", f"/clients/{world.clients['mine'].pk}/", "/safety/alerts/"):
        assert "A risk alert is waiting for someone to act" in client.get(path).content.decode(), path
    login(client, world.m["therapist2"])
    assert "risk alert" not in client.get("/clients/").content.decode()
    login(client, world.m["supervisor"])
    assert "risk alert is waiting" not in client.get("/clients/").content.decode()  # not escalated yet
    login(client, world.m["therapist"])
    response = client.post(f"/safety/alerts/{alert.pk}/acknowledge/", {"next": "/clients/"})
    assert response["Location"] == "/clients/"
    assert "risk alert is waiting" not in client.get("/clients/").content.decode()


def test_an_escalated_alert_reaches_the_supervisors_banner(world, client):
    """HAZ-006: once told, the supervisor sees it at the top of every page too."""
    raise_text(world.clients["mine"])
    run(31)
    login(client, world.m["supervisor"])
    page = client.get("/clients/").content.decode()
    assert "A risk alert is waiting for someone to act" in page and "escalated" in page


def _table(response) -> str:
    """The alert list's table (the banner above it names open alerts too)."""
    page = response.content.decode()
    return page[page.index("<table"):page.index("</table>")]


def test_the_alert_list_filters_and_shows_how_long_each_has_been_open(world, client):
    from datetime import timedelta

    from django.utils import timezone

    raise_text(world.clients["mine"], when=timezone.now() - timedelta(minutes=75))
    [resolved] = raise_text(world.clients["self"], "I felt hopeless this week and could not see the point of anything.")
    actions.resolve(actor(world.m["therapist"]), resolved.pk, "Talked it through on the phone.")
    login(client, world.m["therapist"])
    page = client.get("/safety/alerts/").content.decode()
    assert "Maya Okafor" in page and "Sam Client" not in page and "1 h 15 min" in page
    page = _table(client.get("/safety/alerts/?status=resolved"))
    assert "Sam Client" in page and "Maya Okafor" not in page and "Was open for" in page
    page = _table(client.get("/safety/alerts/?status=all&severity=medium"))
    assert "Sam Client" in page and "Maya Okafor" not in page
    page = _table(client.get(f"/safety/alerts/?status=all&client={world.clients['self'].pk}"))
    assert "Sam Client" in page and "Maya Okafor" not in page
    for bad in ("?status=nonsense", "?severity=%00", "?client=abc", "?client=999999999999999999999", "?page=-3"):
        assert client.get("/safety/alerts/" + bad).status_code == 200, bad


def test_the_alert_page_shows_the_matched_words_in_the_whole_text(world, client):
    [alert] = raise_text(world.clients["mine"], "Work was fine. Some days I feel like everyone would be better off without me.")
    login(client, world.m["therapist"])
    page = client.get(f"/safety/alerts/{alert.pk}/").content.decode()
    assert "Work was fine." in page
    assert "<mark>" in page and "better off without me" in page.split("<mark>")[1]
    assert "Who is told, and when" in page


def test_the_alert_page_shows_the_questionnaire_item_and_answer(world, client):
    [alert] = raise_answers(world.clients["mine"], "phq9", {"q9": 2})
    login(client, world.m["therapist"])
    page = client.get(f"/safety/alerts/{alert.pk}/").content.decode()
    assert "PHQ-9" in page and "better off dead" in page and "<td>2</td>" in page


def test_staff_of_other_clients_and_other_organisations_get_not_found(world, client):
    [alert] = raise_text(world.clients["mine"])
    for who in ("therapist2", "facilitator", "other_admin", "other_therapist"):
        login(client, world.m[who])
        assert client.get(f"/safety/alerts/{alert.pk}/").status_code == 404, who
        assert "Maya" not in client.get("/safety/alerts/?status=all").content.decode(), who  # nor in a banner


def test_the_client_record_shows_open_alerts_the_plan_and_the_pause(world, client):
    raise_text(world.clients["mine"])
    login(client, world.m["therapist"])
    page = client.get(f"/clients/{world.clients['mine'].pk}/").content.decode()
    assert "All alerts for this client" in page and "Safety plan:" in page and "paused for this client" in page
    assert "Reopen them" in page
