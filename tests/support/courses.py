"""Courses for tests: started, screened and given sessions through the courses actions."""

from __future__ import annotations

from django.utils import timezone

from openipt.assessment import formulation_actions
from openipt.assessment.models import FormulationDraft
from openipt.courses import actions, screening_actions, session_actions
from openipt.courses.models import Course
from tests.support.clock import at
from tests.support.people import actor


def screen_all_clear(actor, course_id, answer: str = "Asked; nothing found.") -> None:
    """Record every screening topic of the course's format with the decision to go ahead."""
    course = Course.objects.get(pk=course_id)
    screening_actions.record_screening(actor, course_id, {
        t: {"answer": answer, "decision": "proceed"} for t in screening_actions.topics_for(course)})


def start(world, who="therapist", client="mine", **kwargs):
    """Start a course (individual, today, unless told otherwise) for a client of the world."""
    kwargs.setdefault("format_id", "individual")
    kwargs.setdefault("start_date", timezone.localdate())
    return actions.start_course(actor(world.m[who]), world.clients[client].pk, **kwargs)


def make_ready_for_middle(world, course, who="therapist"):
    """Record an area, its rationale, an agreed formulation, an agreed contract and the initial screening."""
    screen_all_clear(actor(world.m[who]), course.pk)
    course.refresh_from_db()
    course = actions.set_focus(
        actor(world.m[who]), course.pk, primary_area="role_transition", primary_rationale="Moved city for work.",
        dispute_stage="", secondary_area="", secondary_rationale="", expected_version=course.version,
    )
    agreed_formulation(actor(world.m[who]), course, "Low mood since the move; the lost role and friends are the focus.")
    return actions.record_agreement(actor(world.m[who]), course.pk, "contract")


def agreed_formulation(actor, course, text: str, *, agreed: bool = True):
    """Save the formulation as a version, share it, and (unless told otherwise) record the client's agreement today."""
    draft = FormulationDraft.objects.filter(course_id=course.pk).values_list("version", flat=True).first()
    formulation_actions.save_version(actor, course.pk, text=text, expected_version=draft or 0)
    if agreed:
        return formulation_actions.record_agreement(actor, course.pk, on=timezone.localdate())
    return formulation_actions.share_latest(actor, course.pk)


def held_session(world, course, number_of_sessions=1, who="therapist", attendance="attended"):
    """Add sessions today and record their attendance."""
    made = []
    for _ in range(number_of_sessions):
        s = session_actions.add_session(actor(world.m[who]), course.pk, when=at(), duration=50, mode="in_person")
        session_actions.record_attendance(actor(world.m[who]), course.pk, s.number, attendance)
        made.append(s)
    return made
