"""Course pages: the overview, a session page, the course list, the calendar and the iCalendar feed.

Each page is requested by the therapist who runs the course. The course chosen is an active one
in the middle phase (so it has a problem area, goals and ratings) with the longest contract
among a sample, so the timeline is as full as synth makes it and has the same shape at every size. The feed needs a secret address, made here through the real action.
"""

from __future__ import annotations

from bench.harness import Scenario
from openipt.courses import calendar_actions
from openipt.courses.models import Course, Session
from tests.support.people import actor


def scenarios(world) -> list[Scenario]:
    course_ids = getattr(world, "course_ids", [])
    if not course_ids:
        return []
    sample = course_ids[len(course_ids) // 2:][:200]
    course = (
        Course.objects.filter(pk__in=sample, status="active", phase="middle").exclude(primary_area="")
        .select_related("therapist__user")
        .order_by("-sessions_planned", "pk").first()
    )
    if course is None:
        course = Course.objects.select_related("therapist__user").get(pk=course_ids[len(course_ids) // 2])
    therapist = course.therapist
    numbers = list(Session.objects.filter(course=course).order_by("number").values_list("number", flat=True))
    _token, secret = calendar_actions.create_calendar_token(actor(therapist))
    found = [
        Scenario("course.overview.therapist", therapist, f"/courses/{course.pk}/"),
        Scenario("course.list.therapist", therapist, "/courses/"),
        Scenario("course.calendar.therapist", therapist, "/courses/calendar/"),
        Scenario("course.ics-feed", therapist, f"/courses/calendar/feed/{secret}.ics"),
    ]
    if numbers:
        found.insert(1, Scenario("course.session.therapist", therapist, f"/courses/{course.pk}/sessions/{numbers[-1]}/"))
    if therapist.supervisor_id:
        found.append(Scenario("course.overview.supervisor", therapist.supervisor, f"/courses/{course.pk}/"))
    return found
