"""Background work of the consent app (django-tasks): telling the care team that a client withdrew consent."""

from __future__ import annotations

from django_tasks import task

from openipt.consent.notify import email_care_team


@task()
def tell_care_team(event_id: int) -> int:
    """E-mail each member of the client's care team that a client withdrew consent; return how many were sent."""
    return email_care_team(event_id)
