"""`openipt prune`: old operational rows go, recent ones and clinical records stay, and the run is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openipt.api.models import IdempotentRequest, RateWindow, ViewChange
from openipt.audit.actions import verify
from openipt.audit.models import AuditEvent
from openipt.cli import main
from openipt.core.models import Submission, TaskRequest
from openipt.core.prune import prune
from tests.support.api import personal

pytestmark = pytest.mark.django_db


def _old_and_new(world):
    """Two of each prunable row: one 40 days old, one an hour old."""
    now = timezone.now()
    old, new = now - timedelta(days=40), now - timedelta(hours=1)
    token, _secret = personal(world.m["therapist"])
    for when, key in ((old, "old"), (new, "new")):
        Submission.objects.filter(
            pk=Submission.objects.create(user_id=1, key=key, redirect_to="/").pk
        ).update(created_at=when)
        TaskRequest.objects.filter(pk=TaskRequest.objects.create(task_id=key, request_id="r").pk).update(
            created_at=when
        )
        DBTaskResult.objects.create(
            status="SUCCESSFUL",
            args_kwargs={},
            task_path="x.y",
            backend_name="default",
            run_after=when,
            finished_at=when,
        )
        IdempotentRequest.objects.create(
            token=token, key=key, fingerprint="f", status=200, body={}, created_at=when
        )
        RateWindow.objects.create(token=token, minute=when, calls=1)
        ViewChange.objects.create(organisation=world.org, membership=world.m["therapist"],
                                  client=world.clients["mine"], change="added", at=when)
        Session.objects.create(
            session_key=f"s-{key}" + "x" * 20,
            session_data="",
            expire_date=now - timedelta(minutes=5) if key == "old" else now + timedelta(hours=1),
        )
    DBTaskResult.objects.create(
        status="READY", args_kwargs={}, task_path="x.y", backend_name="default", run_after=old
    )


def test_a_dry_run_counts_and_changes_nothing(world):
    _old_and_new(world)
    counts = prune(30, dry_run=True)
    assert counts == {
        "api bulk export files": 0,
        "api bulk exports": 0,
        "api idempotency answers": 1,
        "api rate windows": 1,
        "api view changes": 1,
        "expired sessions": 1,
        "finished tasks": 1,
        "form submissions": 1,
        "task request ids": 1,
    }
    assert Submission.objects.count() == 2 and DBTaskResult.objects.count() == 3


def test_prune_deletes_only_old_operational_rows_and_is_audited(world, capsys):
    _old_and_new(world)
    clients_before = world.clients["mine"].__class__.objects.count()
    assert main(["prune", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "form submissions: deleted 1" in out and "7 rows older than 30 days: deleted" in out
    assert list(Submission.objects.values_list("key", flat=True)) == ["new"]
    assert list(TaskRequest.objects.values_list("task_id", flat=True)) == ["new"]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # a task still waiting is never pruned
    assert IdempotentRequest.objects.get().key == "new"
    assert RateWindow.objects.count() == 1
    assert ViewChange.objects.get().at > timezone.now() - timedelta(days=1)  # the recent one stays
    assert list(Session.objects.values_list("session_key", flat=True)) == ["s-new" + "x" * 20]
    assert world.clients["mine"].__class__.objects.count() == clients_before
    event = AuditEvent.objects.filter(event_type="system.pruned").get()
    assert event.details["deleted"]["form submissions"] == 1 and event.details["days"] == 30
    assert verify().ok
    assert main(["prune", "--days", "30"]) == 0  # safe to repeat
    assert "0 rows older than 30 days" in capsys.readouterr().out


def test_prune_refuses_to_keep_less_than_a_day(world, capsys):
    assert main(["prune", "--days", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_every_repeats_a_safe_command_and_refuses_others(world, capsys):
    """`openipt every` (the compose file's scheduler) runs prune as asked, and will not repeat a server."""
    _old_and_new(world)
    assert main(["every", "--rounds", "1", "1", "prune", "--days", "30"]) == 0
    assert Submission.objects.count() == 1
    assert main(["every", "--rounds", "1", "1", "serve"]) == 2
    assert main(["every", "0", "prune"]) == 2
    assert "repeats one of: remind, prune, audit" in capsys.readouterr().err
