"""The rows the export pages stream: the organisation's administrations, or one client's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.clients import access as client_access
from openipt.clients.models import Client
from openipt.measures import access
from openipt.measures.models import Administration, Status

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def org_scope(actor: Actor) -> tuple[QuerySet[Client], QuerySet[Administration]]:
    """The clients the admin may see and their administrations (querysets, streamed by the exports)."""
    clients = client_access.visible_clients(actor)
    admins = Administration.objects.filter(organisation_id=actor.organisation_id, client__in=clients)
    return clients, admins


def completed_count(actor: Actor) -> int:
    """How many completed questionnaires a whole-organisation export holds."""
    return org_scope(actor)[1].filter(status=Status.COMPLETED).count()


def client_administrations(actor: Actor, client: Client) -> QuerySet[Administration]:
    """One client's administrations the actor may see (a queryset, for the client's FHIR bundle)."""
    return access.visible_administrations(actor).filter(client_id=client.pk)
