"""Check suggestion rules and formulation templates read with the content toolkit.

Clinics tune the suggestion rules and edit the formulation templates by hand. When they get
something wrong the message must say where: ``rules.yaml:41: rules[3].weight: must be a number``.
The content toolkit reads the file and keeps the line of every value path; ``checked`` checks
the values against the family's pydantic models (``schema``) and names the file, line and path
of every mistake.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from openipt.core.content import ContentFileError, Document, check, parse_yaml

M = TypeVar("M", bound=BaseModel)


class DataFileError(ValueError):
    """A data file that cannot be read or does not follow its schema."""


def load_yaml(text: str, source: str) -> Document:
    """Parse YAML text into a Document that knows the line of every value path."""
    document, problems = parse_yaml(text, source)
    if problems:
        raise DataFileError(str(problems[0]))
    if document.data is None:
        raise DataFileError(f"{source}:1: the file is empty")
    return document


def checked(model: type[M], document: Document) -> M:
    """Return the loaded data as a `model`; raise DataFileError listing every mistake."""
    try:
        return check(model, document.data, document)
    except ContentFileError as exc:
        raise DataFileError(str(exc)) from None
