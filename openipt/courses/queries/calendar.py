"""The rows of the calendar page beyond the upcoming sessions (`access.my_upcoming_sessions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openipt.courses.models import CalendarToken

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def calendar_token(actor: Actor) -> CalendarToken | None:
    """The person's calendar feed token in use, or None when they have none (or revoked it)."""
    return CalendarToken.objects.filter(membership=actor.membership, revoked_at__isnull=True).first()
