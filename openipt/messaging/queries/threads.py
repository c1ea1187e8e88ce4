"""What the messaging pages and the Today page show: a fixed number of queries, whatever the data.

Every query starts from `access.thread_clients(actor)`, so the care-team rule for client records
applies. Nothing here changes data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import ngettext

from openipt.clients.models import Assignment, Client
from openipt.messaging import access
from openipt.messaging.models import Message

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _my_clients(actor: Actor) -> QuerySet[Assignment]:
    return Assignment.objects.filter(staff_id=actor.membership.pk)


def unread_for_staff(actor: Actor | None) -> QuerySet[Message]:
    """Messages from clients this person cares for (assigned to them) that nobody on the care team has opened yet."""
    if actor is None or not actor.is_staff:
        return Message.objects.none()
    return access.visible_messages(actor).filter(
        from_client=True, read_at__isnull=True, client_id__in=_my_clients(actor).values("client_id")
    )


def unread_count(actor: Actor | None) -> int:
    """The number shown beside "Messages": unread client messages for staff, unread replies for a client."""
    if actor is None:
        return 0
    if actor.is_client:
        return access.visible_messages(actor).filter(from_client=False, read_at__isnull=True).count()
    return unread_for_staff(actor).count()


def inbox(actor: Actor) -> QuerySet[Client]:
    """One row per client with messages: newest first, those with unread messages first of all."""
    return (
        access.thread_clients(actor)
        .annotate(
            last_at=Max("messages__sent_at"),
            total=Count("messages"),
            unread=Count("messages", filter=Q(messages__from_client=True, messages__read_at__isnull=True)),
        )
        .filter(total__gt=0)
        .order_by("-unread", "-last_at", "pk")
    )


@dataclass
class TodayMessages:
    clients: Sequence[Client]
    unread: int


def for_today(actor: Actor, shown: int = 10) -> TodayMessages:
    """The clients with unread messages for the Today page (one query for the rows, one for the count)."""
    unread = unread_for_staff(actor)
    rows = list(
        Client.objects.filter(pk__in=unread.values("client_id"))
        .annotate(
            unread=Count("messages", filter=Q(messages__from_client=True, messages__read_at__isnull=True)),
            first_at=Max("messages__sent_at"),
        )
        .order_by("-first_at", "pk")[:shown]
    )
    return TodayMessages(rows, unread.count())


def reply_time_words(days: int) -> str:
    """The clinic's promise in plain words, e.g. "We reply within 2 working days"."""
    return ngettext("We reply within %(n)d working day.", "We reply within %(n)d working days.", days) % {
        "n": days
    }
