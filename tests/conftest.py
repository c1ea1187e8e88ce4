"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _append_only_audit_survives_flush():
    """Let transactional tests empty the append-only audit table, and keep it append-only for every other test.

    A transactional test (pytest-django's `transactional_db`, `live_server`, or the `django_db(transaction=True)`
    marker) ends with Django flushing every table, which the audit table's triggers refuse. The flush itself
    is wrapped: the triggers are dropped just before it and put back just after, whatever set the test up, so
    the tests that run next in this worker find the audit table as a real database keeps it.
    """
    from django.db import connections
    from django.test import TransactionTestCase

    from openipt.audit.db import drop_triggers, install_triggers

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        aliases = self._databases_names(include_mirrors=False)
        for alias in aliases:
            drop_triggers(connections[alias])
        try:
            original(self)
        finally:
            for alias in aliases:
                install_triggers(connections[alias])

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture
def world(db):
    """Two organisations, a person per role, clients with known assignments."""
    from tests.support.people import make_world

    return make_world()


@pytest.fixture
def as_member(client):
    """Return a function that signs the Django test client in as a membership."""
    from tests.support.people import login

    def sign_in(membership):
        client.logout()
        login(client, membership)
        return client

    return sign_in


@pytest.fixture
def therapist(world):
    """The Actor of the world's supervised therapist."""
    from tests.support.people import actor

    return actor(world.m["therapist"])


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def touches_database(item) -> bool:
    """True when a test asks for the database (directly, through a fixture such as `world`, or by marker)."""
    return bool(DB_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("django_db") is not None


@pytest.fixture(autouse=True)
def own_checkpoint_store(request):
    """Each test that touches the database keeps the audit checkpoints in its own folder.

    A checkpoint names an event of the database it was made in (the escalation runner makes them), and a
    rolled-back test's events are gone: a checkpoint left in a shared folder made a later test's audit check
    fail on PostgreSQL, where event ids are never used twice. Tests that touch no database need no folder.
    """
    if not touches_database(request.node):
        yield None
        return
    settings = request.getfixturevalue("settings")
    settings.AUDIT_CHECKPOINT_DIR = request.getfixturevalue("tmp_path") / "audit-checkpoints"
    settings.AUDIT_CHECKPOINT_COPY_DIR = None
    yield settings.AUDIT_CHECKPOINT_DIR


def in_browser(item) -> bool:
    """True for a browser journey (tests/e2e, marked `browser`)."""
    return item.get_closest_marker("browser") is not None or "tests/e2e/" in item.nodeid.replace("\\", "/")


def _weight(item) -> int:
    """How early a test's module should start: the fuzz test first, then slow modules and browser journeys."""
    path = item.nodeid.split("::")[0]
    if path == "tests/test_fuzz.py":
        return 0
    if item.get_closest_marker("slow") is not None or in_browser(item):
        return 1
    return 2


def heaviest_first(items) -> None:
    """Put the modules that take longest first, keeping each module's tests together and in order.

    A module moves as a whole (its weight is its heaviest test's) so its module-scoped fixtures are built
    once per worker that runs it.
    """
    module_weight: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        module_weight[module] = min(module_weight.get(module, 2), _weight(item))
    items.sort(key=lambda item: module_weight[item.nodeid.split("::")[0]])


# Rough seconds a test of each weight takes, to share the long ones out; a fuzz test is one app's pages.
_COST = {0: 25.0, 1: 10.0, 2: 0.2}


def share_out(items, workers: int) -> None:
    """Order the run heaviest first so that each of `workers` xdist workers starts on its own share of the long tests.

    `--dist worksteal` (the Makefile) gives each worker an even, ordered slice of the list, cut from the front,
    and lets a worker that runs out take tests from the end of another's slice. So each slice here begins with
    about the same cost of long tests (each fuzz test on its own, every other slow or browser module whole),
    then is filled with short tests in their usual order. Without this, one worker ran all the fuzzing and every
    browser journey while the other finished early and waited.

    The fuzz tests stay together on one worker: before its first one, a worker opens every page as each kind of
    role to find the forms (about 45 s on SQLite and 80 s on PostgreSQL here), and a second worker doing the same
    is that time again for nothing. The other worker starts on the browser journeys and slow modules.
    """
    heaviest_first(items)
    if workers < 2 or len(items) < 2 * workers:
        return
    module_weight: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        module_weight[module] = min(module_weight.get(module, 2), _weight(item))
    units: list[list] = []
    light: list = []
    for item in items:
        module = item.nodeid.split("::")[0]
        if module_weight[module] == 2:
            light.append(item)
        elif not units or units[-1][0].nodeid.split("::")[0] != module:
            units.append([item])
        else:
            units[-1].append(item)
    buckets: list[list] = [[] for _ in range(workers)]
    costs = [0.0] * workers
    for unit in units:
        n = costs.index(min(costs))
        buckets[n].extend(unit)
        costs[n] += sum(_COST[_weight(item)] for item in unit)
    ordered: list = []
    for n, bucket in enumerate(buckets):
        if n == workers - 1:
            bucket.extend(light)
        else:
            want = max(0, (len(items) - len(ordered)) // (workers - n) - len(bucket))
            bucket.extend(light[:want])
            light = light[want:]
        ordered.extend(bucket)
    items[:] = ordered


# The permission matrix's answers (which role gets which status on each address) are decided by the access
# checks in Python, the same on either database; the SQLite run checks every one. On PostgreSQL the fuzz test
# still opens every page as each kind of role and fails on any server error, and the matrix tests that depend
# on the database run again: a refused POST changes nothing (seen from the next test), and a therapist limited
# to a site sees no page of a client at another site (the site limit is a query).
ANSWERS_CHECKED_ONCE = ("tests/test_permission_matrix.py::test_the_answer_for_each_url_method_and_role",)


def pytest_collection_modifyitems(config, items):
    """Order the run heaviest first; with OPENIPT_DATABASE_TESTS_ONLY=1 (CI's second run, on PostgreSQL), leave out what ran already.

    Left out: tests that touch no database, and the browser journeys. Both ran in the first run, on
    SQLite. A journey checks what a person sees and does in Chromium (pages, axe, scripts, the CSP);
    what PostgreSQL can change underneath (locks, constraints, transactions, query counts) is tested
    by the database tests, which do run again. The numbers left out are printed, so nothing
    disappears silently.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if os.environ.get("OPENIPT_DATABASE_TESTS_ONLY") != "1":
        share_out(items, workers)
        return
    keep, pure, journeys, answers = [], [], [], []
    for item in items:
        if not touches_database(item):
            pure.append(item)
        elif in_browser(item):
            journeys.append(item)
        elif item.nodeid.startswith(ANSWERS_CHECKED_ONCE):
            answers.append(item)
        else:
            keep.append(item)
    items[:] = keep
    share_out(items, workers)
    if pure or journeys or answers:
        config.hook.pytest_deselected(items=pure + journeys + answers)
        print(f"\nOPENIPT_DATABASE_TESTS_ONLY=1: left out {len(pure)} tests that touch no database, "
              f"{len(journeys)} browser journeys and {len(answers)} permission-matrix answers "
              f"(they ran in the SQLite run)")
