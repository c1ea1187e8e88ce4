"""What messaging holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def register() -> None:
    add_record_part(RecordExportPart(
        key="messaging",
        label=_lazy("Messages"),
        models={"messaging.Message": ("client",)},
        wipe={"messaging.Message": ("body",)},
        activity=(("messaging.Message", "client", "sent_at"),),
        order=50,
    ))
