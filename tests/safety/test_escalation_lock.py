"""Several servers run the escalation job: each message is sent once (HAZ-006)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from openipt.safety import notify
from openipt.safety.models import Alert, AlertStatus, Delivery
from tests.support.safety import raise_text, run


def _raise_now_and_run_later(world):
    """Raise an alert at the real time (its first e-mail goes after the commit); return a run 31 minutes on."""
    now = timezone.now()
    [alert] = raise_text(world.clients["mine"], when=now)
    return alert, lambda: notify.run_due(now + timedelta(minutes=31))


def _supervisor_messages(world) -> int:
    return sum(1 for m in mail.outbox if m.to == [world.m["supervisor"].user.email])


def test_two_runs_one_after_the_other_send_each_message_once(world):
    """SQLite and PostgreSQL: a second server running the job at the same moment finds nothing left to send."""
    [alert] = raise_text(world.clients["mine"])
    first, second = run(31), run(31)
    assert first["steps"] == 1 and first.get("sent") == 2  # the therapist's first e-mail and the supervisor's
    assert second["steps"] == 0 and not second.get("sent")
    assert _supervisor_messages(world) == 1
    assert Delivery.objects.filter(alert=alert, target="supervisor").count() == 1


@pytest.mark.skipif(
    "sqlite" in os.environ.get("DATABASE_URL", "sqlite"),
    reason="two connections at once need PostgreSQL (the in-memory SQLite test database says 'table is locked')",
)
@pytest.mark.django_db(transaction=True)
def test_two_servers_running_at_the_same_moment_send_each_message_once(transactional_db):
    """PostgreSQL, two real connections racing: the advisory lock lets one run, and nobody is told twice."""
    from tests.support.people import make_world

    world = make_world()
    alert, later = _raise_now_and_run_later(world)
    start = threading.Barrier(2)
    results, errors = [], []

    def one_server():
        try:
            start.wait(timeout=10)
            results.append(later())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_server) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r["steps"] for r in results) == 1
    assert _supervisor_messages(world) == 1
    assert Delivery.objects.filter(alert=alert, target="supervisor").count() == 1
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ESCALATED


@pytest.mark.skipif("sqlite" in os.environ.get("DATABASE_URL", "sqlite"), reason="the advisory lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_while_another_server_holds_the_lock_a_run_does_nothing_and_says_so(transactional_db):
    """PostgreSQL: a run that finds the lock taken leaves the work to the holder instead of sending twice."""
    from django.db import connections

    from tests.support.people import make_world

    world = make_world()
    _alert, later = _raise_now_and_run_later(world)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [notify.RUN_LOCK_KEY])
        assert later() == {"steps": 0, "busy": 1}
        assert _supervisor_messages(world) == 0
        with other.cursor() as cursor:  # let go as a finished run does; a closed connection's lock can linger briefly
            cursor.execute("SELECT pg_advisory_unlock(%s)", [notify.RUN_LOCK_KEY])
    finally:
        other.close()
    assert later()["steps"] == 1
    assert _supervisor_messages(world) == 1
