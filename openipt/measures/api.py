"""What other apps may ask of the measures app (kept small and stable)."""

from __future__ import annotations


def score_points(client, instrument_code: str = "phq9") -> list[tuple]:
    """Return (completed_at, total) for a client's completed administrations of an instrument, oldest first."""
    return []
