"""Who may keep groups on a tablet, revoke a tablet, and see tablets and conflicts.

A tablet holds only its owner's own groups: the groups they facilitate or co-facilitate that
have not ended. Supervisors and admins of the organisation oversee the tablets (revoke, stale
list, conflicts) but never receive group data through them.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from openipt.accounts.access import site_q
from openipt.accounts.models import CARE_ROLES, Membership, Role
from openipt.clients.access import visible_clients
from openipt.core.numbers import as_id
from openipt.groups.models import Group, GroupStatus, Member
from openipt.offline.models import Conflict, Device
from openipt.supervision.access import supervised_members

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def runs_groups_of(membership: Membership) -> QuerySet[Group]:
    """The groups this person runs now (facilitator or co-facilitator, not ended), in their organisation."""
    me = membership.pk
    found = (Group.objects.filter(organisation_id=membership.organisation_id)
             .exclude(status=GroupStatus.ENDED).filter(Q(facilitator_id=me) | Q(co_facilitator_id=me)))
    # The site limit of accounts.access.site_limit: staff (not admins) placed in a site reach only that
    # site's groups and those with no site, so a tablet never receives a group of another site.
    if membership.role not in (Role.ADMIN, Role.CLIENT) and membership.site_id is not None:
        found = found.filter(Q(site__isnull=True) | Q(site_id=membership.site_id))
    return found


def linkable_members(actor: Actor, device: Device, group_id: int | None) -> QuerySet[Member]:
    """The members a change from this tablet may be linked to: only in the group the change names, when that
    group was in one of the owner's tablets' snapshots or is one the owner runs now, and only clients the
    owner may see. Never a member of another group of the organisation."""
    if group_id is None:
        return Member.objects.none()
    ran: set[int] = set()
    for ids in Device.objects.filter(owner_id=device.owner_id, organisation_id=device.organisation_id).values_list(
            "group_ids", flat=True):
        ran.update(i for i in (ids or []) if isinstance(i, int))
    if group_id not in ran and not runs_groups_of(device.owner).filter(pk=group_id).exists():
        return Member.objects.none()
    return Member.objects.filter(group_id=group_id, group__organisation_id=device.organisation_id,
                                 client__in=visible_clients(actor)).select_related("client")


def may_keep_groups(membership: Membership) -> bool:
    """A person may keep groups on a tablet while they are active care staff who run a group."""
    return (membership.is_active and membership.user.is_active and membership.role in CARE_ROLES
            and runs_groups_of(membership).exists())


def oversees(actor: Actor) -> bool:
    """Supervisors and admins see the organisation's tablets and their conflicts."""
    return actor.role in (Role.SUPERVISOR, Role.ADMIN)


def own_devices(actor: Actor) -> QuerySet[Device]:
    return Device.objects.filter(owner_id=actor.membership.pk, organisation_id=actor.organisation_id)


def own_device_rows(actor: Actor) -> list[Device]:
    """This person's tablets, newest first, for their page."""
    return list(own_devices(actor).order_by("-created_at", "-pk"))


def visible_devices(actor: Actor) -> QuerySet[Device]:
    """A person's own tablets; a supervisor's also those of the people they supervise (within their site);
    an admin's every tablet in the organisation."""
    if actor.role == Role.ADMIN:
        return Device.objects.filter(site_q(actor, "owner__site"), organisation_id=actor.organisation_id)
    if actor.role == Role.SUPERVISOR:
        return Device.objects.filter(
            Q(owner_id=actor.membership.pk) | Q(site_q(actor, "owner__site"), owner__in=supervised_members(actor)),
            organisation_id=actor.organisation_id)
    return own_devices(actor)


def parse_uuid(value: object) -> uuid.UUID | None:
    """A tablet's id as sent (header or address), or None when it is not a UUID at all."""
    text = str(value or "").strip()
    if len(text) != 36:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def device_for(actor: Actor, device_uuid: object) -> Device | None:
    """The tablet with this id, when the actor may act on it (owner, or a supervisor or admin of the organisation)."""
    wanted = parse_uuid(device_uuid)
    if wanted is None:
        return None
    return visible_devices(actor).select_related("owner__user").filter(uuid=wanted).first()


def visible_conflicts(actor: Actor) -> QuerySet[Conflict]:
    """Changes from tablets that were not applied: the owner's own; for a supervisor also those about clients
    they may see and, when about no client, those from tablets of the people they supervise; for an admin
    every one in the organisation."""
    base = Conflict.objects.filter(organisation_id=actor.organisation_id)
    if actor.role == Role.ADMIN:
        return base.filter(Q(client__isnull=True) | Q(client__in=visible_clients(actor)))
    mine = Q(device__owner_id=actor.membership.pk)
    if actor.role == Role.SUPERVISOR:
        return base.filter(mine | Q(client__in=visible_clients(actor))
                           | Q(client__isnull=True, device__in=visible_devices(actor)))
    return base.filter(mine)


def open_conflict_count(actor: Actor) -> int:
    """How many changes from tablets are still to settle (the number after the Tablets link)."""
    return visible_conflicts(actor).filter(status="open").count()


def conflict_rows(actor: Actor, limit: int = 200) -> list[Conflict]:
    """The newest changes from tablets that were not applied, with who and what, for the Conflicts page."""
    return list(visible_conflicts(actor).select_related("device__owner__user", "client", "resolved_by__user")[:limit])


def conflict_for(actor: Actor, conflict_id: object) -> Conflict | None:
    pk = as_id(conflict_id)
    if pk is None:
        return None
    return visible_conflicts(actor).select_related("device__owner__user", "client").filter(pk=pk).first()
