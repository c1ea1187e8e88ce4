"""What the accounts pages read: the organisation's people and its open invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts import access
from openipt.accounts.models import Invitation, Membership

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def people(actor: Actor, show: str) -> QuerySet[Membership]:
    """The organisation's people by role and name: the active ones, those turned off, or all ("all")."""
    members = access.visible_memberships(actor).order_by("role", "user__display_name", "user__username")
    if show == "active":
        members = members.filter(is_active=True)
    elif show == "inactive":
        members = members.filter(is_active=False)
    return members


def open_invitations(actor: Actor, limit: int = 50) -> QuerySet[Invitation]:
    """Invitations not accepted and not taken back (at most `limit`)."""
    return access.visible_invitations(actor).filter(accepted_at__isnull=True, revoked_at__isnull=True)[:limit]
