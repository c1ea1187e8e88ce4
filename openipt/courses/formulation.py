"""The formulation as the course sees it: read from the one place it is stored.

The formulation is stored once, in the assessment app's versions (`FormulationVersion`): a working
draft, saved versions kept for ever, the version shared with the client and the client's agreement.
The course's current formulation is the latest version shared with the client; it counts as agreed
when the client agreed that version and it was written for the course's present problem area.
The assessment app sits above courses, so it registers its reader here
(`register_versioned_formulation`, from AssessmentConfig.ready) instead of courses importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CurrentFormulation:
    """What the client was given: the text of the latest shared version, and the date they agreed it."""

    text: str = ""
    agreed_on: date | None = None  # None: not agreed, or agreed for another problem area

    @property
    def agreed(self) -> bool:
        return bool(self.text) and self.agreed_on is not None


@dataclass(frozen=True)
class VersionedFormulation:
    """The assessment app's answers: `current(course)` reads the course's current formulation (one query);
    `page_url(course)` is where staff write, share and record agreement."""

    current: Callable[..., CurrentFormulation]
    page_url: Callable[..., str]


_VERSIONED: list[VersionedFormulation] = []


def register_versioned_formulation(source: VersionedFormulation) -> None:
    """Register the app that keeps the formulation (one app does: assessment)."""
    _VERSIONED[:] = [source]


def course_formulation(course) -> CurrentFormulation:
    """Return the course's current formulation (empty when none was shared, or nothing is registered)."""
    if not _VERSIONED or course is None or getattr(course, "pk", None) is None:
        return CurrentFormulation()
    return _VERSIONED[0].current(course)


def course_has_agreed_formulation(course) -> bool:
    """Return True when the client agreed the course's current formulation."""
    return course_formulation(course).agreed


def formulation_page_url(course) -> str:
    """Return the page where staff write and share the formulation ('' when nothing is registered)."""
    return _VERSIONED[0].page_url(course) if _VERSIONED else ""
