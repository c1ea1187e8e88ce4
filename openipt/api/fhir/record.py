"""The FHIR resources of one client's whole record, for the subject-access export (clients.record_actions).

Every resource type the FHIR server offers that belongs to one client (KINDS with a patient search, and the
Patient itself), built by the same builders as the server's read and search. Registered as the api's part of
the record (core.extensions.RecordExportPart); the api holds no client rows of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _lazy

from openipt.api.fhir import kinds
from openipt.core.extensions import RecordExportPart, add_record_part

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client


def client_resources(actor: Actor, client: Client) -> list[dict[str, Any]]:
    """Every FHIR resource the server can express for the client, as the actor may see them."""
    ctx = kinds.context(actor)
    found: list[dict[str, Any]] = []
    for kind in kinds.KINDS.values():
        if kind.name == "Patient":
            rows = kind.rows(actor).filter(pk=client.pk)
        elif kind.patient_field:
            rows = kind.rows(actor).filter(**{kind.patient_field: client.pk})
        else:
            continue  # a therapist or a group: not the client's own record
        for row in rows.order_by("pk"):
            resource = kind.build(ctx, row)
            if resource is not None:
                found.append(resource)
    return found


def register() -> None:
    add_record_part(RecordExportPart(key="fhir", label=_lazy("FHIR resources"), models={}, wipe={},
                                     fhir=client_resources, order=90))
