"""Errors that actions raise for a person to read.

An ActionError carries a message for the page and, where it concerns one
field, the field's name so the form can show it beside that field.
"""

from __future__ import annotations


class ActionError(Exception):
    """A change was refused; the message says why and what to do instead."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ConflictError(ActionError):
    """Someone else changed the record since it was opened."""

    def __init__(self, message: str, *, current=None):
        super().__init__(message, code="conflict")
        self.current = current
