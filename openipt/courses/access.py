"""Who may see and change treatment courses.

Every query starts from `openipt.clients.access.visible_clients(actor)`: a therapist sees the
courses of their own clients, a supervisor also those of the staff they supervise (read-only),
an admin every course in the organisation (read-only). Changes are made by care staff assigned
to the client. Clients do not see these staff pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from openipt.accounts.access import is_care_staff
from openipt.accounts.models import Role
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment
from openipt.core.numbers import as_id as _int
from openipt.courses.models import (
    HELD,
    OPEN_STATUSES,
    Addendum,
    Attendance,
    Course,
    Goal,
    GoalRating,
    Session,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from openipt.accounts.actor import Actor


class Used(TypedDict):
    """The annotation `with_used` adds: the sessions held or missed."""

    used: int


def visible_courses(actor: Actor | None) -> QuerySet[Course]:
    """Return the courses this actor may see (none for clients: the portal shows their own later)."""
    if actor is None or actor.role == Role.CLIENT:
        return Course.objects.none()
    return Course.objects.filter(
        organisation_id=actor.organisation_id, client__in=visible_clients(actor)
    ).select_related("client", "therapist__user")


def with_used(qs: QuerySet[Course]) -> QuerySet[WithAnnotations[Course, Used]]:
    """Annotate each course with `used`: its sessions held or missed (a subquery, so no GROUP BY)."""
    held = (
        Session.objects.filter(course=OuterRef("pk"), attendance__in=[h.value for h in HELD])
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(used=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)))


def is_assigned_to_course_client(actor: Actor | None, course) -> bool:
    return actor is not None and Assignment.objects.filter(client_id=course.client_id, staff_id=actor.membership.pk).exists()


def is_same_org(actor: Actor | None, course) -> bool:
    return course is not None and actor is not None and course.organisation_id == actor.organisation_id


def can_change_course(actor: Actor | None, course) -> bool:
    """Care staff assigned to the course's client change the course."""
    return is_same_org(actor, course) and is_care_staff(actor) and is_assigned_to_course_client(actor, course)


def can_start_course(actor: Actor | None, client) -> bool:
    """Return True when the actor may start a course for a client they can see."""
    return bool(
        actor is not None
        and actor.is_care_staff
        and client.organisation_id == actor.organisation_id
        and Assignment.objects.filter(client_id=client.pk, staff_id=actor.membership.pk).exists()
    )


def get_course(actor: Actor, course_id) -> Course | None:
    """Return one visible course with `used` annotated, or None."""
    pk = _int(course_id)
    if pk is None:
        return None
    return with_used(visible_courses(actor).filter(pk=pk)).first()


def get_course_for_change(actor: Actor, course_id, *, lock: bool = False) -> Course | None:
    """Return a visible course (locked for update when asked) for an action."""
    pk = _int(course_id)
    if pk is None:
        return None
    qs = visible_courses(actor).filter(pk=pk)
    if lock:
        qs = Course.objects.select_for_update(of=("self",)).filter(pk__in=qs.values("pk")).select_related(
            "client", "therapist__user"
        )
    return qs.first()


def course_sessions(course) -> list[Session]:
    """Return a course's sessions with their notes, in order."""
    return list(Session.objects.filter(course=course).select_related("note").order_by("number"))


def course_goals(course, *, active_only: bool = False) -> list[Goal]:
    """Return a course's goals with their ratings (and each rating's session number)."""
    qs = Goal.objects.filter(course=course)
    if active_only:
        qs = qs.filter(active=True)
    return list(
        qs.prefetch_related(
            Prefetch("ratings", queryset=GoalRating.objects.select_related("session").order_by("session__number"))
        ).order_by("order", "pk")
    )


def get_session(actor: Actor, course_id, number) -> Session | None:
    """Return one session of a visible course, with its course (`used` annotated), client and note, or None."""
    num = _int(number)
    if num is None or num > 32000:
        return None
    course = get_course(actor, course_id)
    if course is None:
        return None
    session = (
        Session.objects.filter(course_id=course.pk, number=num)
        .select_related("note__signed_by__user", "note__last_edited_by__user")
        .first()
    )
    if session is not None:
        session.course = course
    return session


def note_addenda(note) -> list[Addendum]:
    if note is None or note.pk is None:
        return []
    return list(Addendum.objects.filter(note=note).select_related("by__user"))


def client_courses(actor: Actor, client) -> list[WithAnnotations[Course, Used]]:
    """Return the visible courses of one client, newest first, with `used` annotated."""
    return list(with_used(visible_courses(actor).filter(client_id=client.pk)).order_by("-start_date", "-pk"))


def open_courses_for_client(actor: Actor, client_id) -> list[Course]:
    """Return a client's open courses (for the position line on pages about the client)."""
    pk = _int(client_id)
    if pk is None:
        return []
    return list(
        with_used(visible_courses(actor).filter(client_id=pk, status__in=[s.value for s in OPEN_STATUSES])).order_by(
            "start_date", "pk"
        )
    )


def my_upcoming_sessions(actor: Actor) -> QuerySet[Session]:
    """Return sessions from today on in courses the actor runs, soonest first."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Session.objects.filter(
            course__in=visible_courses(actor).filter(therapist_id=actor.membership.pk),
            scheduled_start__gte=start,
            attendance=Attendance.SCHEDULED,
        )
        .select_related("course__client")
        .order_by("scheduled_start", "pk")
    )


def feed_sessions(actor: Actor, start, end) -> QuerySet[Session]:
    """Return the sessions for a therapist's calendar feed between two instants."""
    return (
        Session.objects.filter(
            course__in=visible_courses(actor).filter(therapist_id=actor.membership.pk),
            scheduled_start__gte=start,
            scheduled_start__lt=end,
        )
        .select_related("course__client")
        .order_by("scheduled_start", "pk")
    )


def course_list(actor: Actor) -> QuerySet[Course]:
    """Return every course the actor may see, with `used` annotated."""
    return with_used(visible_courses(actor))
