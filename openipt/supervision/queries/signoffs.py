"""Competency sign-offs read for the sign-offs page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openipt.supervision import access
from openipt.supervision.models import SignOff

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership


def members_to_sign_off(actor: Actor) -> list[Membership]:
    """The people the actor oversees, by name, with their logins (one query)."""
    return list(access.supervised_members(actor).select_related("user").order_by("user__display_name", "pk"))


def recent_signoffs(actor: Actor, limit: int = 200) -> list[SignOff]:
    """The sign-offs of the people the actor oversees, newest first, live and withdrawn (one query)."""
    return list(access.visible_signoffs(actor).order_by("-created_at", "-pk")[:limit])


def signoff_is_visible(actor: Actor, signoff_id) -> bool:
    """Whether the sign-off exists and is one of the actor's to see."""
    return access.visible_signoffs(actor).filter(pk=access._pk(signoff_id) or 0).exists()
