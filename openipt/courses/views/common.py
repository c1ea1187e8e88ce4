"""Helpers shared by the course pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import get_language

from openipt.courses import access

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def lang() -> str:
    return get_language() or "en"


def course_or_404(actor: Actor, course_id, request=None):
    course = access.get_course(actor, course_id)
    if course is None:
        raise Http404
    if request is not None:
        request.openipt_course = course  # the position line reuses it instead of asking again
    return course


def changeable_course_or_403(actor: Actor, course_id, request=None):
    """Return a course the actor may change; 404 when they cannot see it, 403 when they may only look."""
    course = course_or_404(actor, course_id, request)
    if not access.can_change_course(actor, course):
        raise PermissionDenied
    return course


def session_or_404(actor: Actor, course_id, number, request=None):
    session = access.get_session(actor, course_id, number)
    if session is None:
        raise Http404
    if request is not None:
        request.openipt_course = session.course  # the position line reuses it
    return session
