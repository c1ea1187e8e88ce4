"""Helpers for content tests: a fingerprint of everything a content family loads."""

from __future__ import annotations

import hashlib
from typing import Any


def fingerprint(value: Any) -> str:
    """Return a SHA-256 of `value`'s repr: loaded content (dataclasses, tuples, text) has a stable one."""
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()
