"""Reads the API needs that the apps do not offer in this shape; each starts from the app's access filter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from openipt.clients.access import visible_clients
from openipt.clients.models import Client, ClientErasure
from openipt.courses.access import visible_courses
from openipt.courses.models import Course
from openipt.groups.access import visible_groups, visible_members
from openipt.groups.models import Attendance, Group, GroupSession
from openipt.measures.access import visible_administrations
from openipt.measures.models import Administration, Status
from openipt.safety.access import visible_alerts
from openipt.safety.models import Alert

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def clients(actor: Actor) -> QuerySet[Client]:
    return visible_clients(actor)


def courses(actor: Actor) -> QuerySet[Course]:
    """The courses the actor may see, with the therapist's name in the same query."""
    return visible_courses(actor).select_related("therapist__user")


def administrations(actor: Actor) -> QuerySet[Administration]:
    """The questionnaires the actor may see that were completed (and so scored)."""
    return visible_administrations(actor).filter(status=Status.COMPLETED)


def erased_clients(client_ids: Iterable[int]) -> set[int]:
    """Which of these clients' records were erased (one query): the changes feed sends those as `erased`."""
    ids = set(client_ids)
    if not ids:
        return set()
    return set(ClientErasure.objects.filter(client_id__in=ids).values_list("client_id", flat=True))


def alerts(actor: Actor) -> QuerySet[Alert]:
    """The risk alerts the actor may see, with who acknowledged each."""
    return visible_alerts(actor).select_related("acknowledged_by__user")


def groups(actor: Actor) -> QuerySet[Group]:
    return visible_groups(actor).select_related("programme")


def group_sessions(actor: Actor, group: Group) -> list[GroupSession]:
    """A group's sessions, each with the attendance of the members the actor may see (2 queries)."""
    seen = Attendance.objects.filter(member__in=visible_members(actor, group).values("pk")).order_by("member_id")
    return list(GroupSession.objects.filter(group=group).order_by("number")
                .prefetch_related(Prefetch("attendance", queryset=seen, to_attr="seen_attendance")))


# The ids of the records of clients that left a token holder's view (the changes feed's `removed` items): the
# holder no longer sees these clients, so these reads do not start from an access filter; they give ids, each
# client's id and when the record was made, never a record, and only of clients of the holder's organisation
# that a ViewChange of theirs names.

def client_ids_of(organisation_id: int, client_ids: list[int]) -> QuerySet[Any]:
    return Client.objects.filter(organisation_id=organisation_id, pk__in=client_ids).values_list(
        "pk", "pk", "created_at")


def course_ids_of(organisation_id: int, client_ids: list[int]) -> QuerySet[Any]:
    return Course.objects.filter(organisation_id=organisation_id, client_id__in=client_ids).values_list(
        "pk", "client_id", "created_at")


def administration_ids_of(organisation_id: int, client_ids: list[int]) -> QuerySet[Any]:
    return Administration.objects.filter(organisation_id=organisation_id, client_id__in=client_ids,
                                         status=Status.COMPLETED).values_list("uuid", "client_id", "completed_at")
