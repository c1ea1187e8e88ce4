"""The courses app's side of the interface with the supervision app.

Courses owns the sessions of individual courses, so it makes them rateable (target kind "session")
and tells the supervisor dashboard which of them wait for a rating. `register()` runs from
CoursesConfig.ready(); supervision, below courses, never imports this app.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone

from openipt.courses.access import visible_courses
from openipt.courses.models import Attendance, Course, Session
from openipt.supervision import api as supervision_api
from openipt.supervision.api import Target
from openipt.supervision.models import FidelityRating

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

KIND = "session"
WAITING_DAYS = 42
WAITING_SHOWN = 20


def course_session_target(actor: Actor, target_id: int) -> Target:
    """Resolve a session of an individual course (kind "session")."""
    session = (
        Session.objects.filter(pk=target_id, course__in=visible_courses(actor))
        .select_related("course__client")
        .first()
    )
    if session is None:
        raise Http404
    course = session.course
    when = formats.date_format(session.scheduled_start, "j M Y")
    label = f"{course.client.display_name} · session {session.number} · {when}"
    return Target(
        organisation_id=course.organisation_id,
        phase=session.phase,
        format_id=course.format_id,
        rated_membership_id=course.therapist_id,
        label=label[:200],
        url=reverse("courses:session", args=[course.pk, session.number]),
        held=session.attendance == Attendance.ATTENDED,
        session_at=session.scheduled_start,
    )


def waiting_sessions(member_ids):
    """Attended sessions of individual courses in the last six weeks with no rating yet, newest first."""
    since = timezone.now() - timedelta(days=WAITING_DAYS)
    # NOT EXISTS on the (kind, id) of current ratings: an index lookup per session, whatever the number of ratings.
    rated = FidelityRating.objects.filter(target_kind=KIND, target_id=OuterRef("pk"), is_current=True)
    # Drive from the team's courses (a subquery), so SQLite walks their sessions by course rather than every
    # session of the organisation in the window (measured: 4 ms against 60 ms at 10,000 clients).
    courses = Course.objects.filter(therapist_id__in=member_ids).values("pk")
    base = (
        Session.objects.filter(course_id__in=courses, attendance=Attendance.ATTENDED,
                               scheduled_start__gte=since, scheduled_start__lte=timezone.now())
        .exclude(Exists(rated))
    )
    counts = dict(base.order_by().values("course__therapist_id").annotate(n=Count("pk")).values_list("course__therapist_id", "n"))
    shown = list(base.select_related("course__client", "course__therapist__user").order_by("-scheduled_start", "-pk")[:WAITING_SHOWN])
    return shown, counts


def register() -> None:
    """Register the "session" target kind and the dashboard's waiting sessions with the supervision app."""
    supervision_api.register_target(KIND, course_session_target)
    supervision_api.register_dashboard_source("waiting_sessions", waiting_sessions)
