"""Synthetic organisations of any size, the same for the same seed.

Used by the benchmarks and by anyone who wants to see OpenIPT with a full
caseload. Rows are written in bulk; one audit event records the generation.
Later parts of OpenIPT add their own data through the `SYNTH_STEPS` of their `seed` module
(see openipt.seed.steps).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from openipt.accounts.models import Membership, Organisation, Role, User
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import normalise_search
from openipt.clients.actions import RECORD_ALPHABET
from openipt.clients.models import Assignment, Client, ClientStatus
from openipt.core.db import refresh_statistics
from openipt.seed.steps import app_steps

SYNTH_EVENT = register("system.synth", "Synthetic data generated")

GIVEN = (
    "Aisha Ama Ana Ben Carlos Chen Chloe Dara David Elena Emeka Fatima Femi Grace Hana Ibrahim Isla Jamal "
    "Jin Joao Kofi Lara Leila Liam Lina Luca Maya Mohammed Nadia Noah Nour Olga Omar Priya Rosa Ruth Sam "
    "Sara Sofia Tariq Tom Uma Victor Wei Yara Yusuf Zainab Zoe Amani Bilal Esi Kwame Mariam Nikhil Oksana"
).split()
FAMILY = (
    "Abara Ahmed Akhtar Alvarez Andersen Banda Bello Brown Chowdhury Costa Da Silva Diallo Evans Garcia Haddad "
    "Hassan Ito Jensen Kamau Khan Kim Kowalski Laine Lopez Mensah Moreau Mwangi Nakato Nguyen Novak Obi "
    "Okafor Otieno Patel Petrov Rossi Sato Schmidt Singh Smith Tanaka Torres Wanjiru Williams Yilmaz Zhang"
).split()
LANGUAGES = ["en"] * 12 + ["es", "lg", "sw", "ar", "pl", "ur", "pt", "so"]


@dataclass
class SynthWorld:
    """What a synth run made, passed to later extensions."""

    organisation: Organisation
    rng: random.Random
    staff: dict[str, list[Membership]] = field(default_factory=dict)
    client_ids: list[int] = field(default_factory=list)


def _record_number(rng: random.Random, used: set[str]) -> str:
    while True:
        value = "S-" + "".join(rng.choice(RECORD_ALPHABET) for _ in range(7))
        if value not in used:
            used.add(value)
            return value


@transaction.atomic
def generate(clients: int, seed: int = 1, *, slug: str | None = None, batch: int = 2000) -> SynthWorld:
    """Create one synthetic organisation with `clients` clients and proportionate staff."""
    if clients < 0:
        raise ValueError("the number of clients cannot be negative")
    rng = random.Random(seed)
    slug = slug or f"synth-{seed}-{clients}"
    if Organisation.objects.filter(slug=slug).exists():
        raise ValueError(f"an organisation called {slug!r} already exists; choose another seed or slug")
    org = Organisation.objects.create(name=f"Synthetic Clinic {seed} ({clients} clients)", slug=slug, record_prefix="S")
    password = make_password(None)
    therapists = max(1, clients // 40)
    facilitators = max(1, clients // 200)
    supervisors = max(1, (therapists + facilitators) // 8)
    plan = [(Role.ADMIN, 2), (Role.SUPERVISOR, supervisors), (Role.THERAPIST, therapists), (Role.FACILITATOR, facilitators)]
    users = []
    for role, count in plan:
        for i in range(count):
            users.append(User(username=f"{slug}-{role}-{i + 1}", display_name=f"{role.label} {i + 1}", password=password))
    User.objects.bulk_create(users, batch_size=batch)
    by_name = {u.username: u for u in User.objects.filter(username__startswith=f"{slug}-")}
    world = SynthWorld(org, rng)
    for role, count in plan:
        memberships = [Membership(user=by_name[f"{slug}-{role}-{i + 1}"], organisation=org, role=role) for i in range(count)]
        Membership.objects.bulk_create(memberships, batch_size=batch)
        world.staff[role.value] = list(Membership.objects.filter(organisation=org, role=role).order_by("pk"))
    sups = world.staff[Role.SUPERVISOR.value]
    for index, member in enumerate(world.staff[Role.THERAPIST.value] + world.staff[Role.FACILITATOR.value]):
        member.supervisor = sups[index % len(sups)]
    Membership.objects.bulk_update(world.staff[Role.THERAPIST.value] + world.staff[Role.FACILITATOR.value], ["supervisor"], batch_size=batch)
    carers = world.staff[Role.THERAPIST.value] * 4 + world.staff[Role.FACILITATOR.value]
    used: set[str] = set()
    today = date.today()
    statuses = [ClientStatus.ACTIVE] * 6 + [ClientStatus.REFERRED] * 2 + [ClientStatus.DISCHARGED] * 2
    pending = []
    carers_for = []
    for _ in range(clients):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        number = _record_number(rng, used)
        client = Client(
            organisation=org, record_number=number, given_name=given, family_name=family,
            date_of_birth=today - timedelta(days=rng.randint(16 * 365, 80 * 365)),
            sex=rng.choice(["female", "female", "male", "male", "other", ""]),
            preferred_language=rng.choice(LANGUAGES), status=rng.choice(statuses),
            email=f"{given.lower()}.{number.lower()}@example.test",
        )
        client.search_text = normalise_search(f"{given} {family} {number} {client.email}")
        pending.append(client)
        carers_for.append(rng.choice(carers))
        if len(pending) >= batch:
            _flush(pending, carers_for, world, batch)
    _flush(pending, carers_for, world, batch)
    for step in app_steps("SYNTH_STEPS"):
        step(world)
    audit.record(SYNTH_EVENT.code, organisation_id=org.pk, details={"clients": clients, "seed": seed}, system_label="openipt synth")
    return world


def generate_and_analyse(clients: int, seed: int = 1, *, slug: str | None = None) -> SynthWorld:
    """Generate, then refresh the planner's statistics so pages are measured as they would run."""
    world = generate(clients, seed, slug=slug)
    refresh_statistics()
    return world


def _flush(pending: list[Client], carers_for: list[Membership], world: SynthWorld, batch: int) -> None:
    if not pending:
        return
    created = Client.objects.bulk_create(pending, batch_size=batch)
    if created and created[0].pk is None:  # databases that do not return keys
        numbers = [c.record_number for c in pending]
        ids = dict(Client.objects.filter(organisation=world.organisation, record_number__in=numbers).values_list("record_number", "pk"))
        for c in created:
            c.pk = ids[c.record_number]
    Assignment.objects.bulk_create(
        [Assignment(client_id=c.pk, staff=s) for c, s in zip(created, carers_for, strict=True)], batch_size=batch
    )
    world.client_ids.extend(c.pk for c in created)
    pending.clear()
    carers_for.clear()
