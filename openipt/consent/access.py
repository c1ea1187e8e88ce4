"""Who may see and do what with consent.

Staff see a client's consent when they may see the client (`openipt.clients.access`): the
organisation boundary and the care-team rule apply. Recording a paper signature, or a withdrawal the
client told staff about, is for those who may change the record (admin, assigned care staff). Only
an admin publishes a new version of the form or changes the setting. A client signs and withdraws
their own consent only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.models import STAFF_ROLES, Role
from openipt.clients.access import can_edit_client, can_view_client, visible_clients
from openipt.clients.models import Client
from openipt.consent.models import ConsentDocument, ConsentEvent
from openipt.core.numbers import as_id

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def own_client(actor: Actor | None) -> Client | None:
    """The client record of a client acting in the portal, or None."""
    if actor is None or actor.role != Role.CLIENT:
        return None
    return visible_clients(actor).first()


def client_for_staff(actor: Actor, client_id: object) -> Client | None:
    """A client this member of staff may see, or None (the page answers 404)."""
    pk = as_id(client_id)
    if pk is None or actor.role not in STAFF_ROLES:
        return None
    return visible_clients(actor).filter(pk=pk).first()


def can_view(actor: Actor | None, client: Client) -> bool:
    return actor is not None and bool(can_view_client(actor, client))


def can_record_for(actor: Actor | None, client: Client) -> bool:
    """Staff may record a paper signature or a spoken withdrawal for a client whose record they may change."""
    return actor is not None and actor.role in STAFF_ROLES and bool(can_edit_client(actor, client))


def can_manage_forms(actor: Actor | None) -> bool:
    """Publishing a version of the form and the consent setting are an admin's."""
    return actor is not None and actor.role == Role.ADMIN


def visible_documents(actor: Actor | None) -> QuerySet[ConsentDocument]:
    """The versions of the form of the actor's organisation (staff only)."""
    if actor is None or actor.role not in STAFF_ROLES:
        return ConsentDocument.objects.none()
    return ConsentDocument.objects.filter(organisation_id=actor.organisation_id)


def get_document(actor: Actor, document_id: object) -> ConsentDocument | None:
    pk = as_id(document_id)
    return visible_documents(actor).filter(pk=pk).first() if pk else None


def visible_events(actor: Actor | None) -> QuerySet[ConsentEvent]:
    """Consent events of the clients the actor may see (a client: their own)."""
    return ConsentEvent.objects.filter(client__in=visible_clients(actor))
