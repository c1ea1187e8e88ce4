"""The stored answers the questionnaire pages look for: one per client and due questionnaire."""

from __future__ import annotations

from openipt.measures.models import Administration, Status


def completed(client_id: int, due_key: str) -> Administration | None:
    """The client's completed answers to a due questionnaire, or None."""
    return Administration.objects.filter(client_id=client_id, due_key=due_key, status=Status.COMPLETED).first()


def draft(client_id: int, due_key: str) -> Administration | None:
    """The client's answers saved but not yet sent for a due questionnaire, or None."""
    return Administration.objects.filter(client_id=client_id, due_key=due_key, status=Status.IN_PROGRESS).first()


def any_answers(client_id: int, due_key: str) -> Administration | None:
    """The client's answers to a due questionnaire, sent or not, or None."""
    return Administration.objects.filter(client_id=client_id, due_key=due_key).first()
