"""Errors that actions raise for a person to read, and the codes that name them.

An ActionError carries a message for the page, a code that says which refusal it is, and,
where it concerns one field, the field's name so the form can show it beside that field.
Views decide what to do by the code, never by the words, so a translated message changes
nothing. Codes every app shares are in `ErrorCode`; each app lists its own in its
`errors.py`. Pure rules (no Django) return `Problem`s; the app's `errors.py` turns a
problem into the words a person reads.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Refusals every app can give."""

    INVALID = "invalid"  # the input is wrong; the message says how to put it right
    FORBIDDEN = "forbidden"  # the actor may not do this
    CONFLICT = "conflict"  # someone else changed the record since it was opened
    NOT_FOUND = "not_found"  # the record does not exist, or not in the actor's organisation


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with some input, found by a pure rule: what, where, and the figures it names."""

    code: StrEnum
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class ActionError(Exception):
    """A change was refused; the message says why and what to do instead."""

    def __init__(self, message: str, *, field: str | None = None, code: str = ErrorCode.INVALID):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ConflictError(ActionError):
    """Someone else changed the record since it was opened."""

    def __init__(self, message: str, *, current: Any = None):
        super().__init__(message, code=ErrorCode.CONFLICT)
        self.current = current
