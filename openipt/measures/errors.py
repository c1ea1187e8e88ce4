"""Codes for what questionnaire actions refuse; views match these, never the words of a message."""

from __future__ import annotations

from enum import StrEnum


class MeasuresCode(StrEnum):
    """Refusals particular to questionnaires (the shared ones are in `core.errors.ErrorCode`)."""

    DONE = "done"  # the answers were already sent
    NOT_OPEN = "not_open"  # the questionnaire is not open to this person or link
    # A one-time link that can no longer be used, named as `link_actions.link_state` names it.
    LINK_UNKNOWN = "unknown"
    LINK_USED = "used"
    LINK_REVOKED = "revoked"
    LINK_EXPIRED = "expired"
