"""Background tasks (django-tasks; the database backend in production, run by `openipt manage db_worker`).

When an alert is raised, `enqueue_followups` queues a task that sends its first notifications
now. Where the backend can run a task later (the database backend), every run books one more run
for the next moment something falls due (an escalation step or a retry of a failed e-mail),
unless such a run is already booked. Every run does the same idempotent job as
`openipt manage escalate` (`notify.run_due`), so a task that runs twice, late, or after a restart
does no harm and catches up. The scheduled command is the safety net: run it every minute from
cron or as a service (`openipt manage escalate --every 60`).
"""

from __future__ import annotations

import logging

from django.db.models import Min, Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from openipt.safety.models import UNACKNOWLEDGED, Alert, Delivery, DeliveryStatus

log = logging.getLogger("openipt.safety")


@task()
def run_safety_jobs() -> dict:
    """Escalate alerts that are due, send waiting notifications, and book the next run."""
    from openipt.safety import notify

    result = notify.run_due()
    if not result.get("busy"):  # the runner holding the lock books the next run (or the minute's tick catches up)
        book_next_run()
    return result


def next_due_time():
    """Return the earliest future moment an escalation step or a retry falls due, or None."""
    escalation = Alert.objects.filter(status__in=UNACKNOWLEDGED, next_escalation_at__isnull=False).aggregate(
        m=Min("next_escalation_at"))["m"]
    retry = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False).aggregate(
        m=Min("next_attempt_at"))["m"]
    times = [t for t in (escalation, retry) if t is not None]
    return min(times) if times else None


def _already_booked(when) -> bool:
    """Return True when a run that has not started yet will happen at or before `when` (or as soon as it can)."""
    try:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult, get_date_max
    except ImportError:  # pragma: no cover - the database backend is installed with OpenIPT
        return False
    path = f"{run_safety_jobs.func.__module__}.{run_safety_jobs.func.__qualname__}"
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=path).filter(
        Q(run_after__lte=when) | Q(run_after=get_date_max())
    ).exists()


def book_next_run() -> None:
    """Book one run for the next due moment, when the backend can run tasks later and none is booked."""
    if not getattr(default_task_backend, "supports_defer", False):
        return
    when = next_due_time()
    if when is None:
        return
    when = max(when, timezone.now())
    if _already_booked(when):
        return
    run_safety_jobs.using(run_after=when).enqueue()


def enqueue_followups(alert_ids: list[int]) -> None:
    """Queue a run now for new alerts (their first e-mails); the run books the next one itself."""
    run_safety_jobs.enqueue()
