"""The keyed hash chain that makes tampering with the audit log detectable.

Pure functions: each event's link covers its own fields and the previous
event's link, so changing, removing or reordering any stored event breaks
every link after it.

Events written since the audit key was introduced are linked with an HMAC
(SHA-256) under a secret audit key that the database does not hold, so
someone who can write to the database but does not have the key cannot
recompute the chain after an edit. Their details are covered through a
SHA-256 digest of the details (stored beside them), so the details alone can
later be erased lawfully without breaking the chain.

Events written before that (no key id) keep their original unkeyed SHA-256
link; they are protected only by the signed checkpoints made since.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS = "0" * 64

# Details replaced by this marker were erased on purpose; the stored digest still covers what was there.
ERASED_MARKER = "_erased"


def canonical(fields: dict) -> str:
    """Serialise event fields the same way every time."""

    def convert(value):
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        raise TypeError(f"cannot hash {type(value).__name__}")

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=convert)


def link(prev_hash: str, fields: dict) -> str:
    """Return the unkeyed (legacy) hash of an event given the previous hash."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"|")
    digest.update(canonical(fields).encode("utf-8"))
    return digest.hexdigest()


def details_digest(details) -> str:
    """Return the SHA-256 of an event's details in canonical form."""
    return hashlib.sha256(canonical(details).encode("utf-8")).hexdigest()


def keyed_link(key: bytes, prev_hash: str, fields: dict) -> str:
    """Return the HMAC-SHA-256 link of an event under the audit key, given the previous link."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(prev_hash.encode("ascii"))
    mac.update(b"|")
    mac.update(canonical(fields).encode("utf-8"))
    return mac.hexdigest()


def is_erased(details) -> bool:
    """Whether the details were replaced by the erasure marker."""
    if not isinstance(details, dict) or set(details) != {ERASED_MARKER}:
        return False
    marker = details[ERASED_MARKER]
    return (isinstance(marker, dict) and set(marker) == {"reason", "at"}
            and all(isinstance(v, str) for v in marker.values()))


def erased_details(reason: str, when: datetime) -> dict:
    """The marker that takes the place of erased details."""
    return {ERASED_MARKER: {"reason": reason, "at": when.astimezone(UTC).isoformat(timespec="seconds")}}


def sign(key: bytes, fields: dict) -> str:
    """Return the HMAC-SHA-256 signature of a record (a checkpoint, a backup manifest)."""
    return hmac.new(key, canonical(fields).encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Compare two hex digests in constant time."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
