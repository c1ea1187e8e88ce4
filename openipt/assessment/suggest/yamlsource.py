"""Check suggestion rules and formulation templates read with the content toolkit.

Clinics tune the suggestion rules and edit the formulation templates by hand. When they get
something wrong the message must say where: ``rules.yaml:41: rules[3].weight: must be a number``.
The content toolkit reads the file and keeps the line of every value path; ``Schema`` checks
the values and names the file, line and path of the first mistake.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from openipt.core.content import dotted, parse_yaml

Path = tuple[str | int, ...]


class DataFileError(ValueError):
    """A data file that cannot be read or does not follow its schema."""


def load_yaml(text: str, source: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML text; return (data, lines) where lines maps each value path to its 1-based line."""
    document, problems = parse_yaml(text, source)
    if problems:
        raise DataFileError(str(problems[0]))
    if document.data is None:
        raise DataFileError(f"{source}:1: the file is empty")
    return document.data, document.lines


class Schema:
    """Check loaded YAML values, raising DataFileError that names file, line and path."""

    def __init__(self, source: str, lines: Mapping[Path, int]):
        self.source = source
        self.lines = lines

    def fail(self, path: Path, message: str) -> DataFileError:
        """Build an error for the value at path (the nearest known line is used)."""
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        return DataFileError(f"{self.source}:{line}: {dotted(path)}: {message}")

    def mapping(self, value: Any, path: Path, required: Iterable[str] = (), optional: Iterable[str] = (),
                open_keys: bool = False) -> dict:
        """Return value if it is a mapping with the required keys and no unexpected ones."""
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping")
        required = set(required)
        for key in sorted(required - set(value)):
            raise self.fail(path, f"missing key {key!r}")
        if not open_keys:
            for key in value:
                if key not in required and key not in set(optional):
                    raise self.fail(path + (key,), "unknown key")
        return value

    def seq(self, value: Any, path: Path, min_len: int = 0) -> list:
        """Return value if it is a list of at least min_len items."""
        if not isinstance(value, list):
            raise self.fail(path, "must be a list")
        if len(value) < min_len:
            raise self.fail(path, f"must have at least {min_len} item(s)")
        return value

    def number(self, value: Any, path: Path, minimum: float | None = None, maximum: float | None = None) -> float:
        """Return value as a float if it is a number within the bounds."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, "must be a number")
        if minimum is not None and value < minimum:
            raise self.fail(path, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise self.fail(path, f"must be at most {maximum}")
        return float(value)

    def integer(self, value: Any, path: Path, minimum: int = 0) -> int:
        """Return value if it is a whole number at least minimum."""
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(path, f"must be a whole number of at least {minimum}")
        return value

    def text(self, value: Any, path: Path) -> str:
        """Return value if it is non-empty text."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "must be non-empty text")
        return value

    def choice(self, value: Any, path: Path, options: Iterable[str]) -> str:
        """Return value if it is one of options."""
        options = tuple(options)
        if value not in options:
            raise self.fail(path, f"{value!r} is not one of {', '.join(options)}")
        return value

    def template(self, value: Any, path: Path, allowed: Iterable[str]) -> str:
        """Return value if it is text whose {placeholders} are all allowed."""
        text = self.text(value, path)
        allowed = set(allowed)
        try:
            fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise self.fail(path, f"bad placeholder syntax ({exc})") from None
        for name in fields:
            if name not in allowed:
                raise self.fail(path, f"unknown placeholder {{{name}}}; allowed: "
                                      f"{', '.join('{' + a + '}' for a in sorted(allowed)) or 'none'}")
        return text
