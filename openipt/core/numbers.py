"""Reading whole numbers from what a browser or a caller sent (no Django import)."""

from __future__ import annotations

from typing import Any

ID_MAX = 2**62


def as_int(value: Any) -> int | None:
    """Return `value` as a whole number, or None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_id(value: object) -> int | None:
    """Return `value` as a database id (a whole number from 1 below 2**62), or None."""
    number = as_int(value)
    return number if number is not None and 0 < number < ID_MAX else None
