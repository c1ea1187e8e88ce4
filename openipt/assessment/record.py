"""What assessment holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def register() -> None:
    add_record_part(RecordExportPart(
        key="assessment",
        label=_lazy("Interpersonal inventory, life events and formulation"),
        models={
            "assessment.InventoryPerson": ("client",),
            "assessment.InventoryRevision": ("person__client",),
            "assessment.InventorySeen": ("person__client",),
            "assessment.InventorySnapshot": ("client",),
            "assessment.LifeEvent": ("client",),
            "assessment.ClientAssessment": ("client",),
            "assessment.AreaChoice": ("course__client",),
            "assessment.FormulationDraft": ("course__client",),
            "assessment.FormulationVersion": ("course__client",),
        },
        wipe={
            "assessment.InventoryPerson": ("name", "relationship", "satisfying", "unsatisfying", "expects_of_other",
                                           "expected_by_other", "conflicts", "recent_changes", "changes_wanted"),
            "assessment.InventoryRevision": ("data",),
            "assessment.InventorySnapshot": ("label", "data"),
            "assessment.LifeEvent": ("description",),
            "assessment.ClientAssessment": ("onset_note", "intake"),
            "assessment.AreaChoice": ("rationale", "suggestions"),
            "assessment.FormulationDraft": ("text", "staff_text"),
            "assessment.FormulationVersion": ("text", "staff_text"),
        },
        keep={
            "assessment.InventoryRevision": ("conflict_fields",),
        },
        order=35,
    ))
