"""The FHIR resources of one client's whole record, for the subject-access export (clients.record_actions).

Every resource type the FHIR server offers that belongs to one client (KINDS with a patient search, and the
Patient itself), built by the same builders as the server's read and search. Registered as the api's part of
the record (core.extensions.RecordExportPart); the api holds no client rows of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from openipt.api.fhir import kinds
from openipt.api.models import BulkExport, BulkFile, BulkStatus
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


def withdraw_bulk_files(actor: Actor, client: Client) -> None:
    """On erasure: the FHIR bulk-export files not yet expired that hold the client are deleted, and their exports
    end as cancelled (the program that asked can export again). A file names a client as `Patient/<id>` in every
    resource about them, and the Patient resource itself has `"id":"<id>"` beside `"resourceType":"Patient"`."""
    mentions = Q(content__contains=f'"Patient/{client.pk}"') | Q(
        resource_type="Patient", content__contains=f'"id":"{client.pk}"')
    holding = BulkFile.objects.filter(mentions, export__organisation_id=client.organisation_id).values("export_id")
    exports = BulkExport.objects.filter(pk__in=holding)
    export_ids = list(exports.values_list("pk", flat=True))
    if not export_ids:
        return
    BulkFile.objects.filter(export_id__in=export_ids).delete()
    BulkExport.objects.filter(pk__in=export_ids).update(
        status=BulkStatus.CANCELLED, expires_at=timezone.now(), progress="Withdrawn: a record in it was erased.")


def register() -> None:
    add_record_part(RecordExportPart(key="fhir", label=_lazy("FHIR resources"), models={}, wipe={},
                                     fhir=client_resources, erase=withdraw_bulk_files, order=90))
