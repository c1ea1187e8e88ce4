"""What practice holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def register() -> None:
    add_record_part(RecordExportPart(
        key="practice",
        label=_lazy("Work between sessions: reading, log, worksheets, practice conversations"),
        models={
            "practice.ClientPractice": ("client",),
            "practice.ReadingAssignment": ("client",),
            "practice.ReadingQuestion": ("assignment__client",),
            "practice.LogEntry": ("client",),
            "practice.Worksheet": ("client",),
            "practice.WorksheetVersion": ("worksheet__client",),
            "practice.Rehearsal": ("client",),
            "practice.RehearsalTurn": ("rehearsal__client",),
            "practice.Comment": ("rehearsal__client",),
            "practice.Reminder": ("client",),
        },
        wipe={
            "practice.ClientPractice": ("rehearsal_reason",),
            "practice.ReadingQuestion": ("text", "answer"),
            "practice.LogEntry": ("who", "what_happened", "feeling"),
            "practice.Worksheet": ("title", "assigned_note", "data"),
            "practice.WorksheetVersion": ("data",),
            "practice.Rehearsal": ("person_name", "person_relationship", "situation"),
            "practice.RehearsalTurn": ("text", "note", "feedback"),
            "practice.Comment": ("text",),
            "practice.Reminder": ("text",),
        },
        activity=(("practice.LogEntry", "client", "created_at"),),
        order=45,
    ))
