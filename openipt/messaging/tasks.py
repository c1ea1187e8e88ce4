"""Background work of the messaging app, run by the task queue (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def email_new_message(message_id: int) -> int:
    """Tell the other side a message is waiting (no message words in the e-mail)."""
    from openipt.messaging.actions import email_new_message as send

    return send(message_id)
