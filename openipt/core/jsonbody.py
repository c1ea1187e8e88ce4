"""Read JSON that came from outside (a request body, an uploaded file) within safe bounds.

Python's json module recurses once per nested array or object, so a body of 100,000 opening
brackets ends in RecursionError; a string with a NUL cannot be stored in PostgreSQL. `loads`
checks size and depth before parsing, without recursion, and returns the data with NUL
characters removed from every string, or raises `JsonError` with a message for the person or
program that sent it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, NoReturn

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64


class JsonError(ValueError):
    """The JSON could not be read; `message` says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# A JSON string as the depth check reads it: from a quote to the next quote not escaped by a backslash, or to
# the end when it never closes. Brackets inside strings do not count. Written as runs of plain characters
# between escapes, so the expression steps once a run instead of once a character (half the time of the
# check for a FHIR batch Bundle of 500 responses; it matches exactly what one alternation a character did).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, ignoring brackets inside strings.

    The strings are removed by a regular expression and only the brackets left are counted, so a large batch
    (half a megabyte) is checked without a Python step for each of its characters.
    """
    steps = (1 if bracket in "[{" else -1 for bracket in _BRACKET.findall(_STRING.sub("", text)))
    return max(accumulate(steps, initial=0))


def _without_nul(value: Any) -> Any:
    """Return `value` with NUL removed from every string and key, walking it without recursion."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if not isinstance(value, (dict, list)):
        return value
    root: dict[str, Any] | list[Any] = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, dict[str, Any] | list[Any]]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        items: Iterable[tuple[Any, Any]] = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            copy: Any
            if isinstance(item, (dict, list)):
                copy = {} if isinstance(item, dict) else []
                stack.append((item, copy))
            elif isinstance(item, str):
                copy = item.replace("\x00", "")
            else:
                copy = item
            if isinstance(target, dict):
                target[key.replace("\x00", "")] = copy
            else:
                target.append(copy)
    return root


def _refuse_constant(name: str) -> NoReturn:
    raise JsonError(f"The JSON has {name}, which is not a number this site accepts.")


def loads(raw: bytes | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse `raw` as JSON within the bounds, or raise JsonError."""
    if len(raw) > max_bytes:
        raise JsonError(f"The JSON is larger than {max_bytes // 1024} KB.")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonError("The JSON is not UTF-8 text.") from exc
    if nesting_depth(raw) > max_depth:
        raise JsonError(f"The JSON is nested more than {max_depth} levels deep.")
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except JsonError:
        raise
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise JsonError(f"The JSON could not be read: {getattr(exc, 'msg', 'not valid JSON')}.") from exc
    if "\\u0000" not in raw:
        # JSON text can carry a NUL only written as the escape \u0000 (a bare control character is refused by
        # the parser), so without one there is nothing to remove and the walk over every string is skipped.
        return data
    return _without_nul(data)
