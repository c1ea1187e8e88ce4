"""What other apps may ask of the assessment app (kept small and stable)."""

from __future__ import annotations


def timeline_events(client) -> list:
    """Return the client's life events as openipt.core.charts Event objects, oldest first."""
    return []


def has_agreed_formulation(course) -> bool | None:
    """Return whether the course's current formulation was agreed by the client.

    None means the assessment app keeps no formulation for this course yet, so the
    course's own formulation fields decide.
    """
    return None


def inventory_people(client) -> list[dict]:
    """Return the people in the client's interpersonal inventory for personalising practice.

    Each item: {"id": int, "name": str (alias if one was given, else the name), "relationship": str,
    "ring": "inner"|"middle"|"outer"|""}. Empty until the client has an inventory.
    """
    return []
