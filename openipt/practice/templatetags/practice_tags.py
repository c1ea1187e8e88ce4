"""Template tags other apps' templates may use to show between-session work.

`{% load practice_tags %}{% interval_history course %}` draws the client's log entries since the
last held session (the interval history) for staff, e.g. beside a session plan. It runs a fixed
number of queries and draws nothing for people who may not see it.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def interval_history(context, course) -> str:
    from openipt.practice.queries.panels import course_panel_context

    request = context.get("request")
    if request is None or course is None:
        return ""
    panel = course_panel_context(request, course)
    if panel is None:
        return ""
    return render_to_string("practice/_course_panel.html", {"panel": panel}, request=request)
