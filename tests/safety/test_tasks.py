"""The django-tasks side of escalation: a run is booked for the next due moment, once, on the database backend."""

from __future__ import annotations

from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from openipt.safety import actions, api, tasks
from tests.support.people import actor
from tests.support.safety import WORRYING

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PATH = "openipt.safety.tasks.run_safety_jobs"


@override_settings(TASKS=DB_BACKEND)
def test_raising_queues_a_run_and_each_run_books_the_next_escalation_once(world, django_capture_on_commit_callbacks):
    """HAZ-006: with the production backend, the worker is told when to escalate next, without piling up runs."""
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = api.raise_for_text(client=world.clients["mine"], text=WORRYING, source="practice.log")
    assert DBTaskResult.objects.ready().filter(task_path=PATH).count() == 1  # the run that sends the first e-mail, now
    DBTaskResult.objects.filter(task_path=PATH).update(status="SUCCESSFUL")  # as the worker would mark it
    tasks.run_safety_jobs.call()
    tasks.run_safety_jobs.call()
    booked = list(DBTaskResult.objects.filter(status="READY", task_path=PATH).values_list("run_after", flat=True))
    alert.refresh_from_db()
    assert booked == [alert.next_escalation_at]
    actions.acknowledge(actor(world.m["therapist"]), alert.pk)
    assert tasks.next_due_time() is None


def test_without_a_backend_that_can_wait_nothing_is_booked(world):
    """In tests (the immediate backend) and anywhere without delayed tasks, the command is the scheduler."""
    api.raise_for_text(client=world.clients["mine"], text=WORRYING, source="practice.log")
    tasks.book_next_run()
    assert not DBTaskResult.objects.exists()
