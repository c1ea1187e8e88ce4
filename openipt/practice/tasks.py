"""Background work of the practice app, run by the task queue (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminder_email(reminder_id: int) -> str:
    """Send one reminder e-mail; the reminder records whether it was sent, skipped or failed."""
    from openipt.practice.reminder_actions import email_reminder

    return str(email_reminder(reminder_id))
