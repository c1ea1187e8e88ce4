"""Codes for what assessment actions refuse; views match these, never the words of a message."""

from __future__ import annotations

from enum import StrEnum


class AssessmentCode(StrEnum):
    """Refusals particular to the assessment (the shared ones are in `core.errors.ErrorCode`)."""

    NO_AREA = "no_area"  # the formulation names no problem area yet
    STALE_AREA = "stale_area"  # the chosen area changed since the formulation was written
