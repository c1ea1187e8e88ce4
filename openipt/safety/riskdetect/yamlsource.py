"""Read risk patterns and risk rules with the content toolkit, and say where a mistake is.

The risk patterns and risk rules are clinical data that people edit by hand. When one of them is
wrong, the error must say which file and which line: the content toolkit keeps the line of every
value (``LocDict``/``LocList``) and refuses duplicate keys, which PyYAML would otherwise silently
overwrite. ``DataError`` reads "file, line N: field: message".
"""

from __future__ import annotations

from typing import Any

from openipt.core.content import LocDict, LocList, parse_yaml


class DataError(ValueError):
    """A data file (or data given as dicts) broke the schema; says where and which field."""

    def __init__(self, message: str, *, source: str, line: int | None = None, field: str | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        where = source if line is None else f"{source}, line {line}"
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")


def line_of(container: Any, key: Any) -> int | None:
    """Return the line of the value container[key] (or of the container) when it is known."""
    if isinstance(container, LocDict):
        return container.value_loc_of(key).line or None
    if isinstance(container, LocList):
        return container.loc_of(key).line or None
    return None


def start_line(container: Any) -> int | None:
    """Return the line where a mapping or list read from YAML starts, when it is known."""
    loc = getattr(container, "loc", None)
    return (loc.line or None) if loc is not None else None


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text into LocDict/LocList/scalars (None when empty); raise DataError on a mistake."""
    document, problems = parse_yaml(text, source)
    if problems:
        first = problems[0]
        raise DataError(first.message, source=source, line=first.line)
    return document.data
