"""Fixtures for couples tests: a couples course for 'mine' (partner one) with a portal-linked partner two."""

from __future__ import annotations

import pytest

from openipt.accounts.models import Role
from openipt.clients import actions as client_actions
from tests.support.couples import couples_course
from tests.support.people import actor, make_client, make_member


@pytest.fixture
def partners(world):
    """Partner one is the portal client 'self' (Sam); partner two gets their own portal login."""
    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    login = make_member(world.org, Role.CLIENT)
    client_actions.link_portal_user(two, login.user)
    two.refresh_from_db()
    world.clients["two"] = two
    world.m["client_two"] = login
    return world


@pytest.fixture
def couple(partners):
    from openipt.couples import actions

    world = partners
    course = couples_course(world, "self")
    return actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=world.clients["two"].record_number)
