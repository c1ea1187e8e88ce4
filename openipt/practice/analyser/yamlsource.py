"""Read practice content (analyser patterns, scenarios, worksheets) with the content toolkit.

A mistake must point at the file and line where it is; the toolkit keeps the line of every
value path (``Source.line``/``Source.where``) and reports duplicate keys, which plain
`yaml.safe_load` silently accepts. ``DataError`` carries every problem as
"file:line: field: message"; ``checked`` checks loaded data against a family's pydantic model.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from openipt.core.content import ContentFileError, PathKey, Problem, check, dotted, parse_yaml, read_text
from openipt.core.content import Document as Source

__all__ = ["DataError", "Source", "checked", "load_file", "load_text", "problem_at"]

M = TypeVar("M", bound=BaseModel)


class DataError(ValueError):
    """A content file is malformed; the message names the file and, where known, the line."""

    def __init__(self, problems: Iterable[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def load_text(text: str, name: str) -> Source:
    """Parse YAML text into a Source; raise DataError naming `name` and the line on failure."""
    document, problems = parse_yaml(text, name)
    if problems:
        raise DataError(str(problem) for problem in problems)
    return document


def load_file(path: str | Path) -> Source:
    """Read and parse one YAML file; raise DataError naming the file on any failure."""
    try:
        text = read_text(path)
    except ContentFileError as exc:
        raise DataError(str(problem) for problem in exc.problems) from None
    return load_text(text, str(path))


def checked(model: type[M], src: Source) -> M:
    """Return the loaded data as a `model`; raise DataError listing every mistake as "file:line: field: message"."""
    try:
        return check(model, src.data, src)
    except ContentFileError as exc:
        raise DataError(str(problem) for problem in exc.problems) from None


def problem_at(src: Source, path: PathKey, message: str) -> str:
    """Say what is wrong with the value at `path` as "file:line: field: message"."""
    return str(Problem(src.file, src.line(path), message, dotted(path)))
