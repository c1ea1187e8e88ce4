"""Who may see and run groups.

A group is visible to the admins of its organisation, its facilitator and co-facilitator, its
supervisor, and the supervisor of its facilitators. Members (client data) are always read through
`visible_clients(actor)`, so the care-team rule applies to every roster row as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from openipt.accounts.access import site_q, within_site
from openipt.accounts.models import Role
from openipt.clients.access import visible_clients
from openipt.core.numbers import as_id as _int
from openipt.groups.models import Group, GroupSession, Member, MemberStatus, Programme

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def visible_groups(actor: Actor | None) -> QuerySet[Group]:
    """Return the groups this actor may see, in their organisation only."""
    if actor is None or actor.role == Role.CLIENT:
        return Group.objects.none()
    base = Group.objects.filter(site_q(actor), organisation_id=actor.organisation_id)
    if actor.role == Role.ADMIN:
        return base
    me = actor.membership.pk
    scope = Q(facilitator_id=me) | Q(co_facilitator_id=me) | Q(supervisor_id=me)
    if actor.role == Role.SUPERVISOR:
        scope |= Q(facilitator__supervisor_id=me) | Q(co_facilitator__supervisor_id=me)
    return base.filter(scope)


def get_group(actor: Actor, group_id) -> Group | None:
    pk = _int(group_id)
    if pk is None:
        return None
    return (visible_groups(actor).filter(pk=pk)
            .select_related("programme", "facilitator__user", "co_facilitator__user", "supervisor__user").first())


def get_session(actor: Actor, group_id, number) -> GroupSession | None:
    group = get_group(actor, group_id)
    number = _int(number)
    if group is None or number is None:
        return None
    session = GroupSession.objects.filter(group=group, number=number).first()
    if session is not None:
        session.group = group
    return session


def visible_members(actor: Actor, group: Group) -> QuerySet[Member]:
    """Return a group's members the actor may see (through the care-team rule)."""
    return (Member.objects.filter(group=group, client__in=visible_clients(actor))
            .select_related("client", "course"))


def active_members(actor: Actor, group: Group) -> QuerySet[Member]:
    return visible_members(actor, group).filter(status=MemberStatus.ACTIVE)


def programmes(actor: Actor | None) -> QuerySet[Programme]:
    if actor is None:
        return Programme.objects.none()
    return Programme.objects.filter(organisation_id=actor.organisation_id)


LEADER_ROLES = (Role.FACILITATOR, Role.THERAPIST, Role.SUPERVISOR)  # who may lead or co-lead a group


def leads(actor: Actor, group: Group) -> bool:
    """Return True when the actor is the group's facilitator or co-facilitator."""
    me = actor.membership.pk
    return actor.is_care_staff and group.organisation_id == actor.organisation_id and within_site(
        actor, group.site_id) and me in (group.facilitator_id, group.co_facilitator_id)


def can_run(actor: Actor, group: Group) -> bool:
    """Mark attendance, enter checks, hold meetings: the group's own facilitators."""
    return leads(actor, group)


def can_manage(actor: Actor | None, group: Group | None = None) -> bool:
    """Set up and change groups: the organisation's admins."""
    return actor is not None and actor.is_admin and (group is None or group.organisation_id == actor.organisation_id)


def can_add_members(actor: Actor, group: Group) -> bool:
    return can_run(actor, group) or can_manage(actor, group)


def can_reply(actor: Actor | None, group: Group) -> bool:
    """Reply to session reports: the group's supervisor (or the facilitators' supervisor)."""
    if actor is None or actor.role != Role.SUPERVISOR or group.organisation_id != actor.organisation_id:
        return False
    me = actor.membership.pk
    if group.supervisor_id == me:
        return True
    return visible_groups(actor).filter(pk=group.pk).exists()
