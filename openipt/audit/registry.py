"""The explicit list of audit event types.

Recording an event of an unregistered type is an error, so the log stays a
readable vocabulary rather than a pile of free-form strings. Each app
registers its own events when it is imported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    """One kind of audited event."""

    code: str
    description: str


_REGISTRY: dict[str, EventType] = {}


def register(code: str, description: str) -> EventType:
    """Register an event type; registering the same code twice with a new meaning is an error."""
    existing = _REGISTRY.get(code)
    if existing and existing.description != description:
        raise ValueError(f"audit event {code!r} is already registered with another description")
    event = EventType(code, description)
    _REGISTRY[code] = event
    return event


def get(code: str) -> EventType:
    """Return a registered event type or raise KeyError naming it."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise KeyError(f"unregistered audit event type {code!r}") from None


def all_types() -> list[EventType]:
    """Return every registered type, sorted by code."""
    return sorted(_REGISTRY.values(), key=lambda e: e.code)


LOGIN = register("auth.login", "Signed in")
LOGIN_FAILED = register("auth.login_failed", "Sign-in failed")
LOGOUT = register("auth.logout", "Signed out")
LOCKED_OUT = register("auth.locked_out", "Locked out after repeated failures")
MFA_ENABLED = register("auth.mfa_enabled", "Two-factor sign-in set up")
MFA_FAILED = register("auth.mfa_failed", "Two-factor code refused")
ORG_SWITCHED = register("auth.org_switched", "Switched organisation")
SYSTEM = register("system.note", "System note")
PRUNED = register("system.pruned", "Old operational rows removed")
