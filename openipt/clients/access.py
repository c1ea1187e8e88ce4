"""Who may see and change client records.

Every query of client data starts from `visible_clients(actor)`. A client
outside the actor's organisation, or not theirs to see, does not exist as
far as the actor is concerned (views answer 404).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from openipt.accounts.access import is_admin, is_care_staff, is_client, site_q, within_site
from openipt.accounts.models import Membership, Role
from openipt.clients.models import Assignment, Client

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _assignment_scope(actor: Actor) -> QuerySet[Assignment]:
    membership = actor.membership
    if actor.role == Role.SUPERVISOR:
        # A subquery of staff ids lets the (staff, client) index do the work instead of a join scan.
        team = Membership.objects.filter(Q(pk=membership.pk) | Q(supervisor_id=membership.pk)).values("pk")
        return Assignment.objects.filter(staff_id__in=team)
    return Assignment.objects.filter(staff=membership)


def visible_clients(actor: Actor | None) -> QuerySet[Client]:
    """Return the clients this actor may see, in their organisation only (and in their site, when they have one)."""
    if actor is None:
        return Client.objects.none()
    base = Client.objects.filter(site_q(actor), organisation_id=actor.organisation_id)
    if actor.role == Role.ADMIN:
        return base
    if actor.role in (Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR):
        return base.filter(pk__in=_assignment_scope(actor).values("client_id"))
    if actor.role == Role.CLIENT:
        return base.filter(user_id=actor.membership.user_id)
    return Client.objects.none()


def is_in_same_org(actor: Actor | None, client) -> bool:
    """The client is in the actor's organisation and within their site (see `accounts.access.site_limit`)."""
    return (
        client is not None
        and actor is not None
        and client.organisation_id == actor.organisation_id
        and within_site(actor, client.site_id)
    )


def is_assigned(actor: Actor | None, client) -> bool:
    return actor is not None and Assignment.objects.filter(client=client, staff=actor.membership).exists()


def supervises_assigned(actor: Actor | None, client) -> bool:
    return actor is not None and actor.role == Role.SUPERVISOR and Assignment.objects.filter(
        client=client, staff__supervisor=actor.membership
    ).exists()


def is_self(actor: Actor | None, client) -> bool:
    return actor is not None and client.user_id is not None and client.user_id == actor.membership.user_id


def can_view_client(actor: Actor | None, client) -> bool:
    """Admins, assigned care staff and their supervisors, and the client themself see a record."""
    if not is_in_same_org(actor, client):
        return False
    return (
        is_admin(actor)
        or (is_care_staff(actor) and (is_assigned(actor, client) or supervises_assigned(actor, client)))
        or (is_client(actor) and is_self(actor, client))
    )


def can_edit_client(actor: Actor | None, client) -> bool:
    """Admins and assigned care staff change a record."""
    return is_in_same_org(actor, client) and (is_admin(actor) or (is_care_staff(actor) and is_assigned(actor, client)))


def can_add_client(actor: Actor | None) -> bool:
    """Admins and care staff add clients."""
    return is_admin(actor) or is_care_staff(actor)


def can_assign_staff(actor: Actor | None, client) -> bool:
    """Admins choose who cares for a client of their organisation."""
    return is_in_same_org(actor, client) and is_admin(actor)


def get_client(actor: Actor, pk) -> Client | None:
    """Return one visible client with its assigned staff, or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        visible_clients(actor)
        .filter(pk=pk)
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("staff__user")))
        .first()
    )


RECORD_NUMBER = re.compile(r"^[A-Za-z]{1,6}-[A-Za-z0-9]{4,12}$")


def search_clients(actor: Actor, query: str = "", *, status: str = "", order: str = "attention") -> QuerySet[Client]:
    """Return visible clients matching every word of the query, sorted.

    A whole record number (such as C-7K3MQP) is looked up exactly through its index;
    anything else matches words anywhere in the name, record number, e-mail or phone.
    """
    qs = visible_clients(actor)
    query = (query or "").strip()
    if RECORD_NUMBER.match(query) and qs.filter(record_number=query.upper()).exists():
        qs = qs.filter(record_number=query.upper())
    else:
        for term in normalise_search(query).split()[:6]:
            qs = qs.filter(search_text__contains=term)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*SORTS.get(order, SORTS["attention"]))


SORTS = {
    "attention": ("-attention", "family_name", "given_name", "pk"),
    "-attention": ("attention", "family_name", "given_name", "pk"),
    "name": ("family_name", "given_name", "pk"),
    "-name": ("-family_name", "-given_name", "-pk"),
    "record": ("record_number", "pk"),
    "-record": ("-record_number", "-pk"),
    "status": ("status", "family_name", "pk"),
    "-status": ("-status", "family_name", "pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
}


def normalise_search(text: str) -> str:
    """Lower-case text and strip accents so 'Zoë' is found by 'zoe'."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())
