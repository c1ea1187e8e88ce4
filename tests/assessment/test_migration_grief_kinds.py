"""The migration that splits "death or other loss": grief is for a death, other losses are transitions.

Rows written before the split are read back through the real migration (unapplied, then applied
again) so the test sees exactly what a site upgrading its database gets. SQLite cannot change a
schema inside the test's transaction, so there the test runs outside one (and makes no audit rows,
which the flush afterwards could not delete); PostgreSQL changes the schema inside the test's
transaction and rolls it all back (its audit table refuses the TRUNCATE a flush would need).
"""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from openipt.assessment.suggest.case import legacy_loss_kind

BEFORE = [("assessment", "0001_initial")]
SPLIT = importlib.import_module("openipt.assessment.migrations.0002_grief_is_for_a_death")

OLD_EVENTS = {
    "Dad died after a short illness": "death",
    "Miscarriage at 14 weeks": "pregnancy_loss",
    "Our baby died in the neonatal unit": "pregnancy_loss",
    "Lost my job when the factory closed": "role_change",
    "Divorce made final": "role_change",
    "Moved to a new city": "role_change",
    "Diagnosed with diabetes": "role_change",
    "Mum passed away at home": "death",  # a death at home is still a death
    "": "death",  # no words to go on: it stays what the old kind meant first
}


def _owner():
    """A client and a member made directly (no actions), so no audit row blocks the database flush afterwards."""
    from django.contrib.auth import get_user_model

    from openipt.accounts.models import Membership, Organisation
    from openipt.clients.models import Client

    org = Organisation.objects.create(name="Migration Clinic", slug="migration-clinic")
    user = get_user_model().objects.create(username="migration-therapist")
    member = Membership.objects.create(user=user, organisation=org, role="therapist")
    return Client.objects.create(organisation=org, record_number="M-1", given_name="Ada"), member


ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite variant")
@pytest.mark.django_db(transaction=True)
def test_old_death_or_loss_events_become_a_death_a_pregnancy_loss_or_a_life_change():
    _check_the_split()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL variant")
@pytest.mark.django_db
def test_old_death_or_loss_events_become_a_death_a_pregnancy_loss_or_a_life_change_postgresql():
    _check_the_split()


def _check_the_split():
    client, member = _owner()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    # given the database as it was before the split, holding old "death_loss" events
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("assessment", "LifeEvent")
    now = timezone.now()
    ids = {old.objects.create(client_id=client.pk, year=2025, kind="death_loss", description=text,
                              created_by_id=member.pk, updated_by_id=member.pk, created_at=now,
                              updated_at=now).pk: text for text in OLD_EVENTS}
    kept = old.objects.create(client_id=client.pk, year=2025, kind="dispute", description="Row with Sue",
                              created_by_id=member.pk, updated_by_id=member.pk, created_at=now, updated_at=now).pk
    # when the migrations run forward again
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may block ALTER TABLE
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaves)
    # then each old event has the kind IPT gives it, and other kinds are left alone
    from openipt.assessment.models import LifeEvent

    got = dict(LifeEvent.objects.filter(pk__in=ids).values_list("pk", "kind"))
    assert {ids[pk]: kind for pk, kind in got.items()} == OLD_EVENTS
    assert LifeEvent.objects.get(pk=kept).kind == "dispute"


def test_the_migration_reads_descriptions_as_the_suggester_reads_old_case_files():
    samples = list(OLD_EVENTS) + ["Deadline missed at work", "Stillborn son", "Fired by text", "Funeral of Gran",
                                  "Made redundant", "Sister's overdose", "Broke up with Sam"]
    assert [SPLIT.new_kind(t) for t in samples] == [legacy_loss_kind(t) for t in samples]
