"""The rows of the steps pages of a course: structured reviews, the attended sessions, how it ended."""

from __future__ import annotations

from typing import Any

from openipt.courses import review_actions
from openipt.courses.models import Attendance, Course
from openipt.courses.steps_models import CourseEnding, CourseReview, ReviewOutcome


def review_rows(course: Course) -> list[dict[str, Any]]:
    """The course's structured reviews, newest first, with their outcomes and concerns in words (one query)."""
    words = dict(ReviewOutcome.choices)
    return [{"review": r, "outcomes": [words.get(o, o) for o in r.outcomes],
             "concerns": [h for a, h, _p in review_actions.AREAS if r.findings.get(a, {}).get("finding") == "concern"]}
            for r in CourseReview.objects.filter(course=course).select_related("by__user")]


def ending_of(course: Course) -> CourseEnding | None:
    """How the course ended (letter, booster offer), or None when nothing is recorded yet."""
    return CourseEnding.objects.filter(course=course).first()


def attended_numbers(course: Course) -> list[int]:
    """The numbers of the sessions the client attended, for choosing an ending session."""
    return list(course.sessions.filter(attendance=Attendance.ATTENDED).values_list("number", flat=True))
