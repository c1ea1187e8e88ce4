"""The formulation as the phase rules see it.

A course keeps the formulation as text with the date the client agreed it, and the assessment app
keeps versioned formulations shared with the client. Everything that asks "is there an agreed
formulation?" goes through these functions. The assessment app sits above courses, so it registers
its answers here (`register_versioned_formulation`, from AssessmentConfig.ready) instead of courses
importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class VersionedFormulation:
    """The assessment app's answers: `has_agreed(course)` is True, False or None (no version shared
    for the course, so the course's own fields decide); `agreed_on(course)` is a date or None."""

    has_agreed: Callable
    agreed_on: Callable


_VERSIONED: list[VersionedFormulation] = []


def register_versioned_formulation(source: VersionedFormulation) -> None:
    """Register the app that keeps versioned formulations (one app does: assessment)."""
    _VERSIONED[:] = [source]


def course_formulation_text(course) -> str:
    """Return the formulation written for the course ('' when there is none)."""
    return (course.formulation_text or "").strip()


def course_has_agreed_formulation(course) -> bool:
    """Return True when the course has a formulation the client agreed to.

    The assessment app answers first when it keeps a versioned formulation for the course.
    """
    answer = _VERSIONED[0].has_agreed(course) if _VERSIONED else None
    if answer is not None:
        return bool(answer)
    return bool(course_formulation_text(course)) and course.formulation_agreed_on is not None


def course_formulation_agreed_on(course):
    """Return the date the client agreed the current formulation, wherever it was recorded, or None."""
    if not course_has_agreed_formulation(course):
        return None
    versioned = _VERSIONED[0].agreed_on(course) if _VERSIONED else None
    return versioned or course.formulation_agreed_on
