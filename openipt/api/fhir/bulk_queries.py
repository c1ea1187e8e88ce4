"""Which bulk exports and files a token may see: only those it asked for itself, in its own organisation,
while they have not expired or been cancelled. Any other (another token, another organisation, an
unknown or malformed id) is not found, so an export's existence is never revealed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from openipt.api.models import BulkExport, BulkFile, BulkStatus
from openipt.core.numbers import as_id

if TYPE_CHECKING:
    from openipt.api.auth import ApiActor


def visible_exports(actor: ApiActor) -> QuerySet[BulkExport]:
    if actor.token is None:
        return BulkExport.objects.none()
    return (BulkExport.objects.filter(token_id=actor.token.pk, organisation_id=actor.organisation_id)
            .exclude(status=BulkStatus.CANCELLED)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())))


def unfinished(actor: ApiActor) -> QuerySet[BulkExport]:
    """The token's exports that the worker has not finished (one at a time per token)."""
    return visible_exports(actor).filter(status__in=[BulkStatus.QUEUED, BulkStatus.RUNNING])


def get_export(actor: ApiActor, public_id: str) -> BulkExport | None:
    try:
        wanted = uuid.UUID(public_id) if len(public_id) == 36 else None
    except ValueError:
        wanted = None
    if wanted is None:
        return None
    return visible_exports(actor).filter(public_id=wanted).first()


def files(export: BulkExport) -> QuerySet[BulkFile]:
    """An export's files without their content (for the manifest)."""
    return BulkFile.objects.filter(export=export).order_by("number").defer("content")


def get_file(export: BulkExport, number: str) -> BulkFile | None:
    """One file of a finished export, by its number in the address."""
    pk = as_id(number) if number.isdigit() else None
    if pk is None or export.status != BulkStatus.DONE:
        return None
    return BulkFile.objects.filter(export=export, number=pk).first()
