"""Exceptions of the measurement engine.

Kept in one small module so callers (views, the CLI, the importer) can catch one family
of errors and show its message as it is: every message names the file and line, or the
instrument and item, that is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class MeasuresError(Exception):
    """Base class of every error the engine raises on purpose."""


class InstrumentFileError(MeasuresError):
    """An instrument file (or directory) that cannot be used, with every problem found."""

    def __init__(self, path: Path | str, problems: Sequence[tuple[int | None, str]]):
        self.path = Path(path)
        self.problems = tuple(problems)
        super().__init__("\n".join(self.format_problem(line, msg) for line, msg in self.problems))

    def format_problem(self, line: int | None, message: str) -> str:
        """Return one problem as 'path:line: message'."""
        where = f"{self.path}:{line}" if line else str(self.path)
        return f"{where}: {message}"

    @property
    def first_line(self) -> str:
        """Return the first problem, with a count of the others, on one line."""
        line, msg = self.problems[0]
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        return self.format_problem(line, msg) + tail


class UnknownInstrumentError(MeasuresError, LookupError):
    """No instrument with the requested code is loaded."""


class ScoringError(MeasuresError, ValueError):
    """Answers that cannot be scored; the message names the instrument and item."""

    def __init__(self, message: str, item: str | None = None):
        self.item = item
        super().__init__(message)


class UnknownItemError(ScoringError):
    """An answer was given for an item the instrument does not have."""


class AnswerTypeError(ScoringError):
    """An answer is not an int (or None for missing)."""


class AnswerValueError(ScoringError):
    """An answer is an int that is not one of the item's option values."""
