"""Demo between-session work for the demo client, loaded once; synthetic work and portal logins in bulk."""

from __future__ import annotations

import pytest

from openipt.audit.actions import verify_chain
from openipt.practice.models import LogEntry, ReadingAssignment, Rehearsal, Worksheet
from openipt.seed import demo, synth


def _counts():
    return (ReadingAssignment.objects.count(), LogEntry.objects.count(), Worksheet.objects.count(),
            Rehearsal.objects.count())


@pytest.mark.slow
def test_the_demo_client_has_reading_a_log_worksheets_and_practice_and_loads_once(db, client):
    demo.load_demo()
    first = _counts()
    assert first == (3, 2, 2, 1)
    demo.load_demo()
    assert _counts() == first
    assert verify_chain().ok
    # and the demo client's pages show it
    client.post("/account/login/", {"username": "client", "password": demo.DEMO_PASSWORD})
    home = client.get("/me/").content.decode()
    assert "Session 5 of 12" in home and "How your mood and your relationships affect each other" in home
    assert "Have a look at the phone call with Leila." in client.get(
        f"/me/worksheets/{Worksheet.objects.get(status='assigned').pk}/").content.decode()
    # and the demo therapist sees the shared worksheet and the interval history
    client.post("/account/logout/")
    client.post("/account/login/", {"username": "therapist", "password": demo.DEMO_PASSWORD})
    amara = ReadingAssignment.objects.first().client
    page = client.get(f"/me/care/{amara.pk}/").content.decode()
    assert "My move" in page and "He asked me to join the team for lunch" in page


@pytest.mark.slow
def test_synthetic_work_and_portal_logins_for_a_sample_of_clients(db, client):
    world = synth.generate(400, seed=3)
    assert LogEntry.objects.filter(client__organisation=world.organisation).exists()
    assert Worksheet.objects.filter(client__organisation=world.organisation, status="shared").exists()
    logins = world.portal_memberships
    assert logins and all(m.role == "client" for m in logins)
    from tests.support.people import login

    login(client, logins[0])
    assert client.get("/me/").status_code == 200
