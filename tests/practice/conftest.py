"""Fixtures for the portal and between-session tests: a portal client with a course, made through the real actions."""

from __future__ import annotations

import pytest

from tests.support.people import actor


@pytest.fixture
def me(world):
    """The Actor of the portal client ("self")."""
    return actor(world.m["client"])


@pytest.fixture
def second_portal_client(world):
    """Another client of the same therapist with their own portal login: (client, actor)."""
    from openipt.accounts.models import Role
    from openipt.clients.actions import link_portal_user
    from tests.support.people import make_client, make_member

    other = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lena", family_name="Other")
    login = make_member(world.org, Role.CLIENT)
    link_portal_user(other, login.user)
    other.refresh_from_db()
    return other, actor(login)


@pytest.fixture
def screened(monkeypatch):
    """Record every text passed to the safety app (the real function still runs).

    `screened.fail = True` makes the safety app's call fail, to show the text is then not stored either.
    """
    from openipt.safety import api as safety_api

    real = safety_api.raise_for_text

    class Spy(list):
        fail = False

        def __call__(self, *, client, text, source, obj=None, actor=None):
            self.append({"client": client, "text": text, "source": source, "obj": obj, "actor": actor})
            if self.fail:
                raise RuntimeError("the safety app could not store the alert")
            return real(client=client, text=text, source=source, obj=obj, actor=actor)

    spy = Spy()
    monkeypatch.setattr(safety_api, "raise_for_text", spy)
    return spy
