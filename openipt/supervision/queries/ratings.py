"""Ratings read for the supervision pages."""

from __future__ import annotations

from openipt.supervision.models import FidelityRating


def current_rating(kind: str, target_id: int) -> FidelityRating | None:
    """Return the current fidelity rating of one session or meeting, with its rater (one query), or None."""
    return (
        FidelityRating.objects.filter(target_kind=kind, target_id=target_id, is_current=True)
        .select_related("rater__user")
        .first()
    )
