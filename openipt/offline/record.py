"""What the offline app holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart).

Only changes from a tablet that were not applied (conflicts and refusals) name a client; their two versions and
reason are the client's words and answers, so erasure wipes them. An open one must be settled first: it may hold
an answer a person still has to look at.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def _blocks_erasure(client: Any) -> str:
    from openipt.offline.models import Conflict, ConflictStatus

    if Conflict.objects.filter(client_id=client.pk, status=ConflictStatus.OPEN).exists():
        return _("A change from a tablet about this client is still to be settled: settle it on the Tablets page first.")
    return ""


def register() -> None:
    add_record_part(RecordExportPart(
        key="offline",
        label=_lazy("Changes from tablets not applied"),
        models={"offline.Conflict": ("client",)},
        wipe={"offline.Conflict": ("yours", "theirs", "reason")},
        keep={"offline.Conflict": ("key", "kind", "group_name", "status")},
        blocks_erasure=_blocks_erasure,
        activity=(("offline.Conflict", "client", "received_at"),),
        order=60,
    ))
