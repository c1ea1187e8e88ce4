"""The hash chain that makes tampering with the audit log detectable.

Pure functions: each event's hash covers its own fields and the previous
event's hash, so changing, removing or reordering any stored event breaks
every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def canonical(fields: dict) -> str:
    """Serialise event fields the same way every time."""

    def convert(value):
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        raise TypeError(f"cannot hash {type(value).__name__}")

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=convert)


def link(prev_hash: str, fields: dict) -> str:
    """Return the hash of an event given the previous hash."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"|")
    digest.update(canonical(fields).encode("utf-8"))
    return digest.hexdigest()
