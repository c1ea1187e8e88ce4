"""Organisations, people and clients for tests, made through the real actions (as the product makes them)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from openipt.accounts import actions as account_actions
from openipt.accounts.actor import Actor
from openipt.accounts.middleware import SESSION_KEY
from openipt.accounts.models import Membership, Organisation, Role
from openipt.clients import actions as client_actions
from openipt.clients.models import Client

PASSWORD = "correct-horse-battery-9"
_counter = itertools.count(1)


def make_org(name: str | None = None, **kwargs) -> Organisation:
    """Create an organisation with a unique short name."""
    n = next(_counter)
    return account_actions.create_organisation(name or f"Clinic {n}", f"org-{n}", **kwargs)


def make_member(org: Organisation, role: str, *, username: str | None = None, supervisor: Membership | None = None,
                password: str = PASSWORD) -> Membership:
    """Create a login with a role in an organisation."""
    n = next(_counter)
    username = username or f"{role}-{n}"
    user = account_actions.create_user(username, password, display_name=f"{role.title()} {n}", email=f"{username}@example.test")
    return account_actions.add_member(org, user, role, supervisor=supervisor)


def actor(membership: Membership) -> Actor:
    """Return an Actor for a membership (no request origin)."""
    return Actor(membership)


def make_client(by: Membership, *, assign_to: Membership | None = None, **data) -> Client:
    """Create a client through the real action, acting as `by`."""
    data.setdefault("given_name", f"Client{next(_counter)}")
    data.setdefault("family_name", "Example")
    record_number = data.pop("record_number", "")
    status = data.pop("status", "active")
    return client_actions.create_client(actor(by), data, record_number=record_number, assign_to=assign_to, status=status)


def login(django_client, membership: Membership) -> None:
    """Sign a test browser in as a membership."""
    django_client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = django_client.session
    session[SESSION_KEY] = membership.pk
    session.save()


@dataclass
class World:
    """Two organisations with one person per role, and clients with known assignments."""

    org: Organisation
    other_org: Organisation
    m: dict[str, Membership] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)


def make_world() -> World:
    """Build the standard two-organisation world used by access tests."""
    org = make_org("Riverbank Clinic")
    other = make_org("Hilltop Programme")
    w = World(org, other)
    w.m["admin"] = make_member(org, Role.ADMIN)
    w.m["supervisor"] = make_member(org, Role.SUPERVISOR)
    w.m["therapist"] = make_member(org, Role.THERAPIST, supervisor=w.m["supervisor"])
    w.m["therapist2"] = make_member(org, Role.THERAPIST)
    w.m["facilitator"] = make_member(org, Role.FACILITATOR)
    w.m["client"] = make_member(org, Role.CLIENT)
    w.m["other_admin"] = make_member(other, Role.ADMIN)
    w.m["other_therapist"] = make_member(other, Role.THERAPIST)
    w.clients["mine"] = make_client(w.m["admin"], assign_to=w.m["therapist"], given_name="Maya", family_name="Okafor")
    w.clients["theirs"] = make_client(w.m["admin"], assign_to=w.m["therapist2"], given_name="Noah", family_name="Berg")
    w.clients["group"] = make_client(w.m["admin"], assign_to=w.m["facilitator"], given_name="Ruth", family_name="Achieng")
    w.clients["self"] = make_client(w.m["admin"], assign_to=w.m["therapist"], given_name="Sam", family_name="Client")
    client_actions.link_portal_user(w.clients["self"], w.m["client"].user)
    w.clients["self"].refresh_from_db()
    w.clients["other"] = make_client(w.m["other_admin"], assign_to=w.m["other_therapist"], given_name="Olu", family_name="Far")
    return w
