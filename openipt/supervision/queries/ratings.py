"""Ratings read for the supervision pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openipt.supervision import access
from openipt.supervision.models import FidelityRating

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def current_rating(kind: str, target_id: int) -> FidelityRating | None:
    """Return the current fidelity rating of one session or meeting, with its rater (one query), or None."""
    return (
        FidelityRating.objects.filter(target_kind=kind, target_id=target_id, is_current=True)
        .select_related("rater__user")
        .first()
    )


def versions_of(actor: Actor, rating: FidelityRating) -> list[FidelityRating]:
    """Every version of the rating of one session or meeting that the actor may see, newest first, with raters."""
    return list(
        access.visible_ratings(actor).filter(target_kind=rating.target_kind, target_id=rating.target_id)
        .select_related("rater__user").order_by("-version")
    )


def reply_of(rating: FidelityRating):
    """The clinician's reply to a rating, or None."""
    try:
        return rating.reply
    except FidelityRating.reply.RelatedObjectDoesNotExist:
        return None
