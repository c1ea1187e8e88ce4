"""Courses, their sessions and their goals: read only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openipt.api import present, queries
from openipt.api.endpoints import READ_ERRORS, ChangedParams, actor_of, needs
from openipt.api.errors import not_found
from openipt.api.http import page, respond
from openipt.api.schemas import CourseOut, CoursePage, GoalOut, SessionOut
from openipt.clients import actions as client_actions
from openipt.courses import access
from openipt.courses.models import Course

router = Router()


def _course(request: HttpRequest, course_id: int) -> Course:
    actor = actor_of(request, "courses:read")
    found = access.get_course(actor, course_id)
    if found is None:
        raise not_found("course")
    client_actions.record_view(actor, found.client)  # as opening the record on a screen is audited
    return found


@router.get("", response={200: CoursePage, **READ_ERRORS}, url_name="courses", summary="List courses", auth=needs("courses:read"))
def list_courses(request: HttpRequest, params: Query[ChangedParams]) -> HttpResponse:
    """The treatment courses the token may see, oldest first. Scope `courses:read`."""
    actor = actor_of(request, "courses:read")
    return respond(request, page("courses", queries.courses(actor), limit=params.limit, cursor=params.cursor,
                                 updated_since=params.updated_since, serialize=present.courses))


@router.get("/{course_id}", response={200: CourseOut, **READ_ERRORS}, url_name="course", summary="Read a course", auth=needs("courses:read"))
def read_course(request: HttpRequest, course_id: int) -> HttpResponse:
    """One course. Scope `courses:read`."""
    return respond(request, present.course(_course(request, course_id)))


@router.get("/{course_id}/sessions", response={200: list[SessionOut], **READ_ERRORS}, url_name="course_sessions",
            summary="List a course's sessions", auth=needs("courses:read"))
def list_sessions(request: HttpRequest, course_id: int) -> HttpResponse:
    """A course's sessions in order, with attendance (session notes are not shown). Scope `courses:read`."""
    course = _course(request, course_id)
    return respond(request, [present.session(s) for s in access.course_sessions(course)])


@router.get("/{course_id}/goals", response={200: list[GoalOut], **READ_ERRORS}, url_name="course_goals",
            summary="List a course's goals", auth=needs("courses:read"))
def list_goals(request: HttpRequest, course_id: int) -> HttpResponse:
    """A course's goals with their ratings by session. Scope `courses:read`."""
    course = _course(request, course_id)
    return respond(request, [present.goal(g) for g in access.course_goals(course)])
