"""Who takes part in a course: its client, and a second participant another app may add.

A course belongs to one client. Couples IPT adds partner two to a couples course; a group member
takes part in a group through a course of their own, so a group course has just its client. Apps
that need the people of a course (measures: who answers its questionnaires) ask here. The app that
adds people (couples, which sits above courses) registers a `SecondParticipant` from its
AppConfig.ready(). These functions add no permission check: callers pass a client or course they
already fetched through their own access checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import IntegerField, Value

from openipt.courses.models import Course


@dataclass(frozen=True)
class SecondParticipant:
    """How an app adds a second participant to some courses (each function answers for its courses only).

    `of_course(course)`: the second participant's client id, or None.
    `course_ids(client_id, open_only)`: lazy query of the ids of courses the client takes part in as second participant.
    `expression(course_ref)`: a query expression for the second participant's client id of the course at the
    outer field `course_ref`, NULL if none.
    """

    of_course: Callable
    course_ids: Callable
    expression: Callable


_SOURCE: list[SecondParticipant] = []


def register_second_participant(source: SecondParticipant) -> None:
    """Register the app that adds second participants (one app does: couples)."""
    _SOURCE[:] = [source]


def participant_ids(course) -> tuple[int, ...]:
    """The client ids taking part in a course: (client, second participant) or (client,); () for no course."""
    if course is None or getattr(course, "pk", None) is None:
        return ()
    second = _SOURCE[0].of_course(course) if _SOURCE else None
    return (course.client_id, second) if second else (course.client_id,)


def course_ids_as_second(client_id: int, *, open_only: bool):
    """Lazy query of the ids of the courses (open ones only, if asked) the client takes part in as second participant."""
    if not _SOURCE:
        return Course.objects.none().values("pk")
    return _SOURCE[0].course_ids(client_id, open_only)


def second_participant_id(course_ref: str):
    """An expression for the second participant's client id of the course at `course_ref` (an outer field), NULL if none."""
    if not _SOURCE:
        return Value(None, output_field=IntegerField())
    return _SOURCE[0].expression(course_ref)
