"""The banner's query is compiled once per process: each person still sees exactly their own waiting alerts.

HAZ-006: the first person's page compiles the SQL; every later page binds that person's own ids (and their site,
when their reach is limited to one), so nobody sees another's alerts and nobody misses their own.
"""

from __future__ import annotations

from openipt.accounts.models import Membership, Site
from openipt.clients.models import Assignment, Client
from tests.support.people import login, make_client
from tests.support.safety import raise_text

WAITING = "A risk alert is waiting for someone to act"


def _page(client, membership) -> str:
    """The banner of the person's caseload page ("" when it has none)."""
    login(client, membership)
    page = client.get("/clients/").content.decode()
    if "oi-safety-banner" not in page:
        return ""
    return page[page.index("oi-safety-banner"):page.index("</section>")]


def test_each_therapist_sees_their_own_alert_whoever_opened_a_page_first(world, client):
    """HAZ-006: the compiled banner query shows each person their own alerts, in turn, and never another's."""
    raise_text(world.clients["mine"])
    raise_text(world.clients["theirs"])
    for _ in range(2):  # compiled by the first page, then bound to each person in turn
        mine = _page(client, world.m["therapist"])
        assert WAITING in mine and "Maya Okafor" in mine and "Noah Berg" not in mine
        theirs = _page(client, world.m["therapist2"])
        assert WAITING in theirs and "Noah Berg" in theirs and "Maya Okafor" not in theirs


def test_a_site_limited_therapist_sees_alerts_of_their_site_and_of_clients_with_no_site(world, client):
    """HAZ-006 (site limits): the banner of a therapist limited to a site binds that site into the compiled query.

    The alerts are raised while another therapist cares for the clients (so the e-mail, which would put them in
    this therapist's banner wherever the client is, goes to that other therapist); then this therapist is
    assigned too.
    """
    north, south = (Site.objects.create(organisation=world.org, name=name) for name in ("North", "South"))
    therapist, other = world.m["therapist"], world.m["therapist2"]
    nowhere = make_client(world.m["admin"], assign_to=other, given_name="Nia", family_name="Nowhere")
    at_north = make_client(world.m["admin"], assign_to=other, given_name="Nora", family_name="North")
    at_south = make_client(world.m["admin"], assign_to=other, given_name="Sol", family_name="South")
    Client.objects.filter(pk=at_north.pk).update(site=north)
    Client.objects.filter(pk=at_south.pk).update(site=south)
    for person in (nowhere, at_north, at_south):
        raise_text(person)
        Assignment.objects.create(client=person, staff=therapist)
    everywhere = _page(client, therapist)
    assert all(name in everywhere for name in ("Nia Nowhere", "Nora North", "Sol South"))
    Membership.objects.filter(pk=therapist.pk).update(site=north)
    limited = _page(client, Membership.objects.get(pk=therapist.pk))
    assert "Nia Nowhere" in limited and "Nora North" in limited and "Sol South" not in limited
    Membership.objects.filter(pk=therapist.pk).update(site=south)
    limited = _page(client, Membership.objects.get(pk=therapist.pk))
    assert "Nia Nowhere" in limited and "Sol South" in limited and "Nora North" not in limited


def test_more_than_five_waiting_alerts_say_so_and_show_the_five_most_severe_oldest_first(world, client):
    """HAZ-006: past five the banner says "More than 5" and links to the full list."""
    for i in range(7):
        raise_text(make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Person{i}",
                               family_name="Waiting"))
    banner = _page(client, world.m["therapist"])
    assert "More than 5 risk alerts are waiting" in banner and "/safety/alerts/?status=unacknowledged" in banner
    assert banner.count("<li>") == 5
