"""Errors found in protocol content, each tied to a file and a line.

A clinic that writes a content pack needs to be told exactly where a problem is, so every
check produces a ContentError rather than raising on the first problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from openipt.core.content import Problem


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in a content file: where it is and what is wrong, in plain words."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    @classmethod
    def of(cls, problem: Problem) -> ContentError:
        """Return a problem the content toolkit found while reading a file."""
        return cls(problem.file, problem.line or 0, problem.message)


class ContentErrors(Exception):
    """Raised when content does not load; carries every problem found."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(set(errors))
        first = str(self.errors[0]) if self.errors else "no details"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"protocol content has errors: {first}{more}")
