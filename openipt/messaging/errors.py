"""The messaging app's own refusal codes (the shared ones are in `openipt.core.errors.ErrorCode`)."""

from __future__ import annotations

from enum import StrEnum


class MessagingCode(StrEnum):
    NO_CARE_TEAM = "no_care_team"  # nobody could read the message: no care staff are assigned to the client
