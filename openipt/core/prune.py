"""Pruning old operational rows: what the site keeps only to work, never clinical records.

Each app registers the rows it owns that may go after a while (`register`, from its `AppConfig.ready()`),
as a function from the cut-off time to a queryset. `openipt prune --days N` (openipt/cli.py) deletes, in
batches, every registered kind of row older than N days, and records one audit event with the counts.

Registered today: form submissions already carried out (core), finished background tasks, the e-mails
among them (core), the request ids kept for queued tasks (core), sessions that have expired (core), API
idempotency answers and per-minute rate windows (api). Never pruned: the audit log, and the safety record
(alert e-mail deliveries are part of an alert's history and refuse deletion).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openipt.core.models import Submission, TaskRequest

BATCH = 5000
MIN_DAYS = 1


@dataclass(frozen=True)
class Prunable:
    name: str
    description: str
    rows: Callable[[datetime, datetime], QuerySet[Any]]  # (cut-off, now) -> the rows that may go


PRUNABLE: dict[str, Prunable] = {}


def register(name: str, description: str, rows: Callable[[datetime, datetime], QuerySet[Any]]) -> None:
    """Offer a kind of operational row for pruning: `rows(cutoff, now)` returns those that may be deleted."""
    PRUNABLE[name] = Prunable(name, description, rows)


def _delete_in_batches(rows: QuerySet[Any]) -> int:
    deleted = 0
    model = rows.model
    while True:
        pks = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            return deleted
        with transaction.atomic():
            _total, per_model = model._default_manager.filter(pk__in=pks).delete()
        deleted += per_model.get(model._meta.label, 0)


def prune(days: int, *, dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Delete (or with dry_run, count) every registered kind of row older than `days` days; return the counts."""
    if days < MIN_DAYS:
        raise ValueError(f"keep at least {MIN_DAYS} day of operational rows")
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    counts: dict[str, int] = {}
    for item in sorted(PRUNABLE.values(), key=lambda p: p.name):
        rows = item.rows(cutoff, now)
        counts[item.name] = rows.count() if dry_run else _delete_in_batches(rows)
    return counts


def _finished_tasks(cutoff: datetime, now: datetime) -> QuerySet[Any]:
    return DBTaskResult.objects.filter(
        status__in=(TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED), finished_at__lt=cutoff
    )


def register_core_rows() -> None:
    """The rows core owns (called from CoreConfig.ready)."""
    register(
        "form submissions",
        "forms already carried out, kept so a resend lands on the first result",
        lambda cutoff, now: Submission.objects.filter(created_at__lt=cutoff),
    )
    register(
        "finished tasks",
        "background tasks (e-mails among them) that finished, sent or failed",
        _finished_tasks,
    )
    register(
        "task request ids",
        "the request id kept for each queued task, for its log lines",
        lambda cutoff, now: TaskRequest.objects.filter(created_at__lt=cutoff),
    )
    register(
        "expired sessions",
        "sign-in sessions that have ended (whatever their age)",
        lambda cutoff, now: Session.objects.filter(expire_date__lt=now),
    )
