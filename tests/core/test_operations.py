"""What an operator runs OpenIPT by: liveness, readiness, the request id in logs and tasks, and /metrics."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openipt.core import heartbeat, logs, metrics, readiness
from openipt.core.models import TaskRequest
from openipt.core.requestid import accepted
from openipt.safety import tasks as safety_tasks

TOKEN = "test-metrics-token-" + "m" * 20
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_migration_state():
    readiness.forget_migrations_state()
    yield
    readiness.forget_migrations_state()


def test_healthz_answers_without_asking_the_database(client):
    response = client.get("/healthz")  # no database in this test: any query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_fails_until_the_escalation_runner_has_run_and_again_when_it_stops(client):
    """HAZ-006: a server is not ready while risk alerts are not being passed on."""
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["escalation"] == {"ok": False, "detail": "the escalation runner has not run yet"}

    call_command("escalate", stdout=io.StringIO())  # one round of the real runner beats the heartbeat
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"

    heartbeat.beat(heartbeat.ESCALATION, timezone.now() - timedelta(minutes=6))  # stopped 6 minutes ago
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "last ran 360 seconds ago (limit 300)" in response.json()["checks"]["escalation"]["detail"]
    with override_settings(ESCALATION_STALE_SECONDS=600):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_fails_while_a_migration_is_not_applied(client):
    heartbeat.beat(heartbeat.ESCALATION)
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s",
            ["core", "0002_heartbeat_taskrequest"],
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "detail": "1 migrations are not applied yet",
    }


@pytest.mark.django_db
def test_readyz_and_healthz_name_no_person_and_need_no_sign_in(client, world):
    heartbeat.beat(heartbeat.ESCALATION)
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        text = response.content.decode()
        assert world.clients["mine"].record_number not in text
        assert response["Content-Type"] == "application/json"


def test_a_safe_request_id_is_kept_and_anything_else_replaced():
    assert accepted("abc-123_X.9") == "abc-123_X.9"
    for bad in ("", "a" * 65, "has space", "semi;colon", "new\nline", "ünï", None, 7):
        assert accepted(bad) is None


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-7f3a")
    assert given["X-Request-ID"] == "proxy-7f3a"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="<script>" + "x" * 80)
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])
    assert client.get("/account/login/")["X-Request-ID"] != made["X-Request-ID"]


def test_json_log_lines_carry_the_request_id_and_extra_fields():
    record = logging.LogRecord(
        "openipt.safety", logging.WARNING, __file__, 1, "alert %s: e-mail failed", (42,), None
    )
    record.attempt = 3
    with logs.bound("req-abc"):
        assert logs.RequestIdFilter().filter(record)
        line = json.loads(logs.JsonFormatter().format(record))
    assert line["request_id"] == "req-abc"
    assert line["message"] == "alert 42: e-mail failed"
    assert line["level"] == "WARNING" and line["logger"] == "openipt.safety" and line["attempt"] == 3
    outside = logging.LogRecord("openipt", logging.INFO, __file__, 1, "x", None, None)
    logs.RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


@override_settings(TASKS=DB_BACKEND)
def test_a_task_queued_in_a_request_runs_in_the_worker_under_that_request_id(transactional_db):
    """The worker's log lines for a task carry the id of the request that queued it.

    transactional_db (tests/conftest.py): the real worker closes and reopens its database connection.
    """
    with logs.bound("req-queued-it"):
        result = safety_tasks.run_safety_jobs.enqueue()
    assert TaskRequest.objects.get(task_id=str(result.id)).request_id == "req-queued-it"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    watched = logging.getLogger("django_tasks")
    watched.addHandler(handler)
    level = watched.level
    watched.setLevel(logging.INFO)
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        watched.removeHandler(handler)
        watched.setLevel(level)
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    finished = [line for line in lines if "state=SUCCESSFUL" in line["message"]]
    assert finished and finished[0]["request_id"] == "req-queued-it"
    assert logs.current() is None  # the worker's next task starts clean


@pytest.mark.django_db
def test_metrics_need_the_token_or_an_allowed_address(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    with override_settings(METRICS_TOKEN="", METRICS_ALLOWED_IPS=["10.9.0.0/16"]):
        assert client.get("/metrics", REMOTE_ADDR="10.9.3.4").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="10.8.3.4").status_code == 403
        # a forwarded header is never believed for metrics
        assert (
            client.get("/metrics", REMOTE_ADDR="10.8.3.4", HTTP_X_FORWARDED_FOR="10.9.3.4").status_code == 403
        )
    with override_settings(METRICS_TOKEN="", METRICS_ALLOWED_IPS=[]):
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


@pytest.mark.django_db
def test_metrics_show_latency_per_route_queue_depth_and_escalation_lag(client, world):
    from openipt.safety import api
    from tests.support.safety import WORRYING

    metrics.REQUESTS.clear()
    client.get("/healthz")
    client.get(
        f"/clients/{world.clients['mine'].pk}/"
    )  # anonymous: sent to sign in, counted under its route name
    [alert] = api.raise_for_text(client=world.clients["mine"], text=WORRYING, source="practice.log")
    type(alert).objects.filter(pk=alert.pk).update(next_escalation_at=timezone.now() - timedelta(seconds=90))
    heartbeat.beat(heartbeat.ESCALATION, timezone.now() - timedelta(seconds=30))
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert re.search(r'openipt_request_seconds_count\{method="GET",route="healthz",process="\d+"\} 1\n', text)
    assert re.search(
        r'openipt_request_seconds_bucket\{method="GET",route="clients:detail",process="\d+",le="\+Inf"\} 1',
        text,
    )
    assert 'openipt_task_queue_depth{state="waiting"} 0' in text
    lag = float(re.search(r"^openipt_alert_escalation_lag_seconds (\S+)$", text, re.M).group(1))
    assert 89 <= lag < 150
    age = float(re.search(r"^openipt_escalation_heartbeat_age_seconds (\S+)$", text, re.M).group(1))
    assert 29 <= age < 90
    assert "openipt_metrics_gauge_errors 0" in text
    assert world.clients["mine"].record_number not in text
    assert "/clients/" not in text  # route names, never addresses (which carry record numbers)


def test_json_log_lines_leave_out_objects_such_as_the_request_and_its_query_string():
    """Django's request log passes the request as an extra; its repr holds the query string (a search may hold a name)."""
    from django.test import RequestFactory

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad Request: %s", ("/fhir/Patient",), None)
    record.request = RequestFactory().get("/fhir/Patient", {"name": "Amara Haddad"})
    record.status_code = 400
    line = logs.JsonFormatter().format(record)
    assert "Amara" not in line and "request" not in json.loads(line)
    assert json.loads(line)["status_code"] == 400


@pytest.mark.django_db(transaction=True)
def test_a_runner_that_finds_another_holding_the_lock_does_not_say_escalation_is_running(transactional_db):
    """HAZ-006: only a round that held the lock and finished beats; a stuck holder must turn /readyz red."""
    if connection.vendor != "postgresql":
        pytest.skip("the runners' lock is PostgreSQL's advisory lock; SQLite has one runner")
    import psycopg
    from django.db import connections

    from openipt.safety.notify import RUN_LOCK_KEY

    settings = connections["default"].get_connection_params()
    with psycopg.connect(**{k: v for k, v in settings.items() if k in ("dbname", "user", "host", "port", "password")}) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [RUN_LOCK_KEY])  # another server's runner, stuck mid-round
        out = io.StringIO()
        call_command("escalate", stdout=out)
        assert "another server is running" in out.getvalue()
        assert heartbeat.age_seconds(heartbeat.ESCALATION) is None
        # released here, not by closing the connection: a closed session's locks go only when its server
        # process has ended, which on a busy machine can be after the next line has looked
        other.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK_KEY])
    call_command("escalate", stdout=io.StringIO())  # the lock is free again: a real round beats
    assert heartbeat.age_seconds(heartbeat.ESCALATION) is not None
