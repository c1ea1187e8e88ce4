"""Who may see and do what with questionnaires and scores.

Every query starts from `openipt.clients.access.visible_clients(actor)` (through
`openipt.courses.access.visible_courses` for course data): a therapist sees the scores of their
own clients, a supervisor those of the staff they supervise, an admin everyone's in the
organisation. Care staff assigned to the client give questionnaires, enter paper forms and send
links; supervisors and admins look. Organisation-wide exports and imports are for admins. A client
sees and fills in only their own questionnaires, in the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from openipt.accounts.access import is_admin, is_care_staff
from openipt.accounts.models import Role
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment
from openipt.core.numbers import as_id as _int
from openipt.courses import participants
from openipt.courses.access import visible_courses
from openipt.courses.models import OPEN_STATUSES, Course, Session
from openipt.measures.models import Administration, Schedule, ScheduleDate, Status

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def visible_administrations(actor: Actor | None) -> QuerySet[Administration]:
    """Return the administrations of the clients this actor may see (their own, for a client)."""
    if actor is None:
        return Administration.objects.none()
    return Administration.objects.filter(organisation_id=actor.organisation_id, client__in=visible_clients(actor))


def staff_courses(actor: Actor) -> QuerySet[Course]:
    """Return the courses whose measures the actor may see (none for clients)."""
    return visible_courses(actor)


def open_courses_in_scope(actor: Actor | None) -> QuerySet[Course]:
    """Return the open courses the due list covers: care staff their own clients', an admin everyone's."""
    if actor is None or not actor.is_staff:
        return Course.objects.none()
    return visible_courses(actor).filter(status__in=[s.value for s in OPEN_STATUSES])


def get_course(actor: Actor, course_id) -> Course | None:
    """Return one course the actor may see, with its client and therapist."""
    pk = _int(course_id)
    if pk is None:
        return None
    return staff_courses(actor).filter(pk=pk).first()


def course_rows(course, client_id: int | None = None) -> tuple[list[Schedule], list[Session], list[Administration]]:
    """Return a course's schedules (dates prefetched), sessions and one client's completed administrations (3 queries + 1).

    The client is the course's client unless `client_id` names another (partner two of a couples
    course): a course's scores, charts and verdicts are always one person's.
    """
    schedules = list(Schedule.objects.filter(course=course).prefetch_related(
        Prefetch("dates", queryset=ScheduleDate.objects.order_by("on"))))
    sessions = list(Session.objects.filter(course=course).order_by("number"))
    administrations = list(
        Administration.objects.filter(course=course, client_id=client_id or course.client_id, status=Status.COMPLETED)
        .select_related("entered_by__user")
        .order_by("completed_at", "pk")
    )
    return schedules, sessions, administrations


def get_administration(actor: Actor, uuid) -> Administration | None:
    """Return one completed-or-not administration the actor may see, by its uuid."""
    try:
        import uuid as uuidlib

        value = uuidlib.UUID(str(uuid))
    except (TypeError, ValueError):
        return None
    return (
        visible_administrations(actor)
        .filter(uuid=value)
        .select_related("client", "course", "entered_by__user")
        .first()
    )


def client_open_courses(client) -> QuerySet[Course]:
    """Return the open courses a client answers questionnaires in (for the portal, where the client is the actor):
    their own, and the couples courses in which they are partner two (no extra query: a subquery)."""
    return Course.objects.filter(
        Q(client_id=client.pk) | Q(pk__in=participants.course_ids_as_second(client.pk, open_only=True)),
        status__in=[s.value for s in OPEN_STATUSES])


def answers_in(course, client_id) -> bool:
    """Return True when the client answers the course's questionnaires: its client, or partner two of a couples course."""
    return client_id is not None and client_id in participants.participant_ids(course)


def is_assigned_to_client(actor: Actor, client_id) -> bool:
    """Return True when the staff member is assigned to the client (for partner two of a couples course)."""
    return Assignment.objects.filter(client_id=client_id, staff_id=actor.membership.pk).exists()


def own_client(actor: Actor | None):
    """Return the client record of a signed-in client, or None."""
    if actor is None or actor.role != Role.CLIENT:
        return None
    return visible_clients(actor).first()


def with_viewer_assignment(courses: QuerySet[Course], actor: Actor) -> QuerySet[Course]:
    """Annotate courses with whether this actor is assigned to their client, for `is_assigned` on a list.

    The annotation answers for this actor only: check the courses with the same actor.
    """
    mine = Assignment.objects.filter(client_id=OuterRef("client_id"), staff_id=actor.membership.pk)
    return courses.annotate(viewer_assigned=Exists(mine))


def is_assigned(actor: Actor | None, course) -> bool:
    if actor is None:
        return False
    known = getattr(course, "viewer_assigned", None)
    if known is not None:
        return known
    return Assignment.objects.filter(client_id=course.client_id, staff_id=actor.membership.pk).exists()


def in_org(actor: Actor | None, obj) -> bool:
    return obj is not None and actor is not None and obj.organisation_id == actor.organisation_id


# Give questionnaires, enter paper forms, send links, change schedules: care staff assigned to the client.
def can_administer(actor: Actor | None, course) -> bool:
    """Care staff assigned to the course's client give questionnaires and change schedules."""
    return in_org(actor, course) and is_care_staff(actor) and is_assigned(actor, course)


# Organisation-wide exports, imports, settings: admins.
def can_export_organisation(actor: Actor | None) -> bool:
    """Admins export the whole organisation's results."""
    return is_admin(actor)


def can_import(actor: Actor | None) -> bool:
    """Admins import results."""
    return is_admin(actor)


def can_change_settings(actor: Actor | None) -> bool:
    """Admins change the organisation's questionnaire settings."""
    return is_admin(actor)


def can_export_identifiable(actor: Actor | None, client) -> bool:
    """Identifiable exports of one client: admins and care staff assigned to the client."""
    if actor is None or client.organisation_id != actor.organisation_id:
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.is_care_staff and Assignment.objects.filter(client_id=client.pk, staff_id=actor.membership.pk).exists()
