"""The error raised when risk patterns or risk rules cannot be used, saying where the mistake is.

The risk patterns and risk rules are clinical data that people edit by hand. When one of them is
wrong, the error must say which file, which line and which field: both are read and checked with
the content toolkit, and ``DataError`` reads "file:line: field: message", like every content error.
"""

from __future__ import annotations

from openipt.core.content import Problem


class DataError(ValueError):
    """A data file (or data given as dicts) broke the schema; says where and which field."""

    def __init__(self, message: str, *, source: str, line: int | None = None, field: str | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(Problem(source, line, message, field or "")))
