"""What courses holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part
from openipt.courses.models import Course, CourseStatus

UNFINISHED = (CourseStatus.PLANNED, CourseStatus.ACTIVE, CourseStatus.MAINTENANCE)


def _unfinished_course(client: Any) -> str:
    """A course still planned or running: treatment is under way, so the record may not be erased yet."""
    if Course.objects.filter(client_id=client.pk, status__in=UNFINISHED).exists():
        return _("A course of treatment is still planned or running. End it first.")
    return ""


def register() -> None:
    add_record_part(RecordExportPart(
        key="courses",
        label=_lazy("Courses, sessions, notes and goals"),
        models={
            "courses.Course": ("client",),
            "courses.ContractChange": ("course__client",),
            "courses.PhaseTransition": ("course__client",),
            "courses.Session": ("course__client",),
            "courses.SessionNote": ("session__course__client",),
            "courses.Goal": ("course__client",),
            "courses.GoalRating": ("session__course__client",),
            "courses.ScreeningAnswer": ("course__client",),
            "courses.CourseReview": ("course__client",),
            "courses.OutreachAttempt": ("course__client",),
            "courses.CourseEnding": ("course__client",),
        },
        wipe={
            "courses.Course": ("primary_rationale", "secondary_rationale", "early_termination_reason", "end_reason",
                               "relapse_warning_signs", "relapse_what_helps", "relapse_contacts", "end_review"),
            "courses.ContractChange": ("reason",),
            "courses.PhaseTransition": ("reason",),
            "courses.SessionNote": ("mood", "events", "people", "strategy_work", "techniques", "client_will_try",
                                    "risk_text"),
            "courses.Goal": ("text",),
            "courses.GoalRating": ("comment",),
            "courses.ScreeningAnswer": ("answer",),
            "courses.CourseReview": ("findings", "outcomes", "plan"),
            "courses.OutreachAttempt": ("note",),
            "courses.CourseEnding": ("letter", "booster_note"),
        },
        keep={
            "courses.Session": ("planned_step_ids", "done_step_ids"),
            "courses.ScreeningAnswer": ("asked",),  # the protocol's question, not the client's words
        },
        blocks_erasure=_unfinished_course,
        activity=(("courses.Course", "client", "updated_at"), ("courses.Session", "course__client", "scheduled_start")),
        order=20,
    ))
