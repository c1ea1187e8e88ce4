"""What measures holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def register() -> None:
    add_record_part(RecordExportPart(
        key="measures",
        label=_lazy("Questionnaires and scores"),
        models={
            "measures.MeasurePlan": ("course__client",),
            "measures.Schedule": ("course__client",),
            "measures.ScheduleDate": ("schedule__course__client",),
            "measures.OneTimeLink": ("client",),
            "measures.Administration": ("client",),
        },
        wipe={
            "measures.Administration": ("answers", "flags", "external_id"),
        },
        keep={
            "measures.OneTimeLink": ("due_keys",),
        },
        activity=(("measures.Administration", "client", "updated_at"),),
        order=25,
    ))
