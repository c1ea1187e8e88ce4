"""The formulation as the phase rules see it.

Until the assessment app holds a full, versioned formulation, a course keeps the formulation as
text with the date the client agreed it. Everything that asks "is there an agreed formulation?"
goes through these two functions, so the assessment app can replace them in one place.
"""

from __future__ import annotations


def course_formulation_text(course) -> str:
    """Return the formulation written for the course ('' when there is none)."""
    return (course.formulation_text or "").strip()


def course_has_agreed_formulation(course) -> bool:
    """Return True when the course has a formulation the client agreed to.

    The assessment app answers first when it keeps a versioned formulation for the course.
    """
    from openipt.assessment.api import has_agreed_formulation

    answer = has_agreed_formulation(course)
    if answer is not None:
        return bool(answer)
    return bool(course_formulation_text(course)) and course.formulation_agreed_on is not None


def course_formulation_agreed_on(course):
    """Return the date the client agreed the current formulation, wherever it was recorded, or None."""
    from openipt.assessment.api import formulation_agreed_on

    if not course_has_agreed_formulation(course):
        return None
    return formulation_agreed_on(course) or course.formulation_agreed_on
