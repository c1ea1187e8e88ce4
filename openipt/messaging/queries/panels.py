"""What the messaging app adds to pages other apps own: the nav counts and the portal's Messages panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from openipt.messaging import access
from openipt.messaging.queries import threads


def nav_count(request: HttpRequest) -> int:
    return threads.unread_count(getattr(request, "actor", None))


def portal_panel_context(request: HttpRequest, client: Any) -> dict[str, Any] | None:
    """On the client's start page: how many replies are waiting, and the way to Messages."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_client:
        return None
    return {"unread": threads.unread_count(actor)}


def client_panel_context(request: HttpRequest, client: Any) -> dict[str, Any] | None:
    """On the staff view of a client's record: the way to their messages, with how many are not read yet.

    Shown only to those who may read the messages (the care team, and supervisors of it); not to admins.
    """
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff or not access.can_read(actor, client):
        return None
    unread = (
        access.visible_messages(actor)
        .filter(client_id=client.pk, from_client=True, read_at__isnull=True)
        .count()
    )
    return {"client": client, "unread": unread}


def alert_source_link(client_id: int, source_id: str) -> str:
    """Where a message that raised a risk alert is shown to staff: its place in the client's thread."""
    return reverse("messaging:thread", args=[client_id]) + f"#message-{source_id}"


def can_open_alert_source(actor: Any, client_id: int) -> bool:
    """Only someone who may read the client's thread sees "Open the message" on an alert (not an admin)."""
    return access.staff_thread_client(actor, client_id) is not None
