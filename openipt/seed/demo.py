"""The demo organisation that `make run` loads: a small clinic with one login per role.

Loading is idempotent: running it again changes nothing that exists and
prints the same logins. Later parts of OpenIPT add their own demo data through
the `DEMO_STEPS` of their `seed` module (see openipt.seed.steps), each given the
organisation and the people made here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from openipt.accounts import actions as account_actions
from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership, Organisation, Role, User
from openipt.clients import actions as client_actions
from openipt.clients.models import Client, ClientStatus
from openipt.seed.steps import app_steps

DEMO_PASSWORD = "openipt-demo-2026"
DEMO_SLUG = "riverside"
PROGRAMME_SLUG = "lakeside-programme"

PEOPLE = [
    ("admin", "Alex Morgan", Role.ADMIN),
    ("supervisor", "Dr Priya Natarajan", Role.SUPERVISOR),
    ("therapist", "Sam Okoro", Role.THERAPIST),
    ("facilitator", "Grace Nakato", Role.FACILITATOR),
    ("client", "Amara Haddad", Role.CLIENT),
    ("manager", "Joyce Atim", Role.MANAGER),
]

# (given, family, preferred, born, sex, status, assigned to, language)
CLIENTS = [
    ("Amara", "Haddad", "", date(1991, 4, 12), "female", ClientStatus.ACTIVE, "therapist", "en"),
    ("Daniel", "Kowalski", "Dan", date(1984, 9, 3), "male", ClientStatus.ACTIVE, "therapist", "en"),
    ("Fatima", "Yusuf", "", date(1996, 1, 27), "female", ClientStatus.ACTIVE, "therapist", "en"),
    ("Tomás", "Herrera", "", date(1978, 11, 15), "male", ClientStatus.ACTIVE, "therapist", "es"),
    ("Mei", "Lin", "", date(2001, 6, 2), "female", ClientStatus.REFERRED, "therapist", "zh"),
    ("Joseph", "Mensah", "Joe", date(1969, 2, 20), "male", ClientStatus.ACTIVE, "therapist", "en"),
    ("Hannah", "Schmidt", "", date(1988, 8, 8), "female", ClientStatus.DISCHARGED, "therapist", "de"),
    ("Ravi", "Shah", "", date(1993, 12, 1), "male", ClientStatus.REFERRED, "therapist", "en"),
    ("Sarah", "Nalubega", "", date(1990, 3, 30), "female", ClientStatus.ACTIVE, "facilitator", "lg"),
    ("Esther", "Namusoke", "", date(1985, 7, 19), "female", ClientStatus.ACTIVE, "facilitator", "lg"),
    ("Ruth", "Achieng", "", date(1999, 10, 5), "female", ClientStatus.REFERRED, "facilitator", "sw"),
    ("Oliver", "Bennett", "Ollie", date(1975, 5, 25), "male", ClientStatus.REFERRED, None, "en"),
]


@dataclass
class DemoWorld:
    """What the demo made, passed to later extensions."""

    organisation: Organisation
    programme: Organisation
    members: dict[str, Membership] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        return Actor(self.members[username])

    @staticmethod
    def user(username: str, name: str) -> User:
        """Return the demo login `username`, made with the demo password if it is not there yet."""
        return _user(username, name)


def _user(username: str, name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_actions.create_user(username, DEMO_PASSWORD, display_name=name, email=f"{username}@example.org")
    return user


@transaction.atomic
def load_demo() -> DemoWorld:
    """Create the demo organisation, people and clients if they are not there yet."""
    org = Organisation.objects.filter(slug=DEMO_SLUG).first() or account_actions.create_organisation(
        "Riverside Community Clinic", DEMO_SLUG, kind="clinic", record_prefix="RC"
    )
    programme = Organisation.objects.filter(slug=PROGRAMME_SLUG).first() or account_actions.create_organisation(
        "Lakeside Community Programme", PROGRAMME_SLUG, kind="programme", record_prefix="LP"
    )
    world = DemoWorld(org, programme)
    for username, name, role in PEOPLE:
        user = _user(username, name)
        membership = Membership.objects.filter(user=user, organisation=org).first()
        if membership is None:
            supervisor = world.members.get("supervisor") if role in (Role.THERAPIST, Role.FACILITATOR) else None
            membership = account_actions.add_member(org, user, role, supervisor=supervisor)
        world.members[username] = membership
    facilitator_user = world.members["facilitator"].user
    if not Membership.objects.filter(user=facilitator_user, organisation=programme).exists():
        account_actions.add_member(programme, facilitator_user, Role.FACILITATOR)
    admin = world.actor("admin")
    for given, family, preferred, born, sex, status, staff, language in CLIENTS:
        existing = Client.objects.filter(organisation=org, given_name=given, family_name=family).first()
        if existing is None:
            assign_to = world.members[staff] if staff else None
            existing = client_actions.create_client(
                admin,
                {
                    "given_name": given, "family_name": family, "preferred_name": preferred,
                    "date_of_birth": born, "sex": sex, "preferred_language": language,
                    "email": f"{given.lower()}.{family.lower()}@example.org".replace("á", "a"),
                },
                assign_to=assign_to,
                status=status,
            )
        world.clients[f"{given} {family}"] = existing
    portal_client = world.clients["Amara Haddad"]
    if portal_client.user_id is None:
        client_actions.link_portal_user(portal_client, world.members["client"].user)
        portal_client.refresh_from_db()
    for step in app_steps("DEMO_STEPS"):
        step(world)
    return world


def logins_text(base_url: str = "http://127.0.0.1:8000") -> str:
    """Return the demo logins as a short table for the terminal."""
    lines = [f"OpenIPT demo at {base_url}", f"Password for every demo login: {DEMO_PASSWORD}", ""]
    for username, name, role in PEOPLE:
        lines.append(f"  {username:<12} {role.label:<18} {name}")
    lines.append("")
    lines.append("The facilitator also belongs to a second organisation and chooses one after signing in.")
    return "\n".join(lines)
