"""Demo groups mid-course, loaded once; synthetic groups in bulk."""

from __future__ import annotations

import pytest

from openipt.audit.actions import verify_chain
from openipt.groups.models import Attendance, Group, Member, QuickCheck, SessionReport
from openipt.seed import demo, synth
from tests.support.people import login


def _counts():
    return (Group.objects.count(), Member.objects.count(), Attendance.objects.count(), QuickCheck.objects.count())


@pytest.mark.slow
def test_the_demo_has_two_running_groups_with_marks_checks_and_a_replied_report(db, client):
    world = demo.load_demo()
    first = _counts()
    demo.load_demo()
    assert _counts() == first
    groups = Group.objects.filter(status="running")
    assert groups.count() == 2 and set(groups.values_list("language", flat=True)) == {"Luganda", "English"}
    assert QuickCheck.objects.exists() and Attendance.objects.filter(will_try__gt="").exists()
    assert SessionReport.objects.exclude(reply="").exists()
    assert verify_chain().ok
    login(client, world.members["facilitator"])
    for grp in groups:
        assert client.get(f"/groups/{grp.pk}/").status_code == 200
        for number in grp.sessions.values_list("number", flat=True):
            assert client.get(f"/groups/{grp.pk}/sessions/{number}/").status_code == 200
    login(client, world.members["supervisor"])
    page = client.get("/groups/supervising/").content.decode()
    assert "Tuesday group, Nansana" in page and "Missed" in page


@pytest.mark.slow
def test_synthetic_data_has_a_group_per_twenty_clients_with_members_and_marks(db):
    world = synth.generate(200, seed=3)
    groups = Group.objects.filter(organisation=world.organisation)
    assert groups.count() == 10
    assert Member.objects.filter(group__in=groups).count() == 80
    assert Attendance.objects.filter(member__group__in=groups).exists()
    assert len(set(Member.objects.filter(group__in=groups).values_list("client_id", flat=True))) == 80
