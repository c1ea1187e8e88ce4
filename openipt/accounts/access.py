"""Who may manage people and organisations.

Predicates take an Actor (see accounts.actor) first. Queries of people go
through the functions here so that nobody sees another organisation's staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from openipt.accounts.models import CARE_ROLES, Invitation, Membership, Role

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def is_admin(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.ADMIN


def can_review_translations(actor: Actor | None) -> bool:
    """Admins sign off translations (the catalogues serve the whole site)."""
    return is_admin(actor)


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.is_staff


def is_client(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.CLIENT


def is_care_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.role in CARE_ROLES


def site_limit(actor: Actor | None) -> int | None:
    """The one site this actor's reach is limited to, or None for the whole organisation.

    Staff other than admins (therapists, facilitators, supervisors, programme managers) whose membership
    names a site see only that site's clients and groups, and those with no site. Admins are never limited:
    they are the ones who place people and groups in sites. Clients see their own record only anyway.
    """
    if actor is None or actor.role in (Role.ADMIN, Role.CLIENT):
        return None
    return actor.membership.site_id


def within_site(actor: Actor | None, site_id: int | None) -> bool:
    """A record with no site is within everyone's reach; one with a site only within a limit to that site."""
    limit = site_limit(actor)
    return limit is None or site_id is None or site_id == limit


def site_q(actor: Actor | None, field: str = "site") -> Q:
    """The filter that keeps a queryset within the actor's site (everything when they have no limit)."""
    return site_q_for(site_limit(actor), field)


def site_q_for(limit: int | None, field: str = "site") -> Q:
    """`site_q` for a known limit (None: everything): records with no site, or in that site."""
    if limit is None:
        return Q()
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}_id": limit})


def can_manage_people(actor: Actor | None) -> bool:
    """Admins manage the people of their organisation."""
    return is_admin(actor)


def active_memberships(user) -> QuerySet[Membership]:
    """Return a user's active memberships, with their organisations."""
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def visible_memberships(actor: Actor) -> QuerySet[Membership]:
    """Return the memberships an admin manages; others see none."""
    if not is_admin(actor):
        return Membership.objects.none()
    return Membership.objects.filter(organisation_id=actor.organisation_id, is_service=False).select_related(
        "user", "supervisor__user"
    )


def care_staff(actor: Actor) -> QuerySet[Membership]:
    """Return the organisation's active care staff (for assignment choices)."""
    return (
        Membership.objects.filter(
            organisation_id=actor.organisation_id, is_active=True, role__in=[r.value for r in CARE_ROLES]
        )
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


def supervisors(actor: Actor) -> QuerySet[Membership]:
    """Return the organisation's active supervisors."""
    return care_staff(actor).filter(role=Role.SUPERVISOR)


def visible_invitations(actor: Actor) -> QuerySet[Invitation]:
    """Return the invitations an admin can see."""
    if not is_admin(actor):
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation_id=actor.organisation_id).select_related(
        "invited_by__user", "client"
    )


def get_membership_for_admin(actor: Actor, pk: int) -> Membership | None:
    """Return one membership in the admin's organisation, or None."""
    return visible_memberships(actor).filter(pk=pk).first()
