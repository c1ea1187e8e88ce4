"""Test and demo helper: record the initial-phase screening as 'go ahead' for every topic of a course."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def screen_all_clear(actor: Actor, course_id, answer: str = "Asked; nothing found.") -> None:
    """Record every screening topic of the course's format with the decision to go ahead."""
    from openipt.courses import screening_actions
    from openipt.courses.models import Course

    course = Course.objects.get(pk=course_id)
    screening_actions.record_screening(actor, course_id, {
        t: {"answer": answer, "decision": "proceed"} for t in screening_actions.topics_for(course)})
