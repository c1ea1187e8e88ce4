"""Codes for what safety actions refuse; views match these, never the words of a message."""

from __future__ import annotations

from enum import StrEnum


class SafetyCode(StrEnum):
    """Refusals particular to safety (the shared ones are in `core.errors.ErrorCode`)."""

    NOT_PAUSED = "not_paused"  # automated features are not paused, so there is nothing to reopen
