"""Clients who need attention come first on the caseload, with the reason beside their name."""

from openipt.clients.actions import clear_signal, set_signal
from tests.support.people import make_client


def test_signalled_clients_come_first_with_their_reasons(world, as_member):
    quiet = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Aaron", family_name="Aardvark")
    target = world.clients["mine"]
    set_signal(target.pk, "measures", 1, "Not on track (amber)")
    set_signal(target.pk, "safety", 3, "Open risk alert", "/safety/alerts/1/")
    html = as_member(world.m["therapist"]).get("/clients/").content.decode()
    assert html.index("Maya Okafor") < html.index("Aaron Aardvark")
    assert "Open risk alert" in html and "Not on track (amber)" in html
    target.refresh_from_db()
    assert target.attention == 3
    clear_signal(target.pk, "safety")
    target.refresh_from_db()
    assert target.attention == 1
    clear_signal(target.pk, "measures")
    target.refresh_from_db()
    assert target.attention == 0
    html = as_member(world.m["therapist"]).get("/clients/").content.decode()
    assert html.index("Aaron Aardvark") < html.index("Maya Okafor")
    assert quiet.signals.count() == 0


def test_the_caseload_can_still_be_sorted_by_name(world, as_member):
    set_signal(world.clients["mine"].pk, "measures", 2, "Off track (red)")
    browser = as_member(world.m["therapist"])
    by_attention = browser.get("/clients/").content.decode()
    assert by_attention.index("Maya Okafor") < by_attention.index("Sam Client")
    by_name = browser.get("/clients/", {"sort": "name"}).content.decode()
    assert by_name.index("Sam Client") < by_name.index("Maya Okafor")
