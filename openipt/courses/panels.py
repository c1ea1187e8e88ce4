"""What courses add to pages they do not own: the client-record panel and the position line."""

from __future__ import annotations

from django.template.loader import render_to_string

from openipt.courses import access
from openipt.courses.state import format_name, position


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
