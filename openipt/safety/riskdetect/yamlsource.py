"""Read risk patterns and risk rules with the content toolkit, and say where a mistake is.

The risk patterns and risk rules are clinical data that people edit by hand. When one of them is
wrong, the error must say which file and which line: the content toolkit keeps the line of every
value (``LocDict``/``LocList``) and refuses duplicate keys, which PyYAML would otherwise silently
overwrite. ``DataError`` reads "file:line: field: message", like every content error.
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
