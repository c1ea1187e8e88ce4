"""Pre-group and mid-group meetings read for the group pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.clients.access import visible_clients
from openipt.courses.models import OPEN_STATUSES, Course
from openipt.groups.models import Meeting, MeetingKind, Member, MemberStatus

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def active_client_ids(group) -> QuerySet:
    """The ids of the group's active members' clients, as a subquery."""
    return Member.objects.filter(group=group, status=MemberStatus.ACTIVE).values("client_id")


def meeting_for(actor: Actor, group, meeting_id, *, pre_group_only: bool = False) -> Meeting | None:
    """Return one meeting of the group whose client the actor may see (one query), or None."""
    qs = Meeting.objects.filter(group=group, pk=meeting_id, client__in=visible_clients(actor))
    if pre_group_only:
        return qs.filter(kind=MeetingKind.PRE_GROUP).select_related("client").first()
    return qs.select_related("client", "by__user", "phq9").first()


def is_active_member(group, client) -> bool:
    """Return True when the client is an active member of the group (one query)."""
    return Member.objects.filter(group=group, client=client, status=MemberStatus.ACTIVE).exists()


def open_course(client, format_id: str) -> Course | None:
    """Return the client's open course of a format (one query), or None."""
    return Course.objects.filter(
        client=client, format_id=format_id, status__in=[s.value for s in OPEN_STATUSES]
    ).first()


def meeting_candidates(actor: Actor, group, kind: str, limit: int = 500) -> list:
    """The clients a meeting of this kind may be about, by name: the group's active members for a mid-group
    meeting, the actor's other clients for a pre-group one (at most `limit`)."""
    in_group = active_client_ids(group)
    clients = visible_clients(actor).order_by("given_name", "family_name")
    clients = clients.filter(pk__in=in_group) if kind == MeetingKind.MID_GROUP else clients.exclude(pk__in=in_group)
    return list(clients[:limit])
