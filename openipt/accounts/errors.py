"""Codes for what account actions refuse; views match these, never the words of a message."""

from __future__ import annotations

from enum import StrEnum


class AccountsCode(StrEnum):
    """Refusals particular to accounts (the shared ones are in `core.errors.ErrorCode`)."""

    # An invitation link that cannot be used, and why.
    INVITATION_UNKNOWN = "unknown"
    INVITATION_USED = "used"
    INVITATION_REVOKED = "revoked"
    INVITATION_EXPIRED = "expired"
    INVALID_LINK = "invalid_link"  # a sign-in or reset link that expired or was used
