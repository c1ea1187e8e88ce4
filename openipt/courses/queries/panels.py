"""What courses add to pages: the client-record panel, the position line, and the course page's
start-checks and steps panels."""

from __future__ import annotations

from django.template.loader import render_to_string

from openipt.courses import access, ending_actions, review_actions, start_checks
from openipt.courses.models import CourseStatus
from openipt.courses.present import format_name, position
from openipt.courses.queries.steps import ending_of, review_rows
from openipt.courses.steps_forms import OutreachForm
from openipt.safety.plan_review import plan_review_state


def client_panel_context(request, client):
    """The courses on a client's record, with a "Start a course" button for those who may start one."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    courses = access.client_courses(actor, client)
    return {
        "client": client,
        "rows": [{"course": c, "position": position(c, c.used), "format": format_name(c)} for c in courses],
        "can_start": access.can_start_course(actor, client),
    }


def position_banner(request) -> str:
    """Render "Session N of M · phase · K left · planned last session DATE" on pages about a client or course."""
    actor = getattr(request, "actor", None)
    match = getattr(request, "resolver_match", None)
    if actor is None or not actor.is_staff or match is None:
        return ""
    kwargs = match.kwargs
    if "course_id" in kwargs:
        cached = getattr(request, "openipt_course", None)
        if cached is not None and str(cached.pk) == str(kwargs["course_id"]) and hasattr(cached, "used"):
            course = cached
        else:
            course = access.get_course(actor, kwargs["course_id"])
        courses = [course] if course is not None else []
    elif "client_id" in kwargs:
        courses = access.open_courses_for_client(actor, kwargs["client_id"])
    else:
        return ""
    if not courses:
        return ""
    rows = [{"course": c, "position": position(c, c.used), "format": format_name(c)} for c in courses]
    return render_to_string("courses/_position_banner.html", {"rows": rows}, request=None)


def course_steps_context(request, course):
    """The steps an IPT trainer expects on the course page: review when not on track, outreach, ending."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    can_change = bool(access.can_change_course(actor, course))
    ending = ending_of(course)
    prompt = ending_actions.outreach_prompt(course)
    return {
        "course": course,
        "can_change": can_change,
        **review_actions.review_offer(course),
        "reviews": review_rows(course)[:3],
        "prompt": prompt,
        "outreach_form": OutreachForm() if prompt and can_change else None,
        "ending": ending,
        "ended_well": ending_actions.ended_well(course),
        "is_open": course.is_open,
        "is_completed": course.status == CourseStatus.COMPLETED,
        "plan_review": plan_review_state(course.client),
    }


def start_checks_panel_context(request, course):
    """On the course page while it is in the initial phase: each start check, passed or what is missing."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff or course.phase != "initial" or not course.is_open:
        return None
    results = start_checks.results(course)
    if not results:
        return None
    return {"course": course, "checks": results, "all_passed": all(r.passed for r in results)}
