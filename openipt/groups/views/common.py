"""Helpers shared by the group pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from openipt.groups import access

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def group_or_404(actor: Actor, group_id):
    group = access.get_group(actor, group_id)
    if group is None:
        raise Http404
    return group


def session_or_404(actor: Actor, group_id, number):
    session = access.get_session(actor, group_id, number)
    if session is None:
        raise Http404
    return session


def runnable_session_or_403(actor: Actor, group_id, number):
    """Return a session the actor leads; 404 when they cannot see it, 403 when they may only look."""
    session = session_or_404(actor, group_id, number)
    if not access.can_run(actor, session.group):
        raise PermissionDenied
    return session


def local_day(value):
    return timezone.localtime(value).date()


def next_session(sessions):
    """Return the earliest session not recorded yet, past or future: a forgotten record comes first."""
    return min((s for s in sessions if not s.held), key=lambda s: (s.scheduled_start, s.number), default=None)


def not_recorded(sessions):
    """Return the sessions whose day has passed and that nobody recorded, earliest first."""
    today = timezone.localdate()
    return sorted((s for s in sessions if not s.held and local_day(s.scheduled_start) < today),
                  key=lambda s: (s.scheduled_start, s.number))
