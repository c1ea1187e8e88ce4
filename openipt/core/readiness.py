"""The checks behind `/readyz`: may a load balancer send this server requests?

1. `database`: the database answers a trivial query.
2. `migrations`: every migration this code knows is applied (an app server started with new code before
   `openipt manage migrate` ran is not ready). Once true it stays true for the process, so the migration
   graph is read once, not on every probe.
3. `escalation`: the escalation runner finished a round within `settings.ESCALATION_STALE_SECONDS`
   (`openipt.core.heartbeat`). It runs on some server (each `openipt serve`, or a service of its own);
   when it has stopped everywhere, risk alerts are not passed on, so no app server reports ready.

A check that cannot run counts as failed; its detail says which, in words with no data in them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from openipt.core import heartbeat

log = logging.getLogger("openipt.readiness")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


_migrations_applied = False


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.warning("readiness: the database did not answer")
        return Check("database", False, "the database did not answer")
    return Check("database", True, "the database answers")


def _migrations() -> Check:
    global _migrations_applied
    if not _migrations_applied:
        try:
            executor = MigrationExecutor(connection)
            waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            return Check("migrations", False, "could not read which migrations are applied")
        if waiting:
            return Check("migrations", False, f"{len(waiting)} migrations are not applied yet")
        _migrations_applied = True
    return Check("migrations", True, "every migration is applied")


def _escalation() -> Check:
    limit = int(getattr(settings, "ESCALATION_STALE_SECONDS", 300))
    try:
        age = heartbeat.age_seconds(heartbeat.ESCALATION)
    except DatabaseError:
        return Check("escalation", False, "could not read when escalation last ran")
    if age is None:
        return Check("escalation", False, "the escalation runner has not run yet")
    if age > limit:
        return Check(
            "escalation", False, f"the escalation runner last ran {int(age)} seconds ago (limit {limit})"
        )
    return Check("escalation", True, f"the escalation runner ran {int(age)} seconds ago")


def run_checks() -> list[Check]:
    """Every readiness check, in order; later checks are skipped (failed) when the database does not answer."""
    database = _database()
    if not database.ok:
        return [
            database,
            Check("migrations", False, "not checked: no database"),
            Check("escalation", False, "not checked: no database"),
        ]
    return [database, _migrations(), _escalation()]


def forget_migrations_state() -> None:
    """Read the migration graph again on the next check (tests)."""
    global _migrations_applied
    _migrations_applied = False
