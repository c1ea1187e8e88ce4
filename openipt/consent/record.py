"""What consent holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def register() -> None:
    add_record_part(RecordExportPart(
        key="consent",
        label=_lazy("Consent"),
        models={"consent.ConsentEvent": ("client",)},
        wipe={"consent.ConsentEvent": ("name_typed", "note")},
        order=15,
    ))
