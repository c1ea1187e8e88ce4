"""What the client's own pages read: their course in plain words, and the practice scenarios open to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from openipt.couples.api import ending_material_blocked
from openipt.courses.access import course_goals
from openipt.practice import access
from openipt.practice.models import RehearsalTurn, Worksheet
from openipt.practice.present import (
    CourseView,
    area_name,
    course_words,
    goal_rows,
    scenario_rows,
    to_try_lines,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def course_view(actor: Actor, client) -> CourseView | None:
    """The client's course in plain words: where they are, what comes next, goals and things to try."""
    course = access.current_course(actor, client)
    if course is None:
        return None
    number = min(course.used + 1, course.sessions_planned)
    is_open = course.status in ("planned", "active", "maintenance")
    to_try = to_try_lines(access.last_signed_note(course))
    return CourseView(course, number, course.sessions_planned, course.status, course_words(course),
                      area_name(course.primary_area), access.next_session(course, timezone.now()) if is_open else None,
                      goal_rows(course_goals(course, active_only=True)), to_try if is_open else [])


def scenarios_for(course, client) -> tuple[list[dict], list[dict]]:
    """The scenarios for the course's area first, then the others; none about ending a relationship while the
    client's couples safety screen raised a concern."""
    return scenario_rows(course, ending_material_blocked(client))



def worksheet_now(sheet_id: int) -> Worksheet:
    """The worksheet as it is stored now (after someone else saved it)."""
    return Worksheet.objects.get(pk=sheet_id)


def rehearsal_steps_now(rehearsal) -> int:
    """How many steps the conversation has as stored now (after a message sent from elsewhere)."""
    return type(rehearsal).objects.get(pk=rehearsal.pk).steps


def last_client_message(rehearsal_id, step: int) -> str | None:
    """The words of the client's message stored as this step of the conversation, if there is one."""
    return (RehearsalTurn.objects.filter(rehearsal_id=rehearsal_id, speaker="client", step=step)
            .values_list("text", flat=True).first())
