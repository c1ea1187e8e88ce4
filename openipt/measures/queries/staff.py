"""The rows of the staff measures pages beyond the course summary: partners, the due list, schedules, links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.clients.access import visible_clients
from openipt.clients.models import Client
from openipt.courses import participants
from openipt.courses.models import Course, Session
from openipt.measures import access, link_actions
from openipt.measures.models import OneTimeLink, Schedule

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def partners(course: Course) -> list[Client]:
    """The clients who answer a course's questionnaires: its client, and partner two of a couples course."""
    ids = participants.participant_ids(course)
    if len(ids) < 2:
        return [course.client]
    found = {c.pk: c for c in Client.objects.filter(pk__in=ids, organisation_id=course.organisation_id)}
    return [found[i] for i in ids if i in found]


def visible_ids(actor: Actor, clients: Iterable[Client]) -> set[int]:
    """The ids among these clients whose record the actor may see."""
    return set(visible_clients(actor).filter(pk__in=[c.pk for c in clients]).values_list("pk", flat=True))


def clients_by_id(ids: Iterable[int]) -> dict[int, Client]:
    """The clients with these ids, by id (one query; the ids come from rows already checked)."""
    return {c.pk: c for c in Client.objects.filter(pk__in=set(ids))}


def shown_courses(actor: Actor, ids: Iterable[int]) -> dict[int, Course]:
    """The courses with these ids the actor may open, with whether they are assigned, by id (one query)."""
    return {c.pk: c for c in access.with_viewer_assignment(Course.objects.filter(pk__in=set(ids)), actor)}


def sessions_in_order(course: Course) -> list[Session]:
    """The course's sessions by number (for choosing the session a paper form belongs to)."""
    return list(course.sessions.order_by("number"))


def recent_links(course: Course, shown: int = 5) -> list[OneTimeLink]:
    """The course's newest one-time links, with who made them and for whom."""
    return list(OneTimeLink.objects.filter(course=course).select_related("created_by__user", "client")[:shown])


def schedules(course: Course) -> QuerySet[Schedule]:
    """The course's questionnaire schedules, with their dates and who set them."""
    return Schedule.objects.filter(course=course).prefetch_related("dates").select_related("created_by__user")


def link_with_token(course: Course, link_id: str | int, token: str) -> OneTimeLink | None:
    """The course's link with this id, only when the token is its own (to show it again after a failed send)."""
    return OneTimeLink.objects.filter(course=course, pk=link_id, token_hash=link_actions.token_hash(token)).first()
