"""Helpers shared by the assessment pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from openipt.assessment import access
from openipt.clients import access as client_access
from openipt.courses import access as course_access

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def client_or_404(actor: Actor, client_id):
    client = client_access.get_client(actor, client_id)
    if client is None:
        raise Http404
    return client


def changeable_client(actor: Actor, client_id):
    """Return a client whose assessment the actor may change; 404 when not visible, 403 when read only."""
    client = client_or_404(actor, client_id)
    if not access.can_change_assessment(actor, client):
        raise PermissionDenied
    return client


def person_or_404(actor: Actor, person_id):
    person = access.get_person(actor, person_id)
    if person is None:
        raise Http404
    return person


def changeable_person(actor: Actor, person_id):
    person = person_or_404(actor, person_id)
    if not access.can_change_assessment(actor, person.client):
        raise PermissionDenied
    return person


def course_or_404(actor: Actor, course_id, request=None):
    course = course_access.get_course(actor, course_id)
    if course is None:
        raise Http404
    if request is not None:
        request.openipt_course = course  # the courses app's position line reuses it
    return course


def changeable_course(actor: Actor, course_id, request=None):
    course = course_or_404(actor, course_id, request)
    if not course_access.can_change_course(actor, course):
        raise PermissionDenied
    return course


