"""Who sees which client records: assigned staff, their supervisors, admins, the client themself."""

import pytest

from openipt.clients import access
from tests.support.people import actor


def _visible(world, who):
    return {c.pk for c in access.visible_clients(actor(world.m[who]))}


def test_a_therapist_sees_only_the_clients_assigned_to_them(world):
    assert _visible(world, "therapist") == {world.clients["mine"].pk, world.clients["self"].pk}


def test_a_facilitator_sees_only_their_own_members(world):
    assert _visible(world, "facilitator") == {world.clients["group"].pk}


def test_a_supervisor_sees_the_clients_of_the_staff_they_supervise(world):
    assert _visible(world, "supervisor") == {world.clients["mine"].pk, world.clients["self"].pk}


def test_an_admin_sees_every_client_of_their_organisation_and_no_other(world):
    visible = _visible(world, "admin")
    assert world.clients["theirs"].pk in visible and world.clients["group"].pk in visible
    assert world.clients["other"].pk not in visible


def test_a_client_sees_only_themself(world):
    assert _visible(world, "client") == {world.clients["self"].pk}


@pytest.mark.parametrize(
    "who, can_edit",
    [("admin", True), ("therapist", True), ("supervisor", False), ("therapist2", False), ("client", False), ("other_admin", False)],
)
def test_who_may_change_a_record(world, who, can_edit):
    assert bool(access.can_edit_client(actor(world.m[who]), world.clients["mine"])) is can_edit


def test_a_client_assigned_to_two_supervised_staff_is_listed_once(world):
    from openipt.accounts.actions import change_membership
    from openipt.clients.actions import assign_staff

    change_membership(actor(world.m["admin"]), world.m["therapist2"].pk, role="therapist", supervisor_id=world.m["supervisor"].pk)
    assign_staff(actor(world.m["admin"]), world.clients["mine"].pk, world.m["therapist2"].pk)
    rows = list(access.visible_clients(actor(world.m["supervisor"])))
    assert [c.pk for c in rows].count(world.clients["mine"].pk) == 1


def test_a_deactivated_membership_loses_access_on_the_next_request(world, as_member):
    from openipt.accounts.actions import set_membership_active

    browser = as_member(world.m["therapist"])
    assert browser.get(f"/clients/{world.clients['mine'].pk}/").status_code == 200
    set_membership_active(actor(world.m["admin"]), world.m["therapist"].pk, False)
    response = browser.get(f"/clients/{world.clients['mine'].pk}/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
