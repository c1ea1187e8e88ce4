"""Who may read and write secure messages.

Every query starts from `openipt.clients.access.visible_clients(actor)`, so the organisation
boundary and the care-team rule for client records apply here too:

- a client reads and writes their own thread;
- care staff assigned to the client (their care team) read the thread and reply;
- a supervisor reads the threads of the clients their team looks after, and does not reply
  (unless assigned to the client themselves);
- admins do not read conversations: they are between a client and the people caring for them
  (an alert raised by a message still shows the words that raised it to whoever handles alerts);
- nobody reaches another organisation's messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.models import CARE_ROLES, Role
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment, Client
from openipt.core.numbers import as_id
from openipt.messaging.models import Message

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def thread_clients(actor: Actor | None) -> QuerySet[Client]:
    """The clients whose thread this actor may read: their own (a client), or their care team's clients (staff)."""
    if actor is None:
        return Client.objects.none()
    if actor.role == Role.CLIENT or actor.role in CARE_ROLES:
        return visible_clients(actor)
    return Client.objects.none()


def visible_messages(actor: Actor | None) -> QuerySet[Message]:
    """Every message this actor may read."""
    return Message.objects.filter(client__in=thread_clients(actor))


def own_client(actor: Actor | None) -> Client | None:
    """The signed-in client's own record, or None (staff, or a login not linked to a record)."""
    if actor is None or actor.role != Role.CLIENT:
        return None
    return visible_clients(actor).order_by("pk").first()


def staff_thread_client(actor: Actor | None, client_id: object) -> Client | None:
    """A client whose thread this member of staff may read, or None."""
    pk = as_id(client_id)
    if pk is None or actor is None or actor.role not in CARE_ROLES:
        return None
    return thread_clients(actor).filter(pk=pk).first()


def is_care_team(actor: Actor | None, client: Client) -> bool:
    """True for care staff assigned to the client in the client's organisation."""
    return (
        actor is not None
        and actor.role in CARE_ROLES
        and client.organisation_id == actor.organisation_id
        and Assignment.objects.filter(client_id=client.pk, staff_id=actor.membership.pk).exists()
    )


def has_care_team(client: Client) -> bool:
    """True when at least one active member of care staff is assigned to the client (someone can read their messages)."""
    return Assignment.objects.filter(
        client_id=client.pk,
        staff__role__in=CARE_ROLES,
        staff__is_active=True,
        staff__organisation_id=client.organisation_id,
    ).exists()


def can_read(actor: Actor | None, client: Client) -> bool:
    return thread_clients(actor).filter(pk=client.pk).exists()


def can_send(actor: Actor | None, client: Client) -> bool:
    """The client themselves, or a member of their care team; a supervisor who is not assigned only reads."""
    if actor is None or client.organisation_id != actor.organisation_id:
        return False
    if actor.role == Role.CLIENT:
        return client.user_id is not None and client.user_id == actor.membership.user_id
    return is_care_team(actor, client)


def can_mark_read(actor: Actor | None, client: Client) -> bool:
    """Opening a thread counts as reading it for the client and for their care team, not for a supervisor looking on."""
    return can_send(actor, client)


def can_manage_settings(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.ADMIN


def thread(actor: Actor | None, client: Client) -> list[Message]:
    """The whole thread of a client, oldest first, with who sent and who read each message (one query)."""
    return list(
        visible_messages(actor)
        .filter(client_id=client.pk)
        .select_related("sender__user", "read_by__user")
        .order_by("sent_at", "pk")
    )


def get_message(actor: Actor | None, message_id: object) -> Message | None:
    pk = as_id(message_id)
    if pk is None:
        return None
    return visible_messages(actor).filter(pk=pk).select_related("client").first()
